import type { StateCreator } from 'zustand';
import type { AppError, DockerEngineStatus } from '@contract';
import type { StoreState } from './index';

export interface EngineSlice {
  engine: DockerEngineStatus | undefined;
  /** The engine could not even be asked (bad DOCKER_HOST, missing context). */
  engineError: AppError | undefined;
  engineLoading: boolean;
  setEngine(status: DockerEngineStatus): void;
  setEngineError(error: AppError): void;
  setEngineLoading(loading: boolean): void;
}

export const createEngineSlice: StateCreator<StoreState, [], [], EngineSlice> = (set) => ({
  engine: undefined,
  engineError: undefined,
  engineLoading: false,
  setEngine: (engine) => set({ engine, engineError: undefined }),
  setEngineError: (engineError) => set({ engineError }),
  setEngineLoading: (engineLoading) => set({ engineLoading }),
});
