import type { StateCreator } from 'zustand';
import type { AppError, AppInfo, StreamState } from '@contract';
import type { StoreState } from './index';

export const areas = ['home', 'clusters', 'create-lab', 'topology', 'troubleshoot', 'names', 'settings'] as const;
export type Area = (typeof areas)[number];

export function isArea(value: string): value is Area {
  return (areas as readonly string[]).includes(value);
}

export interface ShellSlice {
  area: Area;
  /** The transport's own link (serve mode can lose its server; Electron never does). */
  connection: StreamState;
  appInfo: AppInfo | undefined;
  /** The last failed user action, shown with its hint until dismissed. */
  lastError: AppError | undefined;
  navigate(area: Area): void;
  setConnection(state: StreamState): void;
  setAppInfo(info: AppInfo): void;
  showError(error: AppError): void;
  dismissError(): void;
}

export const createShellSlice: StateCreator<StoreState, [], [], ShellSlice> = (set) => ({
  area: 'home',
  connection: 'live',
  appInfo: undefined,
  lastError: undefined,
  navigate: (area) => set({ area }),
  setConnection: (connection) => set({ connection }),
  setAppInfo: (appInfo) => set({ appInfo }),
  showError: (lastError) => set({ lastError }),
  dismissError: () => set({ lastError: undefined }),
});
