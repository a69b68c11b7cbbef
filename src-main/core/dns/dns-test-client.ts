import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { DecodedPacket, RecordType } from 'dns-packet';
import type { ClusterStatus } from '../../contract';
import { fakeClusterStatus, fakeService } from '../../contract/cluster-status.fake';

/** A decoded reply: dns-packet's decode also gives the rcode name (its types leave it out). */
export type Reply = DecodedPacket & { rcode?: string };

/** Test and benchmark helper: one query over UDP or TCP to 127.0.0.1:port, decoded with dns-packet. */
export function queryPacket(
  name: string,
  type: RecordType | 'ANY' = 'A',
  id = Math.floor(Math.random() * 65535),
  edns = false,
): Buffer {
  return dnsPacket.encode({
    id,
    type: 'query',
    flags: dnsPacket.RECURSION_DESIRED,
    // dns-packet encodes ANY (255) though its type union leaves it out.
    questions: [{ name, type: type as RecordType, class: 'IN' }],
    additionals: edns
      ? [
          {
            type: 'OPT',
            name: '.',
            udpPayloadSize: 1232,
            extendedRcode: 0,
            ednsVersion: 0,
            flags: 0,
            flag_do: false,
            options: [],
          },
        ]
      : [],
  });
}

/** Sends raw bytes over UDP and resolves with the decoded reply, or `undefined` after `timeoutMs` (ms). */
/** A UDP port free on loopback right now (bound, read, released). */
export async function freePort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

export function udpExchange(port: number, message: Buffer, timeoutMs = 5_000): Promise<Reply | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const finish = (packet: Reply | undefined) => {
      clearTimeout(timer);
      socket.close();
      resolve(packet);
    };
    socket.on('message', (reply) => finish(dnsPacket.decode(reply)));
    socket.on('error', () => finish(undefined));
    socket.send(message, port, '127.0.0.1');
  });
}

/** Sends length-prefixed messages over one TCP connection and collects that many replies. */
export function tcpExchange(port: number, messages: Buffer[], timeoutMs = 2_000): Promise<Reply[]> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const replies: Reply[] = [];
    let pending: Buffer = Buffer.alloc(0);
    const timer = setTimeout(() => finish(), timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(replies);
    };
    socket.on('connect', () =>
      socket.write(
        Buffer.concat(messages.map((m) => Buffer.concat([Buffer.from([m.length >> 8, m.length & 0xff]), m]))),
      ),
    );
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const length = pending.readUInt16BE(0);
        replies.push(dnsPacket.decode(pending.subarray(2, 2 + length)));
        pending = pending.subarray(2 + length);
      }
      if (replies.length >= messages.length) finish();
    });
    socket.on('error', () => finish());
    socket.on('close', () => finish());
  });
}

/** The addresses in a reply's answer section. */
export function addressesOf(packet: Reply | undefined): string[] {
  return (packet?.answers ?? []).flatMap((answer) =>
    answer.type === 'A' || answer.type === 'AAAA' ? [answer.data] : [],
  );
}

/** A cluster status as the cluster wing reports it, with only what the zone reads filled in. */
export function statusWith(
  cluster: string,
  services: { namespace: string; name: string; ips: string[]; type?: string }[],
  nodes: { name: string; ip: string }[] = [],
): ClusterStatus {
  return fakeClusterStatus({
    cluster,
    context: `kind-${cluster}`,
    nodes: nodes.map((n) => ({ name: n.name, roles: [], ready: true, internalIP: n.ip, podCIDRs: [] })),
    services: services.map((s) =>
      fakeService({ namespace: s.namespace, name: s.name, type: s.type ?? 'LoadBalancer', externalIPs: s.ips }),
    ),
    generatedAt: new Date().toISOString(),
  });
}
