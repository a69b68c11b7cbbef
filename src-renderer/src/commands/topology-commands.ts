import type { Command, CommandContext } from './command';

/** Loads the selected cluster's topology (pushed changes keep it current afterwards). */
export async function loadTopology({ client, store }: CommandContext, refresh = false): Promise<void> {
  const { selectedCluster, setTopology, setTopologyError, setTopologyLoading } = store.getState();
  if (!selectedCluster) return;
  setTopologyLoading(true);
  try {
    const result = await client.invoke('topology:snapshot', {
      cluster: selectedCluster,
      ...(refresh ? { refresh: true } : {}),
    });
    if (result.ok) setTopology(result.value);
    else setTopologyError(result.error);
  } finally {
    setTopologyLoading(false);
  }
}

export const refreshTopologyCommand: Command = {
  id: 'topology.refresh',
  label: 'Refresh',
  isEnabled: (state) => Boolean(state.selectedCluster) && !state.topologyLoading,
  run: (context) => loadTopology(context, true),
};

/** Lists clusters, follows their changes and the selected cluster's topology; returns the unsubscribe. */
export function followTopology(context: CommandContext): () => void {
  const { client, store } = context;
  const stopClusters = client.subscribe('topology:clusters-changed', ({ clusters }) => {
    const before = store.getState().selectedCluster;
    store.getState().setClusters(clusters);
    if (store.getState().selectedCluster !== before) void loadTopology(context);
  });
  const stopTopology = client.subscribe('topology:changed', (topology) => store.getState().setTopology(topology));
  void client.invoke('topology:clusters', {}).then((result) => {
    if (!result.ok) return store.getState().setTopologyError(result.error);
    store.getState().setClusters(result.value.clusters);
    void loadTopology(context);
  });
  return () => {
    stopClusters();
    stopTopology();
  };
}
