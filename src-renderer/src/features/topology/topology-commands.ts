import type { Command, CommandContext } from '../../commands/command';

/** Reads the selected cluster's topology again now, past the main process's cache (Refresh). */
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
