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

  it('leading: runs a lone call on the next turn, and a burst once more at the end of the window', () => {
    vi.useFakeTimers();
    try {
      const task = vi.fn();
      const coalescer = new Coalescer(50, task, { leading: true });
      coalescer.schedule();
      coalescer.schedule();
      expect(task).toHaveBeenCalledTimes(0); // not inside the caller's own callback
      vi.advanceTimersByTime(1);
      expect(task).toHaveBeenCalledTimes(1); // not after the window
      coalescer.schedule();
      coalescer.schedule();
      coalescer.schedule();
      vi.advanceTimersByTime(40);
      expect(task).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(20);
      expect(task).toHaveBeenCalledTimes(2); // the burst, once, when the window closed
      vi.advanceTimersByTime(200);
      expect(task).toHaveBeenCalledTimes(2); // nothing more without a call
      coalescer.schedule();
      vi.advanceTimersByTime(1);
      expect(task).toHaveBeenCalledTimes(3); // quiet again: at once
      coalescer.schedule();
      coalescer.dispose();
      vi.advanceTimersByTime(200);
      expect(task).toHaveBeenCalledTimes(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
