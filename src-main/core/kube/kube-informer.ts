import { Backoff } from '../util/backoff';
import { Emitter, type Disposable } from '../util/emitter';
import type { Logger } from '../util/logger';
import { describeNetworkError, KubeHttpError, type KubeHttp, type WatchEvent } from './kube-http';

/**
 * What an informer knows:
 * - `unknown`: never listed yet (first list pending or failing): no conclusion may be drawn.
 * - `live`: listed, and the stream heard from the server within its deadline.
 * - `offline`: listed once, but the stream is broken or silent: the items are the last known.
 * - `absent`: the API server answers 404 for the resource (a CRD not installed).
 */
export type InformerState =
  | { state: 'unknown'; reason?: string }
  | { state: 'live' }
  | { state: 'offline'; reason: string }
  | { state: 'absent'; reason: string };

export interface KubeInformerOptions<T> {
  name: string;
  /** The collection path, for both list and watch (`/api/v1/nodes`). */
  path: string;
  http: KubeHttp;
  /** The resource's schema: an object it rejects is logged and skipped. */
  parse(raw: unknown): T | undefined;
  log: Logger;
  /**
   * ms in which the stream must receive something — an event, a bookmark, or a successful
   * relist. After that it relists; when the relist does not answer in `requestTimeoutMs`
   * the state turns offline while it keeps retrying. A quiet resource on a real API server
   * gets a bookmark about once a minute (kube-apiserver's cacher), so a quiet stream relists
   * once per deadline; a healthy relist changes nothing and pushes nothing.
   */
  deadlineMs?: number;
  requestTimeoutMs?: number;
}

/**
 * List + watch of one resource that owns its recovery (STYLE rule 7): list, watch from the
 * list's resourceVersion with bookmarks, relist on 410 or on any error (backoff with
 * jitter), resume on a clean server-side close, and relist when the stream stays silent
 * past its deadline — client-node's own informer treats its timeout as "resume quietly",
 * so a hung server (`docker pause`) would stay "live" with stale data for ever.
 */
export class KubeInformer<
  T extends { metadata: { name: string; namespace?: string | undefined } },
> implements Disposable {
  private readonly cache = new Map<string, T>();
  private readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly backoff = new Backoff({ initialMs: 250, maxMs: 10_000 });
  private status: InformerState = { state: 'unknown' };
  private listed = false;
  private resourceVersion = '';
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;
  private abort: AbortController | undefined;
  /** Aborted by dispose: a list in flight ends at once (its socket with it), not at its deadline. */
  private readonly lifetime = new AbortController();
  private disposed = false;
  /** Clean closes in a row that came within a second of their watch opening. */
  private quickCloses = 0;

  constructor(private readonly options: KubeInformerOptions<T>) {}

  get name(): string {
    return this.options.name;
  }

  get state(): InformerState {
    return this.status;
  }

  /** The items, or `undefined` while never listed (unknown) or absent. */
  items(): T[] | undefined {
    return this.listed ? [...this.cache.values()] : undefined;
  }

  start(): void {
    void this.relist();
  }

  /** Lists again now (e.g. an absent CRD was just installed). */
  recheck(): void {
    if (!this.disposed) void this.relist();
  }

  dispose(): void {
    this.disposed = true;
    this.generation += 1;
    clearTimeout(this.timer);
    this.abort?.abort();
    this.lifetime.abort();
    this.changed.dispose();
  }

  private get deadlineMs(): number {
    return this.options.deadlineMs ?? 30_000;
  }

  private async relist(): Promise<void> {
    const generation = ++this.generation;
    clearTimeout(this.timer);
    this.abort?.abort();
    this.abort = undefined;
    try {
      const list = await this.options.http.list(
        this.options.path,
        this.options.requestTimeoutMs ?? 10_000,
        this.lifetime.signal,
      );
      if (generation !== this.generation) return;
      this.replace(list.items);
      this.resourceVersion = list.resourceVersion;
      // A server that keeps closing watches at once keeps its backoff growing: a list alone is no recovery.
      if (this.quickCloses < 2) this.backoff.reset();
      this.setState({ state: 'live' }, true);
      await this.watch(generation);
    } catch (error) {
      if (generation !== this.generation) return;
      if (error instanceof KubeHttpError && error.status === 404) {
        this.cache.clear();
        this.listed = false;
        this.setState({ state: 'absent', reason: `${this.options.name}: not served by the API server (404)` }, true);
        return;
      }
      // KubeHttp already words its errors (HTTP status with the server's message, or the socket error).
      this.fail(generation, `${this.options.name}: ${(error as Error).message}`);
    }
  }

  private async watch(generation: number): Promise<void> {
    const openedAt = Date.now();
    const abort = await this.options.http.watch(
      this.options.path,
      this.resourceVersion,
      this.deadlineMs,
      (event) => this.onEvent(generation, event),
      (error) => this.onDone(generation, error, openedAt),
    );
    if (generation === this.generation) this.abort = abort;
    else abort.abort();
  }

  private onEvent(generation: number, event: WatchEvent): void {
    if (generation !== this.generation) return;
    const object = event.object as
      { metadata?: { resourceVersion?: string }; code?: number; message?: string } | undefined;
    if (event.type === 'ERROR') {
      this.options.log.debug(`${this.options.name}: watch error ${object?.code ?? ''} ${object?.message ?? ''}`);
      // 410 Gone: the version was compacted away; only a relist gives the right answer, now.
      // Any other error status: offline, and relist after a backoff (never a tight loop).
      if (object?.code === 410) void this.relist();
      else
        this.fail(
          generation,
          `${this.options.name}: watch error ${object?.code ?? ''} ${object?.message ?? ''}`.trim(),
        );
      return;
    }
    if (object?.metadata?.resourceVersion) this.resourceVersion = object.metadata.resourceVersion;
    // The server streams again (an event or a bookmark): whatever closed quickly before is over.
    this.quickCloses = 0;
    this.backoff.reset();
    if (event.type === 'BOOKMARK') {
      if (this.status.state !== 'live') this.setState({ state: 'live' }, true);
      return;
    }
    const item = this.options.parse(event.object);
    if (!item) {
      this.options.log.warn(`Skipped a ${this.options.name} watch event (${event.type}) that is not a valid object`);
      return;
    }
    const key = keyOf(item);
    if (event.type === 'DELETED') this.cache.delete(key);
    else this.cache.set(key, item);
    if (this.status.state !== 'live') this.status = { state: 'live' };
    this.changed.fire();
  }

  private onDone(generation: number, error: unknown, openedAt: number): void {
    if (generation !== this.generation || this.disposed) return;
    if (!error) {
      // A clean close (the server's timeoutSeconds, a restarted proxy): resume from the last
      // version at once, as client-go's reflector does — a compacted version then answers
      // 410 and the relist follows. Only a server that keeps closing at once (a second
      // close within a second of its opening) waits for a backed-off relist: no tight loop.
      this.quickCloses = Date.now() - openedAt > 1_000 ? 0 : this.quickCloses + 1;
      if (this.quickCloses < 2)
        void this.watch(generation).catch((e: unknown) =>
          this.fail(generation, `${this.options.name}: ${describeNetworkError(e)}`),
        );
      else this.retryLater(generation);
      return;
    }
    if ((error as { name?: string }).name === 'TimeoutError') {
      this.options.log.debug(`${this.options.name}: nothing heard for ${this.deadlineMs} ms; relisting`);
      void this.relist();
      return;
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 410) {
      void this.relist();
      return;
    }
    this.fail(generation, `${this.options.name}: watch ${status ? `HTTP ${status}` : describeNetworkError(error)}`);
  }

  private fail(generation: number, reason: string): void {
    if (generation !== this.generation || this.disposed) return;
    // A new generation: the failed watch's own close (an error event is followed by the end
    // of the stream) must not resume it while the backed-off relist is pending.
    const next = ++this.generation;
    this.abort?.abort();
    this.abort = undefined;
    this.setState(this.listed ? { state: 'offline', reason } : { state: 'unknown', reason }, true);
    this.retryLater(next);
  }

  private retryLater(generation: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (generation === this.generation) void this.relist();
    }, this.backoff.next());
  }

  private replace(raw: unknown[]): void {
    this.cache.clear();
    let skipped = 0;
    for (const entry of raw) {
      const item = this.options.parse(entry);
      if (item) this.cache.set(keyOf(item), item);
      else skipped += 1;
    }
    if (skipped > 0) this.options.log.warn(`Skipped ${skipped} ${this.options.name} that are not valid objects`);
    this.listed = true;
  }

  private setState(state: InformerState, fire: boolean): void {
    this.status = state;
    if (fire) this.changed.fire();
  }
}

function keyOf(item: { metadata: { name: string; namespace?: string | undefined } }): string {
  return `${item.metadata.namespace ?? ''}/${item.metadata.name}`;
}
