import type { CommandContext } from '../../commands/command';
import { bindQuery, Query } from '../../data/query';

/**
 * The kind clusters on the engine, kept in the store (Home, Clusters, Topology and
 * Troubleshoot share the list and the one selected cluster); returns the stop.
 */
export function followClusterList({ client, store }: CommandContext): () => void {
  const query = new Query(client, {
    call: 'topology:clusters',
    input: {},
    patch: { 'topology:clusters-changed': (_current, pushed) => pushed },
  });
  return bindQuery(query, ({ value }) => {
    if (value) store.getState().setClusters(value.clusters);
  });
}

/**
 * Runs `follow(cluster)` for the selected cluster and again whenever the selection changes
 * (the picker, a remembered choice, the cluster deleted); `follow` returns its own stop.
 */
export function followSelectedCluster({ store }: CommandContext, follow: (cluster: string) => () => void): () => void {
  let current = store.getState().selectedCluster;
  let stop = current ? follow(current) : undefined;
  const unsubscribe = store.subscribe((state) => {
    if (state.selectedCluster === current) return;
    current = state.selectedCluster;
    stop?.();
    stop = current ? follow(current) : undefined;
  });
  return () => {
    unsubscribe();
    stop?.();
  };
}
