import type { CommandContext } from '../../commands/command';
import { bindQuery, Query } from '../../data/query';
import { followClusterList, followSelectedCluster } from './cluster-list-loader';

/** Follows the selected cluster's Kubernetes state into the store (Clusters, Topology, Troubleshoot); returns the stop. */
export function followClusterStatus(context: CommandContext): () => void {
  const { client, store } = context;
  const stopList = followClusterList(context);
  const stopStatus = followSelectedCluster(context, (cluster) =>
    bindQuery(
      new Query(client, {
        call: 'cluster:status',
        input: { cluster },
        // Pushed statuses of other followed clusters are not this one's.
        patch: { 'cluster:status-changed': (_current, status) => (status.cluster === cluster ? status : undefined) },
      }),
      ({ value, error }) => {
        if (error) store.getState().setClusterStatusError(error);
        else if (value) store.getState().setClusterStatus(value);
      },
    ),
  );
  return () => {
    stopStatus();
    stopList();
  };
}
