import { ListWatch, Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { StreamState } from '../../contract';
import { Backoff } from '../util/backoff';
import type { Logger } from '../util/logger';

export interface InformerOptions<T extends KubernetesObject> {
  name: string;
  kubeConfig: KubeConfig;
  path: string;
  list(): Promise<{ items: T[]; metadata?: { resourceVersion?: string } }>;
  log: Logger;
  onChange(): void;
  onState(state: StreamState, reason?: string): void;
  /** ms without a byte on the watch before it is restarted (client-node's inactivity timeout). */
  inactivityMs?: number;
}

/**
 * A client-node informer that owns its recovery (STYLE rule 7): client-node stops an
 * informer on any error, so this one restarts it with backoff and jitter, shows
 * `offline(reason)` meanwhile, relists on 410 (client-node does), and restarts a watch
 * that went silent (the inactivity timeout). A malformed object never kills it.
 */
export class ResilientInformer<T extends KubernetesObject> {
  private readonly informer: ListWatch<T>;
  private readonly backoff = new Backoff({ initialMs: 250, maxMs: 10_000 });
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private state: StreamState = 'connecting';
  private errors = 0;

  constructor(private readonly options: InformerOptions<T>) {
    const watch = new ValidatingWatch(options.kubeConfig, options.log, options.name);
    // The inactivity timeout is private in client-node's typings; it is the watchdog here.
    Object.assign(watch, { requestTimeoutMs: options.inactivityMs ?? 60_000 });
    this.informer = new ListWatch<T>(options.path, watch, async () => {
      const list = await options.list();
      const items = list.items.filter((item) => Boolean(item?.metadata?.name));
      if (items.length < list.items.length) options.log.warn(`Skipped ${list.items.length - items.length} ${options.name} without metadata.name`);
      return { ...list, items } as never;
    }, false);
    for (const event of ['add', 'update', 'delete'] as const) this.informer.on(event, () => options.onChange());
    this.informer.on('error', (error: unknown) => this.handleError(error));
  }

  get currentState(): StreamState {
    return this.state;
  }

  list(): readonly T[] {
    return this.informer.list();
  }

  async start(): Promise<void> {
    // client-node reports a failed list through its 'error' event, not by rejecting.
    const errorsBefore = this.errors;
    try {
      await this.informer.start();
      if (this.errors !== errorsBefore) return;
      this.backoff.reset();
      this.setState('live');
    } catch (error) {
      this.handleError(error);
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    void this.informer.stop().catch(() => undefined);
  }

  private handleError(error: unknown): void {
    this.errors += 1;
    if (this.stopped) return;
    const reason = (error as { message?: string })?.message ?? String(error);
    this.setState('offline', reason);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.start(), this.backoff.next());
  }

  private setState(state: StreamState, reason?: string): void {
    if (this.state === state && state !== 'offline') return;
    this.state = state;
    this.options.onState(state, reason);
    this.options.onChange();
  }
}

/**
 * client-node hands every watch event to its cache, which throws on an object without
 * metadata — from an async handler, so the error escapes as an unhandled rejection.
 * Events are checked here first: a malformed one is logged and skipped.
 */
class ValidatingWatch extends Watch {
  constructor(
    config: KubeConfig,
    private readonly log: Logger,
    private readonly resource: string,
  ) {
    super(config);
  }

  override watch(path: string, queryParams: Record<string, string | number | boolean | undefined>, callback: (phase: string, apiObj: unknown, watchObj?: unknown) => void, done: (err: unknown) => void): Promise<AbortController> {
    return super.watch(
      path,
      queryParams,
      (phase, apiObj, watchObj) => {
        const name = (apiObj as { metadata?: { name?: unknown } } | undefined)?.metadata?.name;
        if (phase !== 'ERROR' && phase !== 'BOOKMARK' && typeof name !== 'string') {
          this.log.warn(`Skipped a ${this.resource} watch event (${phase}) without metadata.name`);
          return;
        }
        callback(phase, apiObj, watchObj);
      },
      done,
    );
  }
}
