import type { AppError, CallId, CallInput, CallOutput, EventId, EventPayload, KindscopeClient } from '@contract';

/** What a view shows of one read: the last good value, the last error, whether an answer is awaited. */
export interface QueryState<T> {
  value: T | undefined;
  error: AppError | undefined;
  loading: boolean;
}

/** Pushed events that carry (part of) the new value: `(current, payload) => next`, or undefined for "not mine". */
export type QueryPatches<T> = { [E in EventId]?: (current: T | undefined, payload: EventPayload<E>) => T | undefined };

/** Pushed events after which the value may be out of date: `true`, or a filter on the payload. */
export type QueryInvalidations = { [E in EventId]?: true | ((payload: EventPayload<E>) => boolean) };

export interface QuerySpec<Id extends CallId> {
  call: Id;
  input: CallInput<Id>;
  patch?: QueryPatches<CallOutput<Id>>;
  refetchOn?: QueryInvalidations;
  /** ms: invalidations within this window are answered by one re-read (STYLE rule 10: pushes are coalesced). */
  coalesceMs?: number;
  /** ms: wait this long before the first read (e.g. one check per pause in typing). */
  delayMs?: number;
}

/**
 * One read from the main process, kept current: `invoke` once, then the pushed events that
 * patch it or make it stale. The renderer's one way to read data (see data/README.md): views
 * use it through `useQuery`; a feature loader binds it to a store slice when pages share it.
 *
 * Answers are ordered: an answer to a request made before a later request or a later push is
 * dropped, so a slow old answer never overwrites a newer view (another cluster, an older draft).
 */
export class Query<Id extends CallId> {
  // Loading until the first answer: a query exists to be read.
  private state: QueryState<CallOutput<Id>> = { value: undefined, error: undefined, loading: true };
  private readonly listeners = new Set<() => void>();
  private generation = 0;
  private stops: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;

  constructor(
    private readonly client: KindscopeClient,
    readonly spec: QuerySpec<Id>,
  ) {}

  /** The state as last published (a stable object until it changes: fit for `useSyncExternalStore`). */
  readonly getState = (): QueryState<CallOutput<Id>> => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Follows the events and reads; returns the stop. Started again after a stop, it reads again. */
  start(): () => void {
    if (this.running) return () => this.stop();
    this.running = true;
    const { patch = {}, refetchOn = {} } = this.spec;
    for (const [event, apply] of Object.entries(patch) as [EventId, (c: unknown, p: unknown) => unknown][]) {
      this.stops.push(
        this.client.subscribe(event, (payload) => {
          const next = apply(this.state.value, payload) as CallOutput<Id> | undefined;
          if (next === undefined || next === this.state.value) return;
          this.generation++; // an answer asked before this push is older than it
          this.publish({ value: next, error: undefined, loading: false });
        }),
      );
    }
    for (const [event, when] of Object.entries(refetchOn) as [EventId, true | ((p: unknown) => boolean)][]) {
      this.stops.push(
        this.client.subscribe(event, (payload) => {
          if (when === true || when(payload)) this.schedule(this.spec.coalesceMs ?? 0);
        }),
      );
    }
    if (this.spec.delayMs) {
      this.publish({ ...this.state, loading: true });
      this.schedule(this.spec.delayMs);
    } else void this.load();
    return () => this.stop();
  }

  /** Reads now (a Refresh button, a retry); `extra` is merged into the input for this read only. */
  async load(extra?: Partial<CallInput<Id>>): Promise<void> {
    const mine = ++this.generation;
    this.publish({ ...this.state, loading: true });
    const result = await this.client.invoke(this.spec.call, { ...this.spec.input, ...extra } as CallInput<Id>);
    if (mine !== this.generation || !this.running) return;
    this.publish(
      result.ok
        ? { value: result.value, error: undefined, loading: false }
        : { value: this.state.value, error: result.error, loading: false },
    );
  }

  private schedule(ms: number): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.running) void this.load();
    }, ms);
  }

  private stop(): void {
    this.running = false;
    this.generation++;
    for (const stop of this.stops.splice(0)) stop();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.state.loading) this.publish({ ...this.state, loading: false });
  }

  private publish(next: QueryState<CallOutput<Id>>): void {
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}

/**
 * Keeps a store slice in step with a query (for reads several pages share: the engine, the
 * cluster list, the selected cluster's topology and status). Returns the stop.
 */
export function bindQuery<Id extends CallId>(
  query: Query<Id>,
  apply: (state: QueryState<CallOutput<Id>>) => void,
): () => void {
  const unsubscribe = query.subscribe(() => apply(query.getState()));
  const stop = query.start();
  return () => {
    unsubscribe();
    stop();
  };
}
