import type { StateCreator } from 'zustand';
import type { AppError, ClusterStatus } from '@contract';
import type { StoreState } from './index';

export interface StatusSlice {
  clusterStatus: ClusterStatus | undefined;
  clusterStatusError: AppError | undefined;
  setClusterStatus(status: ClusterStatus): void;
  setClusterStatusError(error: AppError | undefined): void;
}

export const createStatusSlice: StateCreator<StoreState, [], [], StatusSlice> = (set, get) => ({
  clusterStatus: undefined,
  clusterStatusError: undefined,
  // Pushed statuses of other followed clusters are ignored: only the selected one is shown.
  setClusterStatus: (clusterStatus) => {
    if (clusterStatus.cluster === get().selectedCluster) set({ clusterStatus, clusterStatusError: undefined });
  },
  setClusterStatusError: (clusterStatusError) => set({ clusterStatusError }),
});
