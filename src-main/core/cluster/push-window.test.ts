import { describe, expect, it } from 'vitest';
import { pushWindowFor } from './cluster-session';

describe("a session's coalescing window after a push", () => {
  it.each([
    [0, 4], // a push that cost nothing: the 4 ms floor
    [0.4, 4],
    [1.2, 5], // four times the cost, rounded up
    [3, 12],
    [6.1, 25], // the 25 ms ceiling: a burst on a big cluster is still one push per 25 ms
    [80, 25],
  ])('a push of %f ms keeps the window open %i ms', (pushMs, windowMs) => {
    expect(pushWindowFor(pushMs)).toBe(windowMs);
  });
});
