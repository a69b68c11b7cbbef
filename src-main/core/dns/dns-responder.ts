import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import * as dnsPacket from 'dns-packet';
import { KindscopeError } from '../../contract';
import type { Logger } from '../util/logger';
import { answerQuery, encodeResponse, formatErrorFor } from './dns-answer';
import type { ZoneIndex } from './dns-zone';

export interface DnsResponderLimits {
  /** bytes: larger queries are dropped (a real query for one name is < 300 bytes). */
  maxQueryBytes: number;
  /** Queries per second one source (address:port) may send before it is dropped. */
  perSourceQps: number;
  /** Queries a source may send at once above its rate. */
  perSourceBurst: number;
  maxTcpConnections: number;
  /** ms a TCP connection may stay idle (RFC 7766 §6.2.3 suggests seconds). */
  tcpIdleMs: number;
}

const defaultLimits: DnsResponderLimits = {
  maxQueryBytes: 4096,
  perSourceQps: 5000,
  perSourceBurst: 1000,
  maxTcpConnections: 64,
  tcpIdleMs: 10_000,
};

export interface DnsResponderOptions {
  /** 0 picks a free port (tests). */
  port: number;
  /** The current zone, read on every query (the index is swapped, never mutated). */
  zone: () => ZoneIndex;
  isProbe?: (name: string) => boolean;
  /** Called for every answered query name (lower-case), e.g. to see a probe arrive. */
  onQuery?: (name: string) => void;
  log: Logger;
  limits?: Partial<DnsResponderLimits>;
}

export interface DnsResponderStats {
  answered: number;
  formErrors: number;
  /** Not answered: too large, not a query, or not even a header. */
  dropped: number;
  /** Not answered: the source was over its rate. */
  limited: number;
}

/** Loopback only: nothing outside this machine can query it, or use it to amplify. */
const HOST = '127.0.0.1';

/**
 * The embedded DNS server: UDP and TCP on 127.0.0.1, wire format by dns-packet, answers
 * from {@link answerQuery}. Every packet is handled inside a try/catch and a per-source
 * token bucket, so junk or a flood from one socket never stops answers to the others.
 */
export class DnsResponder {
  private udp: UdpSocket | undefined;
  private tcp: Server | undefined;
  private readonly connections = new Set<Socket>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly limits: DnsResponderLimits;
  readonly stats: DnsResponderStats = { answered: 0, formErrors: 0, dropped: 0, limited: 0 };
  private boundPort = 0;

  constructor(private readonly options: DnsResponderOptions) {
    this.limits = { ...defaultLimits, ...options.limits };
  }

  get port(): number {
    return this.boundPort;
  }

  /** Binds UDP first, then TCP on the same port. Rejects with a KindscopeError naming the port when it is taken. */
  async start(): Promise<number> {
    const udp = createSocket({ type: 'udp4' });
    udp.on('message', (message, remote) => this.onDatagram(udp, message, remote.address, remote.port));
    udp.on('error', (error) => this.options.log.warn(`DNS responder (UDP): ${error.message}`));
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind({ address: HOST, port: this.options.port, exclusive: true }, () => {
        udp.off('error', reject);
        resolve();
      });
    }).catch((error: NodeJS.ErrnoException) => {
      udp.close();
      throw portError(this.options.port, error);
    });
    const port = udp.address().port;
    const tcp = createServer((socket) => this.onConnection(socket));
    tcp.maxConnections = this.limits.maxTcpConnections;
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen({ host: HOST, port, exclusive: true }, () => {
          tcp.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      udp.close();
      throw portError(port, error as NodeJS.ErrnoException);
    }
    tcp.on('error', (error) => this.options.log.warn(`DNS responder (TCP): ${error.message}`));
    this.udp = udp;
    this.tcp = tcp;
    this.boundPort = port;
    return port;
  }

  async stop(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    const udp = this.udp;
    const tcp = this.tcp;
    this.udp = undefined;
    this.tcp = undefined;
    await Promise.all([
      udp && new Promise<void>((resolve) => udp.close(() => resolve())),
      tcp && new Promise<void>((resolve) => tcp.close(() => resolve())),
    ]);
  }

  private onDatagram(udp: UdpSocket, message: Buffer, address: string, port: number): void {
    const response = this.handle(message, `${address}:${port}`, 'udp');
    if (response)
      udp.send(
        response,
        port,
        address,
        (error) => error && this.options.log.debug?.(`DNS reply to ${address}:${port} failed: ${error.message}`),
      );
  }

  private onConnection(socket: Socket): void {
    this.connections.add(socket);
    socket.setTimeout(this.limits.tcpIdleMs, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.connections.delete(socket));
    const source = `${socket.remoteAddress}:${socket.remotePort}`;
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      // RFC 1035 §4.2.2 / RFC 7766: each message is prefixed with its 2-byte length; clients may pipeline.
      while (pending.length >= 2) {
        const length = pending.readUInt16BE(0);
        if (length > this.limits.maxQueryBytes || length < 12) {
          this.stats.dropped++;
          socket.destroy();
          return;
        }
        if (pending.length < 2 + length) return;
        const message = pending.subarray(2, 2 + length);
        pending = pending.subarray(2 + length);
        const response = this.handle(message, source, 'tcp');
        if (!response) continue;
        const frame = Buffer.alloc(2 + response.length);
        frame.writeUInt16BE(response.length, 0);
        response.copy(frame, 2);
        socket.write(frame);
      }
    });
  }

  /** One query in, the encoded response out (or nothing: dropped). Never throws. */
  private handle(message: Buffer, source: string, transport: 'udp' | 'tcp'): Buffer | undefined {
    if (message.length > this.limits.maxQueryBytes) {
      this.stats.dropped++;
      return undefined;
    }
    if (!this.take(source)) {
      this.stats.limited++;
      return undefined;
    }
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      const reply = formatErrorFor(message);
      if (reply) this.stats.formErrors++;
      else this.stats.dropped++;
      return reply;
    }
    try {
      const response = answerQuery(this.options.zone(), query, {
        transport,
        ...(this.options.isProbe ? { isProbe: this.options.isProbe } : {}),
      });
      if (!response) {
        this.stats.dropped++;
        return undefined;
      }
      const name = query.questions?.[0]?.name.toLowerCase();
      if (name !== undefined) this.options.onQuery?.(name);
      this.stats.answered++;
      return encodeResponse(response, query, transport);
    } catch (error) {
      // A question dns-packet decodes but cannot encode back (e.g. a label it mangles): FORMERR, not a crash.
      this.options.log.debug?.(`DNS query from ${source} not answerable: ${(error as Error).message}`);
      this.stats.formErrors++;
      return formatErrorFor(message);
    }
  }

  /** Token bucket per source; the map is cleared when it grows past 10 000 sources (a spoofing flood). */
  private take(source: string): boolean {
    const now = performance.now();
    let bucket = this.buckets.get(source);
    if (!bucket) {
      if (this.buckets.size >= 10_000) this.buckets.clear();
      bucket = { tokens: this.limits.perSourceBurst, at: now };
      this.buckets.set(source, bucket);
    }
    bucket.tokens = Math.min(
      this.limits.perSourceBurst,
      bucket.tokens + ((now - bucket.at) / 1000) * this.limits.perSourceQps,
    );
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}

function portError(port: number, error: NodeJS.ErrnoException): KindscopeError {
  if (error.code === 'EADDRINUSE')
    return new KindscopeError(
      'INVALID_INPUT',
      `DNS port ${port} on 127.0.0.1 is already in use (another Kindscope, or another DNS server)`,
      'Choose another port with --port P (or KINDSCOPE_DNS_PORT), or stop the program using it.',
      { cause: error },
    );
  if (error.code === 'EACCES')
    return new KindscopeError(
      'INVALID_INPUT',
      `DNS port ${port} needs privileges to bind`,
      'Use a port above 1023 (the default is 15353).',
      { cause: error },
    );
  return new KindscopeError(
    'INTERNAL',
    `The DNS responder could not listen on 127.0.0.1:${port}: ${error.message}`,
    'Choose another port with --port P.',
    { cause: error },
  );
}
