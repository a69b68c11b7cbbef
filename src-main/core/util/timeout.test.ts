import { afterEach, describe, expect, it, vi } from 'vitest';
import { deadline, withDeadline, withTimeout } from './timeout';

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

describe('deadline', () => {
  it('aborts with a TimeoutError once the time has passed', async () => {
    vi.useFakeTimers();
    const limit = deadline(500);
    await vi.advanceTimersByTimeAsync(499);
    expect(limit.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(limit.signal.aborted).toBe(true);
    expect((limit.signal.reason as Error).name).toBe('TimeoutError');
  });

  it("aborts at once with its parent, with the parent's reason", () => {
    const lifetime = new AbortController();
    const limit = deadline(60_000, undefined, lifetime.signal);
    lifetime.abort(new Error('shutting down'));
    expect(limit.signal.aborted).toBe(true);
    expect((limit.signal.reason as Error).message).toBe('shutting down');
    limit.dispose();
  });

  it('dispose ends the signal it linked to a long-lived parent (Node keeps an unaborted one with listeners for ever), and only that signal', () => {
    const lifetime = new AbortController();
    const limit = deadline(60_000, lifetime.signal);
    const heard: string[] = [];
    // As fetch or spawn leave theirs on the signal after the call.
    limit.signal.addEventListener('abort', () => heard.push((limit.signal.reason as Error).name));
    limit.dispose();
    expect(limit.signal.aborted).toBe(true);
    expect(heard).toEqual(['AbortError']);
    expect(lifetime.signal.aborted).toBe(false);
    limit.dispose();
    expect(heard).toHaveLength(1);
  });

  it('withDeadline leaves no timer behind however the call ends', async () => {
    vi.useFakeTimers();
    await expect(withDeadline(1_000, undefined, async () => 7)).resolves.toBe(7);
    expect(vi.getTimerCount()).toBe(0);
    await expect(withDeadline(1_000, undefined, () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(vi.getTimerCount()).toBe(0);
  });
});
