import type { StateCreator } from 'zustand';
import type { AppError, ClusterTopology, KindClusterSummary } from '@contract';
import type { StoreState } from './index';

export interface TopologySlice {
  clusters: KindClusterSummary[] | undefined;
  selectedCluster: string | undefined;
  topology: ClusterTopology | undefined;
  topologyLoading: boolean;
  topologyError: AppError | undefined;
  setClusters(clusters: KindClusterSummary[]): void;
  selectCluster(name: string | undefined): void;
  setTopology(topology: ClusterTopology): void;
  setTopologyLoading(loading: boolean): void;
  setTopologyError(error: AppError | undefined): void;
}

export const createTopologySlice: StateCreator<StoreState, [], [], TopologySlice> = (set, get) => ({
  clusters: undefined,
  selectedCluster: undefined,
  topology: undefined,
  topologyLoading: false,
  topologyError: undefined,
  setClusters: (clusters) => {
    const selected = get().selectedCluster;
    set({
      clusters,
      selectedCluster: selected && clusters.some((c) => c.name === selected) ? selected : clusters[0]?.name,
    });
  },
  selectCluster: (selectedCluster) =>
    set({ selectedCluster, topology: get().topology?.name === selectedCluster ? get().topology : undefined }),
  // Pushed snapshots of other followed clusters are ignored: only the one on screen matters.
  setTopology: (topology) => {
    if (topology.name === get().selectedCluster) set({ topology, topologyError: undefined });
  },
  setTopologyLoading: (topologyLoading) => set({ topologyLoading }),
  setTopologyError: (topologyError) => set({ topologyError }),
});
