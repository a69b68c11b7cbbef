import { z } from 'zod';
import type { StreamState } from '../../contract';
import { Backoff } from '../util/backoff';
import type { Logger } from '../util/logger';

/**
 * A Docker event, read the way every engine version sends it. API 1.52 dropped the old
 * `status`/`id`/`from` fields, so only `Type`, `Action` and `Actor` are relied on.
 */
export const DockerEvent = z.object({
  Type: z.string(),
  Action: z.string(),
  Actor: z.object({
    ID: z.string(),
    Attributes: z.record(z.string(), z.string()).optional(),
  }),
  time: z.number().optional(),
  timeNano: z.number().optional(),
});
export type DockerEvent = z.infer<typeof DockerEvent>;

/** Opens the engine's `/events` stream with these query parameters. */
export type OpenEvents = (query: { since?: string; filters?: string }) => Promise<NodeJS.ReadableStream>;

export interface DockerEventStreamOptions {
  open: OpenEvents;
  log: Logger;
  /** Engine-side filters, e.g. `{ type: ['container', 'network'] }`. */
  filters?: Record<string, string[]>;
  backoff?: Backoff;
  onEvent(event: DockerEvent): void;
  /** Called after every (re)connection, before events flow: the place to re-list. */
  onConnected(): void | Promise<void>;
  onState(state: StreamState, error?: unknown): void;
}

/**
 * The engine's event stream, owning its recovery (STYLE rule 7): on any break it goes
 * `offline`, reconnects with backoff and jitter, asks for the events it missed with
 * `since=`, and lets its owner reconcile with a full list. A malformed line is logged and
 * skipped; it never kills the stream.
 */
export class DockerEventStream {
  private state: StreamState = 'connecting';
  private stream: NodeJS.ReadableStream | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  private started = false;
  /** Last event time in ns, for `since=`. */
  private lastEventNanos: bigint | undefined;
  private readonly seenAtLastTime = new Set<string>();
  private readonly backoff: Backoff;
  private generation = 0;

  constructor(private readonly options: DockerEventStreamOptions) {
    this.backoff = options.backoff ?? new Backoff({ initialMs: 250, maxMs: 10_000 });
  }

  get currentState(): StreamState {
    return this.state;
  }

  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    void this.connect();
  }

  /** Drops the current connection (if any) and connects again now. */
  reconnectNow(): void {
    if (this.disposed || !this.started) return;
    this.teardown();
    void this.connect();
  }

  dispose(): void {
    this.disposed = true;
    this.teardown();
  }

  private teardown(): void {
    this.generation += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const stream = this.stream as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
    this.stream = undefined;
    stream?.removeAllListeners();
    // Swallow the error a destroyed socket may still emit.
    stream?.on('error', () => undefined);
    stream?.destroy?.();
  }

  private setState(state: StreamState, error?: unknown): void {
    if (this.state === state && state !== 'offline') return;
    this.state = state;
    this.options.onState(state, error);
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    this.setState('connecting');
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.options.open({
        ...(this.lastEventNanos !== undefined ? { since: formatSince(this.lastEventNanos) } : {}),
        ...(this.options.filters ? { filters: JSON.stringify(this.options.filters) } : {}),
      });
    } catch (error) {
      if (generation !== this.generation) return;
      this.scheduleReconnect(error);
      return;
    }
    if (generation !== this.generation || this.disposed) {
      (stream as { destroy?: () => void }).destroy?.();
      return;
    }
    this.stream = stream;
    let buffer = '';
    stream.on('data', (chunk: Buffer | string) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line) this.handleLine(line);
      }
    });
    let broken = false;
    const onBroken = (error?: unknown) => {
      // 'error', 'end' and 'close' can all fire for one break.
      if (broken || generation !== this.generation) return;
      broken = true;
      this.stream = undefined;
      this.scheduleReconnect(
        error ?? Object.assign(new Error('The engine closed the event stream'), { code: 'ECONNRESET' }),
      );
    };
    stream.on('error', onBroken);
    stream.on('end', () => onBroken());
    stream.on('close', () => onBroken());

    try {
      await this.options.onConnected();
    } catch (error) {
      if (generation !== this.generation) return;
      this.options.log.warn('Reconciling after the event stream connected failed', error);
      this.teardown();
      this.scheduleReconnect(error);
      return;
    }
    if (generation !== this.generation) return;
    this.backoff.reset();
    this.setState('live');
  }

  private handleLine(line: string): void {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      this.options.log.warn('Skipped a Docker event line that is not JSON', line.slice(0, 200));
      return;
    }
    const parsed = DockerEvent.safeParse(json);
    if (!parsed.success) {
      this.options.log.warn('Skipped a Docker event of unknown shape', parsed.error.issues[0]);
      return;
    }
    const event = parsed.data;
    const nanos = eventNanos(event);
    if (nanos !== undefined) {
      // `since` is inclusive: events of the same instant as the last one seen come again.
      const key = `${event.Type}/${event.Action}/${event.Actor.ID}`;
      if (this.lastEventNanos !== undefined && nanos === this.lastEventNanos && this.seenAtLastTime.has(key)) return;
      if (this.lastEventNanos === undefined || nanos > this.lastEventNanos) {
        this.lastEventNanos = nanos;
        this.seenAtLastTime.clear();
      }
      this.seenAtLastTime.add(key);
    }
    try {
      this.options.onEvent(event);
    } catch (error) {
      this.options.log.error('A Docker event listener failed', error);
    }
  }

  private scheduleReconnect(error: unknown): void {
    if (this.disposed) return;
    clearTimeout(this.retryTimer);
    this.setState('offline', error);
    const delay = this.backoff.next();
    this.options.log.debug(`Docker event stream offline; reconnecting in ${delay} ms`, errorMessage(error));
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }
}

function eventNanos(event: DockerEvent): bigint | undefined {
  if (event.timeNano !== undefined) return BigInt(Math.trunc(event.timeNano));
  if (event.time !== undefined) return BigInt(event.time) * 1_000_000_000n;
  return undefined;
}

/** `since` as the engine takes it: seconds with a nanosecond fraction. */
export function formatSince(nanos: bigint): string {
  const seconds = nanos / 1_000_000_000n;
  const fraction = (nanos % 1_000_000_000n).toString().padStart(9, '0');
  return `${seconds}.${fraction}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
