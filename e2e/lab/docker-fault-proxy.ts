import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProxiedCall {
  method: string;
  /** Path without the API version prefix and query, e.g. `/containers/json`. */
  path: string;
  /** Full request target as sent. */
  target: string;
  at: number;
}

/**
 * A unix-socket proxy in front of the real engine (LAB.md §4). Tests point the product at
 * it with DOCKER_HOST and then refuse connections, cut the events stream, delay traffic
 * and count API calls — engine faults without disturbing other tests.
 */
export class DockerFaultProxy {
  readonly calls: ProxiedCall[] = [];
  private server: Server | undefined;
  private readonly connections = new Set<{ client: Socket; upstream: Socket; isEvents: boolean; held: boolean }>();
  private delayMs = 0;
  private holdPath: RegExp | undefined;

  readonly socketPath: string;
  private readonly targetSocket: string;
  private readonly dir: string;

  private constructor(socketPath: string, targetSocket: string, dir: string) {
    this.socketPath = socketPath;
    this.targetSocket = targetSocket;
    this.dir = dir;
  }

  static async start(targetSocket = '/var/run/docker.sock'): Promise<DockerFaultProxy> {
    const dir = mkdtempSync(join(tmpdir(), 'kindscope-proxy-'));
    const proxy = new DockerFaultProxy(join(dir, 'docker.sock'), targetSocket, dir);
    await proxy.accept();
    return proxy;
  }

  get dockerHost(): string {
    return `unix://${this.socketPath}`;
  }

  /** Listens (again): new connections reach the engine. */
  async accept(): Promise<void> {
    if (this.server) return;
    rmSync(this.socketPath, { force: true });
    const server = createServer((client) => this.pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.socketPath, () => resolve());
    });
    this.server = server;
  }

  /** Stops listening and drops every connection: the engine is "gone" (as when dockerd stops). */
  async refuse(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const connection of this.connections) {
      connection.client.destroy();
      connection.upstream.destroy();
    }
    this.connections.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Cuts every open events stream (other connections survive). */
  cutEvents(): number {
    let cut = 0;
    for (const connection of this.connections) {
      if (!connection.isEvents) continue;
      connection.client.destroy();
      connection.upstream.destroy();
      this.connections.delete(connection);
      cut += 1;
    }
    return cut;
  }

  /**
   * Holds every later request whose path matches: never forwarded, never answered, its
   * connection open until the client closes it (an engine call that hangs). `undefined` stops.
   */
  hold(path: RegExp | undefined): void {
    this.holdPath = path;
  }

  /** Connections from clients open now (the product's sockets to "the engine"). */
  get openConnections(): number {
    return this.connections.size;
  }

  /** Delays each request chunk by this many ms (0 to stop). */
  delay(ms: number): void {
    this.delayMs = ms;
  }

  /** Calls seen since the start (or `since`, a Date.now() value), optionally by path. */
  count(filter: { path?: string | RegExp; method?: string; since?: number } = {}): number {
    return this.calls.filter(
      (call) =>
        (filter.since === undefined || call.at >= filter.since) &&
        (filter.method === undefined || call.method === filter.method) &&
        (filter.path === undefined ||
          (typeof filter.path === 'string' ? call.path === filter.path : filter.path.test(call.path))),
    ).length;
  }

  get openEventStreams(): number {
    return [...this.connections].filter((c) => c.isEvents).length;
  }

  async close(): Promise<void> {
    await this.refuse();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private pipe(client: Socket): void {
    const upstream = createConnection(this.targetSocket);
    const connection = { client, upstream, isEvents: false, held: false };
    this.connections.add(connection);
    const parser = new RequestParser((method, target) => {
      const path = target.replace(/\?.*$/, '').replace(/^\/v\d+\.\d+/, '');
      if (path === '/events') connection.isEvents = true;
      if (this.holdPath?.test(path)) connection.held = true;
      this.calls.push({ method, path, target, at: Date.now() });
    });
    client.on('data', (chunk: Buffer) => {
      parser.push(chunk);
      if (connection.held) return;
      if (this.delayMs > 0) {
        client.pause();
        setTimeout(() => {
          upstream.write(chunk);
          client.resume();
        }, this.delayMs);
      } else upstream.write(chunk);
    });
    upstream.pipe(client);
    const end = () => {
      this.connections.delete(connection);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  }
}

/**
 * Finds request lines in an HTTP/1.1 client stream (keep-alive: several per connection),
 * skipping bodies by Content-Length or chunked encoding, so each API call is counted once.
 */
class RequestParser {
  private buffer = Buffer.alloc(0);
  private bodyRemaining = 0;
  private chunked = false;
  private lost = false;

  private readonly onRequest: (method: string, target: string) => void;

  constructor(onRequest: (method: string, target: string) => void) {
    this.onRequest = onRequest;
  }

  push(chunk: Buffer): void {
    if (this.lost) return;
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.bodyRemaining > 0) {
        const take = Math.min(this.bodyRemaining, this.buffer.length);
        this.buffer = this.buffer.subarray(take);
        this.bodyRemaining -= take;
        if (this.bodyRemaining > 0) return;
      }
      if (this.chunked) {
        const lineEnd = this.buffer.indexOf('\r\n');
        if (lineEnd < 0) return;
        const size = parseInt(this.buffer.subarray(0, lineEnd).toString(), 16);
        if (Number.isNaN(size)) return void (this.lost = true);
        if (size === 0) {
          const trailerEnd = this.buffer.indexOf('\r\n\r\n');
          if (trailerEnd < 0) return;
          this.buffer = this.buffer.subarray(trailerEnd + 4);
          this.chunked = false;
          continue;
        }
        if (this.buffer.length < lineEnd + 2 + size + 2) return;
        this.buffer = this.buffer.subarray(lineEnd + 2 + size + 2);
        continue;
      }
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const head = this.buffer.subarray(0, headerEnd).toString('latin1');
      this.buffer = this.buffer.subarray(headerEnd + 4);
      const [requestLine = '', ...headers] = head.split('\r\n');
      const match = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(requestLine);
      if (!match) return void (this.lost = true);
      this.onRequest(match[1]!, match[2]!);
      for (const header of headers) {
        const [name = '', ...rest] = header.split(':');
        const value = rest.join(':').trim();
        if (/^content-length$/i.test(name)) this.bodyRemaining = Number(value) || 0;
        if (/^transfer-encoding$/i.test(name) && /chunked/i.test(value)) this.chunked = true;
      }
    }
  }
}
