import { create } from 'zustand';
import { createEngineSlice, type EngineSlice } from './engine-slice';
import { createShellSlice, type ShellSlice } from './shell-slice';
import { createTopologySlice, type SelectionMemory, type TopologySlice } from './topology-slice';
import { createToolsSlice, type ToolsSlice } from './tools-slice';
import { createStatusSlice, type StatusSlice } from './status-slice';
import { createTopologyViewSlice, type TopologyViewSlice } from './topology-view-slice';

export type StoreState = EngineSlice & ShellSlice & TopologySlice & ToolsSlice & StatusSlice & TopologyViewSlice;

/** One store of slices (zustand's slices pattern); selectors stay narrow at the call sites. */
export const createStore = (options: { memory?: SelectionMemory } = {}) =>
  create<StoreState>()((...args) => ({
    ...createEngineSlice(...args),
    ...createShellSlice(...args),
    ...createTopologySlice(options.memory)(...args),
    ...createToolsSlice(...args),
    ...createStatusSlice(...args),
    ...createTopologyViewSlice(...args),
  }));

export type Store = ReturnType<typeof createStore>;
