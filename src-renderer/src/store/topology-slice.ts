import type { StateCreator } from 'zustand';
import type { AppError, ClusterTopology, KindClusterSummary } from '@contract';
import type { StoreState } from './index';

/** Where the selected cluster is remembered across reloads (the browser's localStorage in the app). */
export type SelectionMemory = Pick<Storage, 'getItem' | 'setItem'>;
const selectionKey = 'kindscope.selectedCluster';

export interface TopologySlice {
  clusters: KindClusterSummary[] | undefined;
  selectedCluster: string | undefined;
  /**
   * The cluster chosen before that is not on the engine now, when another is shown instead:
   * said on screen, never a silent swap. Cleared when the user chooses or it comes back.
   */
  missingSelection: string | undefined;
  topology: ClusterTopology | undefined;
  topologyLoading: boolean;
  topologyError: AppError | undefined;
  setClusters(clusters: KindClusterSummary[]): void;
  selectCluster(name: string | undefined): void;
  setTopology(topology: ClusterTopology): void;
  setTopologyLoading(loading: boolean): void;
  setTopologyError(error: AppError | undefined): void;
}

export const createTopologySlice =
  (memory: SelectionMemory | undefined): StateCreator<StoreState, [], [], TopologySlice> =>
  (set, get) => ({
    clusters: undefined,
    selectedCluster: recall(memory),
    missingSelection: undefined,
    topology: undefined,
    topologyLoading: false,
    topologyError: undefined,
    setClusters: (clusters) => {
      const present = (name: string | undefined) => name !== undefined && clusters.some((c) => c.name === name);
      // The remembered choice wins whenever it is there (it may come back after a recreate).
      const wanted = get().missingSelection ?? get().selectedCluster;
      if (present(wanted)) return set({ clusters, selectedCluster: wanted, missingSelection: undefined });
      const shown = clusters[0]?.name;
      set({
        clusters,
        selectedCluster: shown,
        missingSelection: wanted,
        ...(get().topology?.name === shown ? {} : { topology: undefined }),
      });
    },
    selectCluster: (selectedCluster) => {
      if (selectedCluster) remember(memory, selectedCluster);
      set({
        selectedCluster,
        missingSelection: undefined,
        topology: get().topology?.name === selectedCluster ? get().topology : undefined,
      });
    },
    // Pushed snapshots of other followed clusters are ignored: only the one on screen matters.
    setTopology: (topology) => {
      if (topology.name === get().selectedCluster) set({ topology, topologyError: undefined });
    },
    setTopologyLoading: (topologyLoading) => set({ topologyLoading }),
    setTopologyError: (topologyError) => set({ topologyError }),
  });

function recall(memory: SelectionMemory | undefined): string | undefined {
  try {
    return memory?.getItem(selectionKey) ?? undefined;
  } catch {
    return undefined; // storage refused (private mode): start with no choice
  }
}

function remember(memory: SelectionMemory | undefined, name: string): void {
  try {
    memory?.setItem(selectionKey, name);
  } catch {
    // A browser without storage forgets the choice on reload; nothing else depends on it.
  }
}
