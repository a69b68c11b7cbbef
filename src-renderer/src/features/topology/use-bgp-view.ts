import { useEffect } from 'react';
import type { BgpView, ClusterTopology } from '@contract';
import { useQuery } from '../../data/hooks';

/**
 * How often the router's table is measured again while the picture shows a BGP-mode cluster
 * (ms). The router pushes nothing: its sessions and next hops change without a Docker event (a
 * node frozen with `docker pause` is withdrawn after the hold time, 9 s in the lab's plan), so
 * the open page asks again this long after each answer. A Docker event of the cluster (a
 * node stopped or started) asks at once.
 */
export const bgpRefreshMs = 3000;

/**
 * BGP mode's claim and measurement (`cluster:bgp`) for the shown cluster, kept current; nothing
 * is read for a cluster without a router (L2 mode).
 */
export function useBgpView(topology: ClusterTopology): BgpView | undefined {
  const cluster = topology.router ? topology.name : undefined;
  const { value, loading, reload } = useQuery('cluster:bgp', cluster ? { cluster } : undefined, {
    refetchOn: { 'topology:changed': (changed) => changed.name === cluster },
    coalesceMs: 300,
    keepPrevious: true,
  });
  // The next measurement is asked for a while after the last answer, never while one is awaited:
  // on a loaded machine a read can take longer than the interval, and a newer request drops the
  // older one's answer (Query), so a fixed interval could leave the page without any answer.
  useEffect(() => {
    if (!cluster || loading) return;
    const timer = setTimeout(() => void reload(), bgpRefreshMs);
    return () => clearTimeout(timer);
  }, [cluster, loading, reload]);
  return cluster && value?.cluster === cluster ? value : undefined;
}
