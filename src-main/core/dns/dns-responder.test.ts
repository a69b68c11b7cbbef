import { createSocket } from 'node:dgram';
import * as dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../util/logger';
import { DnsResponder } from './dns-responder';
import { addressesOf, queryPacket, statusWith, tcpExchange, udpExchange } from './dns-test-client';
import { buildZoneIndex } from './dns-zone';

const zone = buildZoneIndex([
  statusWith(
    'demo',
    [
      { namespace: 'default', name: 'web', ips: ['172.18.250.1'] },
      { namespace: 'shop', name: 'dual', ips: ['172.18.250.2', 'fc00:f853:ccd:e793::fa02'] },
      { namespace: 'default', name: 'internal', ips: [], type: 'ClusterIP' },
      { namespace: 'default', name: 'many', ips: Array.from({ length: 20 }, (_, i) => `172.18.251.${i + 1}`) },
    ],
    [{ name: 'demo-worker', ip: '172.18.0.3' }],
  ),
]);

describe('DnsResponder on loopback (UDP and TCP)', () => {
  const responder = new DnsResponder({
    port: 0,
    zone: () => zone,
    log: createMemoryLogger(),
    limits: { perSourceQps: 2_000, perSourceBurst: 200 },
  });
  let port = 0;
  beforeAll(async () => {
    port = await responder.start();
  });
  afterAll(() => responder.stop());

  it("answers a service's name with its external IP, authoritatively, with a TTL of a few seconds", async () => {
    const reply = await udpExchange(port, queryPacket('web.default.demo.kind.internal', 'A', 4242));
    expect(reply?.id).toBe(4242);
    expect(reply?.rcode).toBe('NOERROR');
    expect(reply?.flag_aa).toBe(true);
    expect(addressesOf(reply)).toEqual(['172.18.250.1']);
    expect(reply?.answers?.[0]).toMatchObject({ ttl: 5, name: 'web.default.demo.kind.internal' });
  });

  it('matches names case-insensitively and echoes the question as asked (0x20)', async () => {
    const reply = await udpExchange(port, queryPacket('WeB.Default.DEMO.kind.Internal'));
    expect(addressesOf(reply)).toEqual(['172.18.250.1']);
    expect(reply?.answers?.[0]?.name).toBe('WeB.Default.DEMO.kind.Internal');
  });

  it('gives NODATA with the SOA for a type the name lacks, and AAAA where the service has an IPv6 address', async () => {
    const nodata = await udpExchange(port, queryPacket('web.default.demo.kind.internal', 'AAAA'));
    expect(nodata?.rcode).toBe('NOERROR');
    expect(nodata?.answers).toEqual([]);
    expect(nodata?.authorities?.map((a) => a.type)).toEqual(['SOA']);
    const mx = await udpExchange(port, queryPacket('web.default.demo.kind.internal', 'MX'));
    expect([mx?.rcode, mx?.answers?.length]).toEqual(['NOERROR', 0]);
    expect(addressesOf(await udpExchange(port, queryPacket('dual.shop.demo.kind.internal', 'AAAA')))).toEqual([
      'fc00:f853:ccd:e793::fa02',
    ]);
    expect(addressesOf(await udpExchange(port, queryPacket('dual.shop.demo.kind.internal', 'ANY'))).sort()).toEqual([
      '172.18.250.2',
      'fc00:f853:ccd:e793::fa02',
    ]);
  });

  it('treats the names in between as empty non-terminals (RFC 8020): NOERROR, not NXDOMAIN', async () => {
    for (const name of ['default.demo.kind.internal', 'demo.kind.internal', 'shop.demo.kind.internal']) {
      const reply = await udpExchange(port, queryPacket(name));
      expect([name, reply?.rcode, reply?.answers?.length]).toEqual([name, 'NOERROR', 0]);
    }
  });

  it('says NXDOMAIN with the zone SOA in authority for unknown names, and for services without an external IP', async () => {
    for (const name of [
      'nope.default.demo.kind.internal',
      'internal.default.demo.kind.internal',
      'web.default.other.kind.internal',
      'x.web.default.demo.kind.internal',
    ]) {
      const reply = await udpExchange(port, queryPacket(name));
      expect([name, reply?.rcode]).toEqual([name, 'NXDOMAIN']);
      expect(reply?.authorities?.[0]).toMatchObject({ type: 'SOA', name: 'kind.internal', data: { minimum: 5 } });
    }
  });

  it("answers a node's name with its InternalIP and the apex SOA", async () => {
    expect(addressesOf(await udpExchange(port, queryPacket('demo-worker.demo.kind.internal')))).toEqual(['172.18.0.3']);
    const soa = await udpExchange(port, queryPacket('kind.internal', 'SOA'));
    expect(soa?.answers?.[0]?.type).toBe('SOA');
  });

  it('refuses names outside its zone: it is not a recursive resolver', async () => {
    for (const name of ['example.com', 'internal', 'xkind.internal']) {
      const reply = await udpExchange(port, queryPacket(name));
      expect([name, reply?.rcode, reply?.flag_ra]).toEqual([name, 'REFUSED', false]);
    }
  });

  it('answers over TCP, pipelined queries on one connection in order', async () => {
    const replies = await tcpExchange(port, [
      queryPacket('web.default.demo.kind.internal', 'A', 1),
      queryPacket('nope.demo.kind.internal', 'A', 2),
      queryPacket('example.org', 'A', 3),
    ]);
    expect(replies.map((r) => [r.id, r.rcode])).toEqual([
      [1, 'NOERROR'],
      [2, 'NXDOMAIN'],
      [3, 'REFUSED'],
    ]);
  });

  // dns-packet does not compress names, so 20 A records (~46 bytes each) exceed 512 but fit EDNS's 1232.
  it('sets TC over UDP when the answer does not fit 512 bytes, and gives it whole over TCP or with EDNS', async () => {
    const udp = await udpExchange(port, queryPacket('many.default.demo.kind.internal'));
    expect([udp?.flag_tc, udp?.answers?.length]).toEqual([true, 0]);
    const [tcp] = await tcpExchange(port, [queryPacket('many.default.demo.kind.internal')]);
    expect(addressesOf(tcp)).toHaveLength(20);
    expect(
      addressesOf(await udpExchange(port, queryPacket('many.default.demo.kind.internal', 'A', 7, true))),
    ).toHaveLength(20);
  });

  it('answers malformed, truncated and unsupported queries with the right rcode, drops what is not a query, and keeps answering', async () => {
    const valid = queryPacket('web.default.demo.kind.internal', 'A', 0x1234);
    // A header that promises a question, then stops: FORMERR with the same id.
    const truncated = await udpExchange(port, valid.subarray(0, 20));
    expect([truncated?.id, truncated?.rcode]).toEqual([0x1234, 'FORMERR']);
    // Two questions in one query.
    const two = dnsPacket.encode({
      id: 9,
      type: 'query',
      questions: [
        { name: 'a.kind.internal', type: 'A' },
        { name: 'b.kind.internal', type: 'A' },
      ],
    });
    expect((await udpExchange(port, two))?.rcode).toBe('FORMERR');
    // Opcode NOTIFY (4).
    const notify = dnsPacket.encode({
      id: 10,
      type: 'query',
      flags: 4 << 11,
      questions: [{ name: 'kind.internal', type: 'SOA' }],
    });
    expect((await udpExchange(port, notify))?.rcode).toBe('NOTIMP');
    // EDNS version 1: BADVERS (extended rcode 16).
    const edns1 = dnsPacket.encode({
      id: 11,
      type: 'query',
      questions: [{ name: 'kind.internal', type: 'SOA' }],
      additionals: [
        {
          type: 'OPT',
          name: '.',
          udpPayloadSize: 1232,
          extendedRcode: 0,
          ednsVersion: 1,
          flags: 0,
          flag_do: false,
          options: [],
        },
      ],
    });
    const badvers = await udpExchange(port, edns1);
    expect(badvers?.additionals?.find((a) => a.type === 'OPT')).toMatchObject({ extendedRcode: 1 });
    // CHAOS class (version.bind): refused.
    expect(
      (
        await udpExchange(
          port,
          dnsPacket.encode({ id: 12, type: 'query', questions: [{ name: 'version.bind', type: 'TXT', class: 'CH' }] }),
        )
      )?.rcode,
    ).toBe('REFUSED');
    // Nothing comes back for: 5 bytes, a response packet, 5000 bytes of junk, a compression-pointer loop.
    expect(await udpExchange(port, Buffer.from('hello'), 300)).toBeUndefined();
    expect(
      await udpExchange(
        port,
        dnsPacket.encode({ id: 13, type: 'response', questions: [{ name: 'kind.internal', type: 'A' }] }),
        300,
      ),
    ).toBeUndefined();
    expect(await udpExchange(port, Buffer.alloc(5000, 0xab), 300)).toBeUndefined();
    const loop = Buffer.from([0, 14, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
    expect((await udpExchange(port, loop))?.rcode).toBe('FORMERR');
    // A TCP frame that claims 60 000 bytes: the connection is closed, the server lives.
    expect(await tcpExchange(port, [Buffer.alloc(60_000)], 500)).toEqual([]);
    expect(addressesOf(await udpExchange(port, valid))).toEqual(['172.18.250.1']);
  });

  it('keeps answering others during a flood from one socket (bounded: 20 000 packets)', async () => {
    const flooder = createSocket('udp4');
    const junk = [queryPacket('web.default.demo.kind.internal'), Buffer.from('junk'), queryPacket('example.com')];
    let sent = 0;
    const flood = new Promise<void>((resolve) => {
      const burst = () => {
        for (let i = 0; i < 500 && sent < 20_000; i++, sent++)
          flooder.send(junk[sent % junk.length]!, port, '127.0.0.1');
        if (sent < 20_000) setImmediate(burst);
        else resolve();
      };
      burst();
    });
    const before = { ...responder.stats };
    // A client with retries, as every stub resolver has.
    let answered: string[] = [];
    for (let attempt = 0; attempt < 10 && answered.length === 0; attempt++)
      answered = addressesOf(await udpExchange(port, queryPacket('demo-worker.demo.kind.internal'), 500));
    await flood;
    flooder.close();
    expect(answered).toEqual(['172.18.0.3']);
    // The flooder was held to its rate (2 000/s, burst 200). Most of the 20 000 never reach the
    // process at all (the kernel's receive buffer overflows); of those that do, some were refused a reply.
    expect(responder.stats.limited - before.limited).toBeGreaterThan(0);
    expect(responder.stats.dropped).toBeGreaterThan(before.dropped);
    expect(addressesOf(await udpExchange(port, queryPacket('web.default.demo.kind.internal')))).toEqual([
      '172.18.250.1',
    ]);
  });

  it('binds 127.0.0.1 only, and names the port when it is taken', async () => {
    const other = new DnsResponder({ port, zone: () => zone, log: createMemoryLogger() });
    await expect(other.start()).rejects.toThrow(`DNS port ${port} on 127.0.0.1 is already in use`);
  });
});
