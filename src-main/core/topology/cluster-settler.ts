import { KindscopeError, type ClusterTopology } from '../../contract';
import { settleDelaysMs } from './route-settler';

export interface ClusterSettlerOptions {
  /** A full read of the cluster now (the topology service's snapshot: it becomes the followed model). */
  snapshot(cluster: string): Promise<ClusterTopology>;
  /** Called with each read that differs from the one before it. */
  publish(topology: ClusterTopology): void;
  delaysMs?: readonly number[];
}

/** What two reads must agree on: everything but when the read was made and how long it took. */
export const topologyKey = (topology: ClusterTopology): string =>
  JSON.stringify(topology, (key, value: unknown) => (key === 'generatedAt' || key === 'tookMs' ? undefined : value));

/**
 * Re-reads a whole cluster after a lifecycle step (a build's Cilium install, a start, a stop)
 * until it settles: two reads in a row agree, or the delays run out (~31 s). Those changes
 * happen inside the nodes (Cilium's `cilium_host`, its routes and MTU) where no Docker event
 * says when they are done, so the run's own step events start this, and it stops by itself —
 * the followed model is current without anyone pressing Refresh, and nothing polls for ever.
 * A second request for a cluster being settled starts over (the step that asked changed it again).
 */
export class ClusterSettler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** A request's generation per cluster: a read that began before a newer request is not compared. */
  private readonly generations = new Map<string, number>();
  private readonly reading = new Set<string>();

  constructor(private readonly options: ClusterSettlerOptions) {}

  /** Whether some cluster is still being re-read (bounded: at most the delays' sum after the last request). */
  get settling(): boolean {
    return this.timers.size > 0 || this.reading.size > 0;
  }

  settle(cluster: string, previous?: ClusterTopology): void {
    clearTimeout(this.timers.get(cluster));
    this.timers.delete(cluster);
    const generation = (this.generations.get(cluster) ?? 0) + 1;
    this.generations.set(cluster, generation);
    // The model the step left is what is on screen: a read equal to it is not published again, but
    // does not count as settled either (the change the step started may not have begun yet).
    this.step(cluster, generation, 0, undefined, previous ? topologyKey(previous) : undefined);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.reading.clear();
    this.generations.clear();
  }

  private step(
    cluster: string,
    generation: number,
    attempt: number,
    previous: string | undefined,
    shown: string | undefined,
  ): void {
    const delay = (this.options.delaysMs ?? settleDelaysMs)[attempt];
    if (delay === undefined) return;
    this.timers.set(
      cluster,
      setTimeout(() => {
        this.timers.delete(cluster);
        this.reading.add(cluster);
        const current = () => this.generations.get(cluster) === generation;
        this.options.snapshot(cluster).then(
          (topology) => {
            if (!current()) return;
            this.reading.delete(cluster);
            const key = topologyKey(topology);
            if (key !== shown) this.options.publish(topology);
            // Settled: this read says what the one before it said.
            if (key === previous) return;
            this.step(cluster, generation, attempt + 1, key, key);
          },
          (error: unknown) => {
            if (!current()) return;
            this.reading.delete(cluster);
            // Gone (deleted): stop here, the engine's events bring what comes next. A read that failed
            // on the way (an exec timed out on a loaded engine) is no answer: the next read is asked as planned.
            if (error instanceof KindscopeError && error.code === 'CLUSTER_NOT_FOUND') return;
            this.step(cluster, generation, attempt + 1, previous, shown);
          },
        );
      }, delay),
    );
  }
}
