/**
 * One event primitive for every service (the shape of VS Code's `Emitter`/`Event` and
 * Podman Desktop's copy of it): a listener registers through `event` and gets a
 * `Disposable` back; the owner fires; disposing the emitter drops every listener.
 */
export interface Disposable {
  dispose(): void;
}

/** A subscription function: `onDidChange(listener)` → dispose to unsubscribe. */
export type Event<T> = (listener: (value: T) => void) => Disposable;

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

  /** Registers a listener; a listener that throws does not stop the others. */
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
        queueMicrotask(() => {
          throw error;
        });
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
 */
export class Coalescer implements Disposable {
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  /** A call arrived while the window was open (leading mode): run again when it closes. */
  private again = false;

  constructor(
    private readonly delayMs: number,
    private readonly task: () => void,
    private readonly options: { leading?: boolean } = {},
  ) {}

  schedule(): void {
    if (!this.options.leading) {
      if (this.timer) return;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.task();
      }, this.delayMs);
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
    }, this.delayMs);
  }

  get pending(): boolean {
    return this.immediate !== undefined || (this.options.leading ? this.again : this.timer !== undefined);
  }

  dispose(): void {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    this.again = false;
  }
}
