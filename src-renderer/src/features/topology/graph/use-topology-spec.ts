import { useDeferredValue, useMemo } from 'react';
import type { ClusterStatus, ClusterTopology } from '@contract';
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
): GraphSpec {
  const deferredTopology = useDeferredValue(topology);
  const deferredStatus = useDeferredValue(status);
  return useMemo(
    () => buildTopologyGraph(deferredTopology, deferredStatus, { expandedGroups }),
    [deferredTopology, deferredStatus, expandedGroups],
  );
}
