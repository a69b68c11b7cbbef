import { useDeferredValue, useMemo } from 'react';
import type { BgpView, ClusterStatus, ClusterTopology } from '@contract';
import { buildTopologyGraph } from './build-graph';
import type { GraphSpec } from './graph-types';

/**
 * The graph of the latest models, rebuilt at low priority: pushes arrive up to ~20/s (lease
 * renewals), and React drops the intermediate ones while a frame is being drawn instead
 * of rebuilding and re-rendering 700 boxes for each (useDeferredValue).
 */
export function useTopologySpec(
  topology: ClusterTopology,
  status: ClusterStatus | undefined,
  expandedGroups: ReadonlySet<string>,
  bgp?: BgpView,
): GraphSpec {
  const deferredTopology = useDeferredValue(topology);
  const deferredStatus = useDeferredValue(status);
  const deferredBgp = useDeferredValue(bgp);
  return useMemo(
    () =>
      buildTopologyGraph(deferredTopology, deferredStatus, {
        expandedGroups,
        ...(deferredBgp ? { bgp: deferredBgp } : {}),
      }),
    [deferredTopology, deferredStatus, expandedGroups, deferredBgp],
  );
}
