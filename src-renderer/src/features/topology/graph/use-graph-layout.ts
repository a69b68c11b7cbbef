import { useEffect, useRef, useState } from 'react';
import type { Box, GraphSpec } from './graph-types';
import { holdersKey, placeBesideHolders } from './beside-holders';
import { keepPositions } from './keep-positions';
import { layoutGraph, structureKey, type LayoutEngine } from './layout';
import { provisionalLayout } from './provisional-layout';
import { createWorkerLayoutEngine } from './worker-engine';

/** Above this many boxes the first paint does not wait for ELK. */
const provisionalAbove = 150;

export interface GraphLayout {
  positions: Map<string, Box> | undefined;
  /** Bumped when boxes came or went: the view fits again unless the user has zoomed or panned. */
  generation: number;
}

/**
 * Lays the graph out in a worker when its boxes change, and only then: a lease renewal, a
 * node stopping or a lease moving changes colours and lines, not the set of boxes, so no
 * ELK run and every box stays where it is. Runs are coalesced: while one is in flight, only
 * the latest spec waits.
 */
export function useGraphLayout(
  spec: GraphSpec,
  engineFactory: () => LayoutEngine & { dispose(): void } = createWorkerLayoutEngine,
): GraphLayout {
  const [layout, setLayout] = useState<GraphLayout>({ positions: undefined, generation: 0 });
  const engine = useRef<(LayoutEngine & { dispose(): void }) | undefined>(undefined);
  const state = useRef<{
    key?: string;
    epoch?: string;
    provisional?: boolean;
    running: boolean;
    pending?: GraphSpec;
    positions?: Map<string, Box>;
    holders?: string;
  }>({ running: false });

  useEffect(() => {
    const created = engineFactory();
    engine.current = created;
    // Boot the worker (parse elkjs, start GWT) while the models are still on their way.
    void created.layout({ id: 'warm-up', children: [], edges: [] }).catch(() => undefined);
    return () => {
      created.dispose();
      engine.current = undefined;
    };
  }, [engineFactory]);

  useEffect(() => {
    const current = state.current;
    // Same boxes, a lease moved: its service moves beside the new holder (no ELK run).
    const replace = (next: GraphSpec) => {
      if (!current.positions || current.provisional || holdersKey(next) === current.holders) return;
      const placed = placeBesideHolders(next, current.positions);
      current.positions = placed;
      current.holders = holdersKey(next);
      setLayout((before) => ({ positions: placed, generation: before.generation }));
    };
    if (structureKey(spec) === current.key && !current.running) return replace(spec);
    current.pending = spec;
    // A big picture is drawn at once in rows while ELK works; ELK's answer then replaces it whole.
    if (spec.nodes.length > provisionalAbove && (!current.positions || spec.epoch !== current.epoch)) {
      const rows = provisionalLayout(spec);
      current.positions = rows;
      current.epoch = spec.epoch;
      current.provisional = true;
      setLayout((before) => ({ positions: rows, generation: before.generation + 1 }));
    }
    if (current.running) return;
    const run = async (): Promise<void> => {
      while (current.pending && engine.current) {
        const next = current.pending;
        current.pending = undefined;
        // Pushes that arrived during the last run often have the very boxes it just laid out.
        if (structureKey(next) === current.key) {
          replace(next);
          continue;
        }
        current.running = true;
        try {
          const fresh = await layoutGraph(next, engine.current);
          const merged = placeBesideHolders(
            next,
            keepPositions(
              current.provisional ? undefined : current.positions,
              fresh,
              next,
              next.epoch === current.epoch,
            ),
          );
          current.holders = holdersKey(next);
          current.provisional = false;
          current.epoch = next.epoch;
          current.positions = merged;
          current.key = structureKey(next);
          setLayout((before) => ({ positions: merged, generation: before.generation + 1 }));
        } finally {
          current.running = false;
        }
      }
    };
    void run();
  }, [spec]);

  return layout;
}
