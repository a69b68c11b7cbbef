import { useEffect, useRef, useState } from 'react';
import type { Box, GraphSpec } from './graph-types';
import { keepPositions } from './keep-positions';
import { layoutGraph, structureKey, type LayoutEngine } from './layout';
import { createWorkerLayoutEngine } from './worker-engine';

export interface GraphLayout {
  positions: Map<string, Box> | undefined;
  /** Bumped when the picture was laid out afresh (first load, another cluster): time to fit the view. */
  generation: number;
}

/**
 * Lays the graph out in a worker when its boxes change, and only then: a lease renewal, a
 * node stopping or a lease moving changes colours and lines, not the set of boxes, so no
 * ELK run and every box stays where it is. Runs are coalesced: while one is in flight, only
 * the latest spec waits.
 */
export function useGraphLayout(spec: GraphSpec, engineFactory: () => LayoutEngine & { dispose(): void } = createWorkerLayoutEngine): GraphLayout {
  const [layout, setLayout] = useState<GraphLayout>({ positions: undefined, generation: 0 });
  const engine = useRef<(LayoutEngine & { dispose(): void }) | undefined>(undefined);
  const state = useRef<{ key?: string; running: boolean; pending?: GraphSpec; positions?: Map<string, Box> }>({ running: false });

  useEffect(() => {
    const created = engineFactory();
    engine.current = created;
    return () => {
      created.dispose();
      engine.current = undefined;
    };
  }, [engineFactory]);

  useEffect(() => {
    const current = state.current;
    if (structureKey(spec) === current.key) return;
    current.pending = spec;
    if (current.running) return;
    const run = async (): Promise<void> => {
      while (current.pending && engine.current) {
        const next = current.pending;
        current.pending = undefined;
        current.running = true;
        try {
          const fresh = await layoutGraph(next, engine.current);
          const merged = keepPositions(current.positions, fresh, next);
          const afresh = merged.size > 0 && [...merged].every(([id, box]) => fresh.get(id)?.x === box.x && fresh.get(id)?.y === box.y);
          current.positions = merged;
          current.key = structureKey(next);
          setLayout((before) => ({ positions: merged, generation: afresh || !before.positions ? before.generation + 1 : before.generation }));
        } finally {
          current.running = false;
        }
      }
    };
    void run();
  }, [spec]);

  return layout;
}
