import type { ClusterTopology } from '../../contract';

/**
 * Gaps between re-reads after a node starts (ms, ~31 s in all). A node's routes are read at
 * its `start` event, before the Cilium agent has put them back (kind + Cilium: 2 of 6 routes
 * right after a restart), and no further Docker event says when it is done.
 */
export const settleDelaysMs = [500, 1000, 2000, 4000, 8000, 16000];

export interface RouteSettlerOptions {
  snapshot(cluster: string): Promise<ClusterTopology>;
  /** Called with a snapshot whose routes of the started node changed since the last read. */
  publish(topology: ClusterTopology): void;
  delaysMs?: readonly number[];
}

const routesOf = (topology: ClusterTopology, node: string) =>
  topology.nodes
    .find((n) => n.name === node)
    ?.routes.map((r) => r.raw)
    .join('\n');

/**
 * Re-reads a started node's routes until they settle: two reads in a row agree and the node
 * has at least as many routes as its running peers (every node of a kind + Cilium cluster has
 * the same shape: default, docker subnet, its cilium_host, one route per pod CIDR).
 */
export class RouteSettler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Nodes whose re-read is in flight: between a timer firing and the next being set, still settling. */
  private readonly reading = new Set<string>();
  /** After dispose no re-read is scheduled again (one ended by the dispose itself would set the next timer). */
  private disposed = false;

  constructor(private readonly options: RouteSettlerOptions) {}

  /** Whether a restarted node's routes are still being re-read (bounded: at most the delays' sum). */
  get settling(): boolean {
    return this.timers.size > 0 || this.reading.size > 0;
  }

  settle(cluster: string, node: string): void {
    this.cancel(cluster, node);
    this.step(cluster, node, 0, undefined);
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.reading.clear();
  }

  private cancel(cluster: string, node: string): void {
    clearTimeout(this.timers.get(`${cluster}/${node}`));
    this.timers.delete(`${cluster}/${node}`);
  }

  private step(cluster: string, node: string, attempt: number, previous: string | undefined): void {
    const delay = (this.options.delaysMs ?? settleDelaysMs)[attempt];
    if (delay === undefined || this.disposed) return;
    const key = `${cluster}/${node}`;
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.reading.add(key);
        const done = () => this.reading.delete(key);
        this.options.snapshot(cluster).then(
          (topology) => {
            done();
            const routes = routesOf(topology, node);
            if (routes !== previous) this.options.publish(topology);
            if (routes === undefined || (routes === previous && settled(topology, node))) return;
            this.step(cluster, node, attempt + 1, routes);
          },
          () => {
            done();
            this.step(cluster, node, attempt + 1, previous);
          },
        );
      }, delay),
    );
  }
}

function settled(topology: ClusterTopology, node: string): boolean {
  const count = topology.nodes.find((n) => n.name === node)?.routes.length ?? 0;
  const peers = topology.nodes.filter((n) => n.name !== node && n.running).map((n) => n.routes.length);
  return count >= Math.max(0, ...peers);
}
