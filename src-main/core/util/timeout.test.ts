import { afterEach, describe, expect, it, vi } from 'vitest';
import { withTimeout } from './timeout';

afterEach(() => vi.useRealTimers());

describe('withTimeout', () => {
  it('passes the value through and leaves no timer behind', async () => {
    vi.useFakeTimers();
    await expect(withTimeout(Promise.resolve(7), 1_000)).resolves.toBe(7);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('passes a rejection through and leaves no timer behind', async () => {
    vi.useFakeTimers();
    await expect(withTimeout(Promise.reject(new Error('refused')), 1_000)).rejects.toThrow('refused');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with the message (or a default naming the wait) once the time has passed', async () => {
    vi.useFakeTimers();
    const never = new Promise<never>(() => undefined);
    const named = expect(withTimeout(never, 500, 'the resolver did not answer')).rejects.toThrow(
      'the resolver did not answer',
    );
    const plain = expect(withTimeout(never, 300)).rejects.toThrow('no answer within 300 ms');
    await vi.advanceTimersByTimeAsync(500);
    await named;
    await plain;
  });
});
