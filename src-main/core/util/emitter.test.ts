import { describe, expect, it, vi } from 'vitest';
import { createMemoryLogger } from './logger';
import { Coalescer, DisposableStore, Emitter, KeyedCoalescer, noEvent, toDisposable } from './emitter';

describe('Emitter', () => {
  it('delivers each event to every listener in the order they registered', () => {
    const emitter = new Emitter<number>();
    const seen: string[] = [];
    emitter.event((n) => seen.push(`a${n}`));
    emitter.event((n) => seen.push(`b${n}`));
    emitter.event((n) => seen.push(`c${n}`));
    emitter.fire(1);
    emitter.fire(2);
    expect(seen).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'c2']);
  });

  it('stops delivering to a disposed subscription, and to everyone once the emitter is disposed', () => {
    const emitter = new Emitter<number>();
    const first: number[] = [];
    const second: number[] = [];
    const subscription = emitter.event((n) => first.push(n));
    emitter.event((n) => second.push(n));
    emitter.fire(1);
    subscription.dispose();
    emitter.fire(2);
    expect(first).toEqual([1]);
    expect(second).toEqual([1, 2]);
    expect(emitter.listenerCount).toBe(1);
    emitter.dispose();
    emitter.fire(3);
    expect(second).toEqual([1, 2]);
    // A registration after dispose is never called and holds nothing.
    const late: number[] = [];
    emitter.event((n) => late.push(n)).dispose();
    emitter.event((n) => late.push(n));
    emitter.fire(4);
    expect(late).toEqual([]);
    expect(emitter.listenerCount).toBe(0);
  });

  it("a listener's throw is caught and logged; the listeners after it still hear the event", () => {
    const log = createMemoryLogger();
    const emitter = new Emitter<number>(log);
    const seen: string[] = [];
    emitter.event((n) => seen.push(`before${n}`));
    emitter.event(() => {
      throw new Error('boom');
    });
    emitter.event((n) => seen.push(`after${n}`));
    expect(() => emitter.fire(1)).not.toThrow();
    emitter.fire(2);
    expect(seen).toEqual(['before1', 'after1', 'before2', 'after2']);
    expect(log.entries.filter((e) => e.level === 'error')).toHaveLength(2);
    expect(log.entries[0]).toMatchObject({ message: 'An event listener failed' });
    expect((log.entries[0]!.details as Error).message).toBe('boom');
  });

  it('without a log, a listener error goes to stderr and never escapes as an uncaught exception', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const emitter = new Emitter<void>();
      emitter.event(() => {
        throw new Error('boom');
      });
      emitter.fire();
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(errors).toHaveBeenCalledTimes(1);
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
      errors.mockRestore();
    }
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

  it('noEvent never calls its listener', () => {
    const listener = vi.fn();
    noEvent(listener).dispose();
    expect(listener).not.toHaveBeenCalled();
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

  it('runs the task once per window, and never after dispose (nor when scheduled after it)', () => {
    vi.useFakeTimers();
    try {
      const task = vi.fn();
      const coalescer = new Coalescer(50, task);
      coalescer.schedule();
      coalescer.schedule();
      expect(coalescer.pending).toBe(true);
      vi.advanceTimersByTime(60);
      expect(task).toHaveBeenCalledTimes(1);
      coalescer.schedule();
      coalescer.cancel();
      vi.advanceTimersByTime(60);
      expect(task).toHaveBeenCalledTimes(1);
      // Cancelled is not disposed: it schedules again.
      coalescer.schedule();
      vi.advanceTimersByTime(60);
      expect(task).toHaveBeenCalledTimes(2);
      coalescer.schedule();
      coalescer.dispose();
      vi.advanceTimersByTime(60);
      coalescer.schedule();
      expect(coalescer.pending).toBe(false);
      vi.advanceTimersByTime(60);
      expect(task).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a keyed coalescer runs the task once per key per window, and nothing after dispose', () => {
    vi.useFakeTimers();
    try {
      const ran: string[] = [];
      const coalescer = new KeyedCoalescer<string>(50, (key) => ran.push(key));
      coalescer.schedule('a');
      coalescer.schedule('b');
      coalescer.schedule('a');
      vi.advanceTimersByTime(60);
      expect(ran.sort()).toEqual(['a', 'b']);
      expect(coalescer.pending).toBe(false);
      coalescer.schedule('a');
      coalescer.dispose();
      coalescer.schedule('b');
      vi.advanceTimersByTime(60);
      expect(ran).toHaveLength(2);
      expect(coalescer.pending).toBe(false);
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

  it('leading with a window the task sizes: each window is as long as the function says when it opens', () => {
    vi.useFakeTimers();
    try {
      let windowMs = 25;
      const task = vi.fn(() => {
        windowMs = 4; // this run was cheap: the next window is short
      });
      const coalescer = new Coalescer(() => windowMs, task, { leading: true });
      coalescer.schedule();
      vi.advanceTimersByTime(1);
      expect(task).toHaveBeenCalledTimes(1); // this window opened before the run: 25 ms
      coalescer.schedule();
      vi.advanceTimersByTime(20);
      expect(task).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(5);
      expect(task).toHaveBeenCalledTimes(2); // at 25 ms (t = 26 now); the window it opened ends at 29
      coalescer.schedule();
      vi.advanceTimersByTime(2);
      expect(task).toHaveBeenCalledTimes(2);
      vi.advanceTimersByTime(1);
      expect(task).toHaveBeenCalledTimes(3); // 4 ms after the last run, not 25
    } finally {
      vi.useRealTimers();
    }
  });
});
