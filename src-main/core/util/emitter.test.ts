import { describe, expect, it, vi } from 'vitest';
import { Coalescer, DisposableStore, Emitter, toDisposable } from './emitter';

describe('Emitter', () => {
  it('delivers to every listener until it is disposed, and a throwing listener does not stop the others', async () => {
    const emitter = new Emitter<number>();
    const seen: number[] = [];
    const first = emitter.event(() => {
      throw new Error('boom');
    });
    emitter.event((n) => seen.push(n));
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    process.on('uncaughtException', onError);
    emitter.fire(1);
    first.dispose();
    emitter.fire(2);
    await new Promise((resolve) => setTimeout(resolve, 0));
    process.off('uncaughtException', onError);
    expect(seen).toEqual([1, 2]);
    expect(errors).toHaveLength(1);
    expect(emitter.listenerCount).toBe(1);
    emitter.dispose();
    emitter.fire(3);
    expect(seen).toEqual([1, 2]);
    expect(emitter.event(() => seen.push(99))).toBeDefined();
    emitter.fire(4);
    expect(seen).toEqual([1, 2]);
  });

  it('the same function registered twice is two subscriptions', () => {
    const emitter = new Emitter<void>();
    const listener = vi.fn();
    const a = emitter.event(listener);
    emitter.event(listener);
    a.dispose();
    a.dispose();
    emitter.fire();
    expect(listener).toHaveBeenCalledTimes(1);
  });
});

describe('DisposableStore and Coalescer', () => {
  it('disposes everything once, in reverse order, and disposes late additions at once', () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push('a')));
    store.add(toDisposable(() => order.push('b')));
    store.dispose();
    store.add(toDisposable(() => order.push('late')));
    store.dispose();
    expect(order).toEqual(['b', 'a', 'late']);
  });

  it('runs the task once per window, and never after dispose', () => {
    vi.useFakeTimers();
    try {
      const task = vi.fn();
      const coalescer = new Coalescer(50, task);
      coalescer.schedule();
      coalescer.schedule();
      vi.advanceTimersByTime(60);
      expect(task).toHaveBeenCalledTimes(1);
      coalescer.schedule();
      coalescer.dispose();
      vi.advanceTimersByTime(60);
      expect(task).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
