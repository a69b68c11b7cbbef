import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClusterTopology, TopologyNode } from '../../contract';
import { RouteSettler } from './route-settler';

function topologyWith(routes: Record<string, number>): ClusterTopology {
  const nodes = Object.entries(routes).map(([name, count]): TopologyNode => ({
    name,
    containerId: name,
    role: 'worker',
    state: 'running',
    running: true,
    hostname: name,
    image: 'kindest/node:v1.33.1',
    interfaces: [],
    unparsed: [],
    routes: Array.from({ length: count }, (_, i) => ({
      type: 'unicast',
      dst: `10.244.${i}.0/24`,
      flags: [],
      raw: `10.244.${i}.0/24 dev cilium_host`,
      explanation: '',
    })),
  }));
  return {
    name: 'lab',
    observedFrom: 'host',
    networks: [],
    nodes,
    host: { platform: 'linux', routes: [], reachability: { status: 'yes', reason: '' } },
    problems: [],
    generatedAt: '',
    tookMs: 0,
  };
}

afterEach(() => vi.useRealTimers());

describe('RouteSettler', () => {
  it('re-reads a started node until its routes stop changing and match its peers, publishing each change', async () => {
    vi.useFakeTimers();
    // What Docker + Cilium show after `docker start`: 2 routes, then 2 again (not settled: peers have 6), then 6, 6.
    const reads = [2, 2, 6, 6, 6].map((count) => topologyWith({ worker: count, peer: 6 }));
    const snapshot = vi.fn(async () => reads.shift()!);
    const published: number[] = [];
    const settler = new RouteSettler({
      snapshot,
      publish: (t) => published.push(t.nodes[0]!.routes.length),
      delaysMs: [10, 10, 10, 10, 10, 10],
    });
    settler.settle('lab', 'worker');
    await vi.advanceTimersByTimeAsync(100);
    expect(snapshot).toHaveBeenCalledTimes(4);
    expect(published).toEqual([2, 6]);
  });

  it('gives up after its schedule and stops on dispose', async () => {
    vi.useFakeTimers();
    const snapshot = vi.fn(async () => topologyWith({ worker: 2, peer: 6 }));
    const settler = new RouteSettler({ snapshot, publish: () => undefined, delaysMs: [10, 10, 10] });
    settler.settle('lab', 'worker');
    await vi.advanceTimersByTimeAsync(1000);
    expect(snapshot).toHaveBeenCalledTimes(3);
    settler.settle('lab', 'worker');
    settler.dispose();
    await vi.advanceTimersByTimeAsync(1000);
    expect(snapshot).toHaveBeenCalledTimes(3);
  });

  it('is still settling while a re-read is in flight (nothing else would say a read is coming)', async () => {
    vi.useFakeTimers();
    let answer: ((topology: ClusterTopology) => void) | undefined;
    const settler = new RouteSettler({
      snapshot: () => new Promise((resolve) => (answer = resolve)),
      publish: () => undefined,
      delaysMs: [100, 100],
    });
    settler.settle('lab', 'w2');
    expect(settler.settling).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    // The timer fired; the read has not answered yet.
    expect(answer).toBeDefined();
    expect(settler.settling).toBe(true);
    answer!(topologyWith({ w1: 3, w2: 1 }));
    await vi.advanceTimersByTimeAsync(0);
    // Not settled (fewer routes than its peer): the next re-read is waiting.
    expect(settler.settling).toBe(true);
    await vi.advanceTimersByTimeAsync(100);
    answer!(topologyWith({ w1: 3, w2: 3 }));
    await vi.advanceTimersByTimeAsync(0);
    // The delays are used up: done.
    expect(settler.settling).toBe(false);
    settler.dispose();
  });
});
