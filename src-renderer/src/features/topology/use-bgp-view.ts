import { useEffect } from 'react';
import type { BgpView, ClusterTopology } from '@contract';
import { useQuery } from '../../data/hooks';

/**
 * How often the router's table is measured again while the picture shows a BGP-mode cluster
 * (ms). The router pushes nothing: its sessions and next hops change without a Docker event (a
 * node frozen with `docker pause` is withdrawn after the hold time, 9 s in the lab's plan), so
 * the open page asks again, about three times per hold time. A Docker event of the cluster (a
 * node stopped or started) asks at once.
 */
export const bgpRefreshMs = 3000;

/**
 * BGP mode's claim and measurement (`cluster:bgp`) for the shown cluster, kept current; nothing
 * is read for a cluster without a router (L2 mode).
 */
export function useBgpView(topology: ClusterTopology): BgpView | undefined {
  const cluster = topology.router ? topology.name : undefined;
  const { value, reload } = useQuery('cluster:bgp', cluster ? { cluster } : undefined, {
    refetchOn: { 'topology:changed': (changed) => changed.name === cluster },
    coalesceMs: 300,
    keepPrevious: true,
  });
  useEffect(() => {
    if (!cluster) return;
    const timer = setInterval(() => void reload(), bgpRefreshMs);
    return () => clearInterval(timer);
  }, [cluster, reload]);
  return cluster && value?.cluster === cluster ? value : undefined;
}
