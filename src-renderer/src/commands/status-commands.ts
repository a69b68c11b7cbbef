import type { CommandContext } from './command';

export async function loadClusterStatus({ client, store }: CommandContext): Promise<void> {
  const cluster = store.getState().selectedCluster;
  if (!cluster) return;
  const result = await client.invoke('cluster:status', { cluster });
  if (result.ok) store.getState().setClusterStatus(result.value);
  else store.getState().setClusterStatusError(result.error);
}

/** Follows the selected cluster's Kubernetes state; returns the unsubscribe. */
export function followClusterStatus(context: CommandContext): () => void {
  const stop = context.client.subscribe('cluster:status-changed', (status) =>
    context.store.getState().setClusterStatus(status),
  );
  void context.client.invoke('topology:clusters', {}).then((result) => {
    if (!result.ok) return context.store.getState().setClusterStatusError(result.error);
    context.store.getState().setClusters(result.value.clusters);
    void loadClusterStatus(context);
  });
  return stop;
}
