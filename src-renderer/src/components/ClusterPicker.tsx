import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../app-context';

/**
 * The cluster selector shared by Clusters and Topology: one selection for the whole app,
 * and choosing a cluster makes the page's loaders follow it (its topology, its Kubernetes status).
 */
export function ClusterPicker() {
  const { clusters, selected, selectCluster, missing } = useAppStore(
    useShallow((state) => ({
      clusters: state.clusters,
      selected: state.selectedCluster,
      selectCluster: state.selectCluster,
      missing: state.missingSelection,
    })),
  );
  const id = useId();
  if (!clusters || clusters.length === 0) return null;
  return (
    <>
      {missing && (
        <p className="muted small" role="status">
          {`${missing}, chosen before, is not on this engine now: showing ${selected ?? 'none'}.`}
        </p>
      )}
      <label className="field" htmlFor={id}>
        <span>Cluster</span>
        <select id={id} value={selected ?? ''} onChange={(event) => selectCluster(event.target.value)}>
          {clusters.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name} ({c.running}/{c.nodes} running)
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
