import type { StateCreator } from 'zustand';
import type { AppError, AppInfo, StreamState } from '@contract';
import type { Area } from '../shell/areas';
import type { StoreState } from './index';

export { areas, isArea, type Area } from '../shell/areas';

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
