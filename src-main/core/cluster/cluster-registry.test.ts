import { describe, expect, it, vi } from 'vitest';
import type { ClusterStatus } from '../../contract';
import { createMemoryLogger } from '../util/logger';
import { Emitter } from '../util/emitter';
import { ClusterRegistry } from './cluster-registry';

// No Docker, no API server: a session with no kubeconfig context, enough to see who holds what.
const registry = (lingerMs = 0) =>
  new ClusterRegistry({
    topology: undefined,
    kubeconfigEnv: () => '/nonexistent/kindscope-test-kubeconfig',
    log: createMemoryLogger(),
    firstListWaitMs: 50,
    lingerMs,
  });
const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ClusterRegistry', () => {
  it('starts a session with the first holder and disposes it after the last', () => {
    const clusters = registry();
    const a = clusters.hold('demo');
    const b = clusters.hold('demo');
    expect(clusters.followed).toEqual(['demo']);
    a.dispose();
    a.dispose();
    expect(clusters.followed).toEqual(['demo']);
    b.dispose();
    expect(clusters.followed).toEqual([]);
  });

  it('a one-shot status follows nothing afterwards; with a listener it keeps the cluster until the listener leaves (after the linger)', async () => {
    const clusters = registry(30);
    const status = await clusters.status('demo');
    expect(status).toMatchObject({
      complete: false,
      connection: { state: 'connecting', reason: expect.stringContaining('No kubeconfig context "kind-demo"') },
      cilium: { state: 'unknown', installed: false },
      findings: [],
    });
    expect(clusters.followed).toEqual([]);
    const pushed: ClusterStatus[] = [];
    const listening = clusters.subscribe((s) => pushed.push(s));
    await clusters.status('demo');
    expect(clusters.followed).toEqual(['demo']);
    listening.dispose();
    expect(clusters.followed).toEqual(['demo']);
    const again = clusters.subscribe(() => undefined);
    await tick(60);
    expect(clusters.followed).toEqual(['demo']);
    again.dispose();
    await tick(60);
    expect(clusters.followed).toEqual([]);
    clusters.dispose();
  });
});

describe('ClusterRegistry: clusters kept for a listener', () => {
  it('lets go of a kept cluster once it has been gone from the engine for the grace time, keeps one that came back, and the others', async () => {
    const list = new Emitter<readonly { name: string }[]>(createMemoryLogger());
    const clusters = new ClusterRegistry({
      topology: undefined,
      clustersChanged: list.event,
      goneGraceMs: 40,
      kubeconfigEnv: () => '/nonexistent/kindscope-test-kubeconfig',
      log: createMemoryLogger(),
      firstListWaitMs: 50,
    });
    const listening = clusters.subscribe(() => undefined);
    await clusters.status('gone');
    await clusters.status('stays');
    await clusters.status('recreated');
    expect(clusters.followed.sort()).toEqual(['gone', 'recreated', 'stays']);
    expect(list.listenerCount).toBe(1);
    list.fire([{ name: 'stays' }, { name: 'other' }]);
    // Deleted just now: still followed (it may be created again, as `kind delete` + `kind create` do).
    expect(clusters.followed.sort()).toEqual(['gone', 'recreated', 'stays']);
    list.fire([{ name: 'stays' }, { name: 'recreated' }]);
    await tick(80);
    expect(clusters.followed.sort()).toEqual(['recreated', 'stays']);
    // A cluster someone holds on purpose (an open page) is theirs to release, not the list's.
    const held = clusters.hold('watched');
    list.fire([{ name: 'stays' }]);
    await tick(80);
    expect(clusters.followed.sort()).toEqual(['stays', 'watched']);
    held.dispose();
    listening.dispose();
    await tick(20);
    expect(clusters.followed).toEqual([]);
    expect(list.listenerCount).toBe(0);
    clusters.dispose();
  });

  it('by default a cluster gone from the engine is kept for 5 minutes: `kind delete` then `kind create` is the same watch', async () => {
    const list = new Emitter<readonly { name: string }[]>(createMemoryLogger());
    const clusters = new ClusterRegistry({
      topology: undefined,
      clustersChanged: list.event,
      kubeconfigEnv: () => '/nonexistent/kindscope-test-kubeconfig',
      log: createMemoryLogger(),
      firstListWaitMs: 50,
    });
    const listening = clusters.subscribe(() => undefined);
    await clusters.status('lab');
    await clusters.status('gone');
    vi.useFakeTimers();
    try {
      list.fire([]);
      vi.advanceTimersByTime(60_000); // a minute between the delete and the create
      list.fire([{ name: 'lab' }]);
      vi.advanceTimersByTime(3 * 60_000); // 4 minutes after the delete
      expect(clusters.followed.sort()).toEqual(['gone', 'lab']);
      vi.advanceTimersByTime(2 * 60_000); // 'gone' has been gone for 6 minutes now
      expect(clusters.followed).toEqual(['lab']);
    } finally {
      vi.useRealTimers();
      listening.dispose();
      clusters.dispose();
    }
  });
});
