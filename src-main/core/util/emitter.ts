/**
 * One event primitive for every service (the shape of VS Code's `Emitter`/`Event` and
 * Podman Desktop's copy of it): a listener registers through `event` and gets a
 * `Disposable` back; the owner fires; disposing the emitter drops every listener.
 *
 * Listener errors are handled one way everywhere: caught, reported to the owner's log (or
 * stderr when it has none), and the remaining listeners still hear the event. A follower's
 * bug (a closed window, a broken client) never stops the service that fires, nor the process.
 */
export interface Disposable {
  dispose(): void;
}

/** A subscription function: `onDidChange(listener)` → dispose to unsubscribe. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

/** An event that never fires (a source that does not exist here, e.g. no Docker endpoint). */
export const noEvent: Event<never> = () => toDisposable(() => undefined);

/** Where an emitter reports a listener's throw (a service's `Logger` fits). */
export interface ListenerErrorLog {
  error(message: string, details?: unknown): void;
}

const stderrLog: ListenerErrorLog = { error: (message, details) => console.error(message, details) };

export function toDisposable(dispose: () => void): Disposable {
  let done = false;
  return {
    dispose: () => {
      if (done) return;
      done = true;
      dispose();
    },
  };
}

export class Emitter<T> implements Disposable {
  private readonly listeners = new Set<(value: T) => void>();
  private disposed = false;

  /** @param log where a listener's throw is reported (stderr by default). */
  constructor(private readonly log: ListenerErrorLog = stderrLog) {}

  /** Registers a listener; listeners hear events in the order they registered. */
  readonly event: Event<T> = (listener) => {
    if (this.disposed) return toDisposable(() => undefined);
    // A wrapper per registration, so the same function registered twice is two listeners.
    const entry = (value: T) => listener(value);
    this.listeners.add(entry);
    return toDisposable(() => this.listeners.delete(entry));
  };

  get listenerCount(): number {
    return this.listeners.size;
  }

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        this.log.error('An event listener failed', error);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.listeners.clear();
  }
}

/** Disposables that go together (a service's subscriptions, timers, children). */
export class DisposableStore implements Disposable {
  private readonly items = new Set<Disposable>();
  private disposed = false;

  add<D extends Disposable>(item: D): D {
    if (this.disposed) item.dispose();
    else this.items.add(item);
    return item;
  }

  dispose(): void {
    this.disposed = true;
    for (const item of [...this.items].reverse()) item.dispose();
    this.items.clear();
  }
}

/**
 * A coalescing timer: many `schedule()` calls within `delayMs` run `task` once. Replaces
 * the hand-written `if (this.timer) return; this.timer = setTimeout(…)` in each service.
 *
 * `leading: true` runs the first call of a quiet period at once instead — on the next turn
 * of the event loop (setImmediate), so changes delivered in one I/O callback (a watch chunk,
 * a list) still land together — and coalesces the calls that follow within `delayMs` into
 * one run at the window's end: a lone change is not delayed, a burst still runs about once
 * per window.
 *
 * `delayMs` may be a function, asked each time a window opens: a window sized by what the task
 * costs (see ClusterSession).
 */
export class Coalescer implements Disposable {
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  /** A call arrived while the window was open (leading mode): run again when it closes. */
  private again = false;
  private disposed = false;

  constructor(
    private readonly delayMs: number | (() => number),
    private readonly task: () => void,
    private readonly options: { leading?: boolean } = {},
  ) {}

  private get delay(): number {
    return typeof this.delayMs === 'function' ? this.delayMs() : this.delayMs;
  }

  /** Runs the task after `delayMs` unless already scheduled; nothing once disposed (no timer outlives its owner). */
  schedule(): void {
    if (this.disposed) return;
    if (!this.options.leading) {
      if (this.timer) return;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.task();
      }, this.delay);
      return;
    }
    if (this.immediate) return;
    if (this.timer) {
      this.again = true;
      return;
    }
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.openWindow();
      this.task();
    });
  }

  private openWindow(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.again) return;
      this.again = false;
      this.openWindow();
      this.task();
    }, this.delay);
  }

  get pending(): boolean {
    return this.immediate !== undefined || (this.options.leading ? this.again : this.timer !== undefined);
  }

  /** Drops a pending run; later `schedule()` calls work again (a service stopped, to be started again). */
  cancel(): void {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.again = false;
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
  }
}

/** A {@link Coalescer} per key: many `schedule(key)` calls within `delayMs` run `task(key)` once per key. */
export class KeyedCoalescer<K> implements Disposable {
  private readonly timers = new Map<K, Coalescer>();
  private disposed = false;

  constructor(
    private readonly delayMs: number,
    private readonly task: (key: K) => void,
  ) {}

  schedule(key: K): void {
    if (this.disposed) return;
    let coalescer = this.timers.get(key);
    if (!coalescer) {
      coalescer = new Coalescer(this.delayMs, () => {
        this.timers.delete(key);
        this.task(key);
      });
      this.timers.set(key, coalescer);
    }
    coalescer.schedule();
  }

  /** Whether any key is waiting for its task. */
  get pending(): boolean {
    return this.timers.size > 0;
  }

  dispose(): void {
    this.disposed = true;
    for (const coalescer of this.timers.values()) coalescer.dispose();
    this.timers.clear();
  }
}
