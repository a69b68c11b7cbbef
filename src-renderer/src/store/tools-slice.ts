import type { StateCreator } from 'zustand';
import type { AppError, DownloadProgress, ToolName, ToolsReport, ToolStatus } from '@contract';
import type { StoreState } from './index';

export interface ToolsSlice {
  toolsReport: ToolsReport | undefined;
  toolsError: AppError | undefined;
  /** Tools with an action in flight (download, choose). */
  toolsBusy: ToolName[];
  downloadProgress: Partial<Record<ToolName, DownloadProgress>>;
  setToolsReport(report: ToolsReport): void;
  setToolsError(error: AppError | undefined): void;
  setToolBusy(tool: ToolName, busy: boolean): void;
  setDownloadProgress(progress: DownloadProgress): void;
  replaceTool(status: ToolStatus): void;
}

export const createToolsSlice: StateCreator<StoreState, [], [], ToolsSlice> = (set, get) => ({
  toolsReport: undefined,
  toolsError: undefined,
  toolsBusy: [],
  downloadProgress: {},
  setToolsReport: (toolsReport) => set({ toolsReport, toolsError: undefined }),
  setToolsError: (toolsError) => set({ toolsError }),
  setToolBusy: (tool, busy) =>
    set({ toolsBusy: busy ? [...get().toolsBusy, tool] : get().toolsBusy.filter((t) => t !== tool) }),
  setDownloadProgress: (progress) =>
    set({ downloadProgress: { ...get().downloadProgress, [progress.tool]: progress } }),
  replaceTool: (status) => {
    const report = get().toolsReport;
    if (report)
      set({ toolsReport: { ...report, tools: report.tools.map((t) => (t.name === status.name ? status : t)) } });
  },
});
