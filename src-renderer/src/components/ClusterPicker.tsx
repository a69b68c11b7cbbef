import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAppContext, useAppStore } from '../app-context';
import { loadClusterStatus } from '../commands/status-commands';
import { loadTopology } from '../commands/topology-commands';

/**
 * The cluster selector shared by Clusters and Topology: one selection for the whole app,
 * and choosing a cluster loads both its topology and its Kubernetes status.
 */
export function ClusterPicker() {
  const context = useAppContext();
  const { clusters, selected, selectCluster } = useAppStore(
    useShallow((state) => ({
      clusters: state.clusters,
      selected: state.selectedCluster,
      selectCluster: state.selectCluster,
    })),
  );
  const id = useId();
  if (!clusters || clusters.length === 0) return null;
  return (
    <label className="field" htmlFor={id}>
      <span>Cluster</span>
      <select
        id={id}
        value={selected ?? ''}
        onChange={(event) => {
          selectCluster(event.target.value);
          void loadTopology(context);
          void loadClusterStatus(context);
        }}
      >
        {clusters.map((c) => (
          <option key={c.name} value={c.name}>
            {c.name} ({c.running}/{c.nodes} running)
          </option>
        ))}
      </select>
    </label>
  );
}
