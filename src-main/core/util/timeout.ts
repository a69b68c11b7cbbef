/**
 * `promise`, or a rejection with `message` once `ms` have passed. The timer is cleared when the
 * promise settles and never holds the process open (unref), so no timer outlives the call.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, message = `no answer within ${ms} ms`): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}

/** A signal that ends at a deadline, or with its parents; {@link Deadline.dispose} clears the timer. */
export interface Deadline {
  readonly signal: AbortSignal;
  dispose(): void;
}

/**
 * A signal that aborts after `ms` (with a `TimeoutError`, as `AbortSignal.timeout` does) or as
 * soon as one of `parents` aborts (a service's lifetime: dispose ends the call at once). Unlike
 * `AbortSignal.timeout`, whose timer stays until it fires however soon the call ended, the
 * timer is cleared by `dispose`: no timer of a finished call outlives it, nor the app.
 */
export function deadline(ms: number, ...parents: (AbortSignal | undefined)[]): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    ms,
  );
  timer.unref();
  const linked = parents.filter((parent): parent is AbortSignal => parent !== undefined);
  return {
    signal: linked.length > 0 ? AbortSignal.any([controller.signal, ...linked]) : controller.signal,
    dispose: () => {
      clearTimeout(timer);
      // The call has ended: end its signal too. Node keeps a signal made by `AbortSignal.any` that
      // has 'abort' listeners (fetch's, spawn's) strongly until it aborts (its gcPersistentSignals);
      // one that never aborted stayed for the life of the process with its listener and weak refs
      // (the soak's heap snapshots: ~26 more a minute under a page open on a lab cluster).
      if (!controller.signal.aborted)
        controller.abort(new DOMException('The call this deadline bounded has ended', 'AbortError'));
    },
  };
}

/** Runs `call` with a {@link deadline} signal and clears the deadline when it settles. */
export async function withDeadline<T>(
  ms: number,
  parent: AbortSignal | undefined,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const limit = deadline(ms, parent);
  try {
    return await call(limit.signal);
  } finally {
    limit.dispose();
  }
}

/** Resolves once `signal` aborts (never rejects): a branch for `Promise.race` that ends a wait at dispose. */
export function whenAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
