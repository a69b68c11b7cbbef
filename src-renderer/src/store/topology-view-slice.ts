import type { StateCreator } from 'zustand';
import type { StoreState } from './index';

export type TopologyView = 'graph' | 'tables';

/** What the user looks at on the Topology page: graph or tables, the selected box, opened groups. */
export interface TopologyViewSlice {
  topologyView: TopologyView;
  /** A graph box id (`node:demo-worker`, `svc:default/web`, …). */
  topologySelection: string | undefined;
  /** Lease holders whose collapsed service group is open. */
  expandedGroups: ReadonlySet<string>;
  setTopologyView(view: TopologyView): void;
  selectTopologyItem(id: string | undefined): void;
  toggleGroup(holder: string): void;
}

export const createTopologyViewSlice: StateCreator<StoreState, [], [], TopologyViewSlice> = (set, get) => ({
  topologyView: 'graph',
  topologySelection: undefined,
  expandedGroups: new Set(),
  setTopologyView: (topologyView) => set({ topologyView }),
  selectTopologyItem: (topologySelection) => set({ topologySelection }),
  toggleGroup: (holder) => {
    const next = new Set(get().expandedGroups);
    if (next.has(holder)) next.delete(holder);
    else next.add(holder);
    set({ expandedGroups: next });
  },
});
