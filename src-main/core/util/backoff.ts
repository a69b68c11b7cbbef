/**
 * Exponential backoff with full jitter, for every stream that reconnects (Docker events,
 * informers). `next()` gives the delay before the next attempt; `reset()` after success.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly options: { initialMs: number; maxMs: number; random?: () => number } = {
      initialMs: 250,
      maxMs: 15_000,
    },
  ) {}

  /** Delay in ms before the next attempt: a random value in [ceiling/2, ceiling]. */
  next(): number {
    const ceiling = Math.min(this.options.maxMs, this.options.initialMs * 2 ** this.attempt);
    this.attempt += 1;
    const random = this.options.random ?? Math.random;
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
