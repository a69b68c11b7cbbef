import type { CommandContext } from '../../commands/command';
import { bindQuery, Query } from '../../data/query';
import { followClusterList, followSelectedCluster } from '../clusters/cluster-list-loader';

/** Lists clusters, follows their changes and the selected cluster's topology into the store; returns the stop. */
export function followTopology(context: CommandContext): () => void {
  const { client, store } = context;
  const stopList = followClusterList(context);
  const stopTopology = followSelectedCluster(context, (cluster) =>
    bindQuery(
      new Query(client, {
        call: 'topology:snapshot',
        input: { cluster },
        // Pushed snapshots of other followed clusters are not this one's.
        patch: { 'topology:changed': (_current, topology) => (topology.name === cluster ? topology : undefined) },
      }),
      ({ value, error, loading }) => {
        const state = store.getState();
        state.setTopologyLoading(loading);
        if (error) state.setTopologyError(error);
        else if (value) state.setTopology(value);
      },
    ),
  );
  return () => {
    stopTopology();
    stopList();
  };
}
