import { afterEach, describe, expect, it, vi } from 'vitest';
import { KindscopeError, type ClusterTopology } from '../../contract';
import { ClusterSettler, topologyKey } from './cluster-settler';

/** A cluster read whose nodes have these MTUs (undefined: no cilium_host yet), made at `at`. */
function read(mtus: (number | undefined)[], at = new Date().toISOString()): ClusterTopology {
  return {
    name: 'lab',
    observedFrom: 'host',
    networks: [],
    nodes: mtus.map((mtu, i) => ({
      name: `n${i}`,
      containerId: `n${i}`,
      role: 'worker',
      state: 'running',
      running: true,
      hostname: `n${i}`,
      image: 'kindest/node:v1.33.1',
      interfaces: mtu ? [{ ifindex: 3, ifname: 'cilium_host', mtu, addresses: [] }] : [],
      routes: [],
      unparsed: [],
    })),
    host: { platform: 'linux', routes: [], reachability: { status: 'yes', reason: '' } },
    problems: [],
    generatedAt: at,
    tookMs: Math.random() * 100,
  };
}

const mtusOf = (t: ClusterTopology) => t.nodes.map((n) => n.interfaces[0]?.mtu ?? '-').join(',');

afterEach(() => vi.useRealTimers());

describe('ClusterSettler', () => {
  it('re-reads after a step until two reads in a row agree, publishing each change (the time of a read is no change)', async () => {
    vi.useFakeTimers();
    // After a build: Cilium's interfaces appear node by node, then nothing changes.
    const reads = [
      [undefined, undefined],
      [1450, undefined],
      [1450, 1450],
      [1450, 1450],
      [1450, 1450],
    ].map((m, i) => read(m, `2026-12-06T10:00:0${i}.000Z`));
    const snapshot = vi.fn(async () => reads.shift()!);
    const published: string[] = [];
    const settler = new ClusterSettler({
      snapshot,
      publish: (t) => published.push(mtusOf(t)),
      delaysMs: [10, 10, 10, 10, 10, 10],
    });
    settler.settle('lab', read([undefined, undefined]));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(snapshot).toHaveBeenCalledTimes(4);
    // The first read equals the model the step left: not published again.
    expect(published).toEqual(['1450,-', '1450,1450']);
    expect(settler.settling).toBe(false);
  });

  it('stops after its delays, when the cluster is gone, and on dispose; a new step starts over', async () => {
    vi.useFakeTimers();
    let mtu = 1000;
    const snapshot = vi.fn(async () => read([mtu++]));
    const settler = new ClusterSettler({ snapshot, publish: () => undefined, delaysMs: [10, 10, 10] });
    settler.settle('lab');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(snapshot).toHaveBeenCalledTimes(3);
    const gone = vi.fn(async () =>
      Promise.reject(new KindscopeError('CLUSTER_NOT_FOUND', 'No kind cluster named "lab"', 'See the clusters.')),
    );
    const other = new ClusterSettler({ snapshot: gone, publish: () => undefined, delaysMs: [10, 10, 10] });
    other.settle('lab');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(gone).toHaveBeenCalledTimes(1);
    expect(other.settling).toBe(false);
    settler.settle('lab');
    expect(settler.settling).toBe(true);
    settler.dispose();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(snapshot).toHaveBeenCalledTimes(3);
  });

  it('a read that fails on the way (not "gone") is no answer: the next read is asked as planned', async () => {
    vi.useFakeTimers();
    const reads: (() => Promise<ClusterTopology>)[] = [
      () => Promise.reject(new Error('exec timed out')),
      async () => read([1400]),
      async () => read([1400]),
    ];
    const published: string[] = [];
    const settler = new ClusterSettler({
      snapshot: () => reads.shift()!(),
      publish: (t) => published.push(mtusOf(t)),
      delaysMs: [10, 10, 10, 10],
    });
    settler.settle('lab', read([1500]));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(published).toEqual(['1400']);
    expect(settler.settling).toBe(false);
  });

  it('a read begun before a newer step is not compared with it', async () => {
    vi.useFakeTimers();
    const answers: ((t: ClusterTopology) => void)[] = [];
    const published: string[] = [];
    const settler = new ClusterSettler({
      snapshot: () => new Promise((resolve) => answers.push(resolve)),
      publish: (t) => published.push(mtusOf(t)),
      delaysMs: [10, 10, 10],
    });
    settler.settle('lab');
    await vi.advanceTimersByTimeAsync(10);
    settler.settle('lab');
    answers[0]!(read([1]));
    await vi.advanceTimersByTimeAsync(10);
    answers[1]!(read([2]));
    await vi.advanceTimersByTimeAsync(10);
    answers[2]!(read([2]));
    await vi.advanceTimersByTimeAsync(0);
    expect(published).toEqual(['2']);
    expect(settler.settling).toBe(false);
  });

  it('the comparison key ignores only when and how fast a read was made', () => {
    expect(topologyKey(read([1450], 'a'))).toBe(topologyKey(read([1450], 'b')));
    expect(topologyKey(read([1450]))).not.toBe(topologyKey(read([1500])));
  });
});
