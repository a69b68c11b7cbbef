/**
 * The benchmark page: the Topology page's graph (the same components, layout worker and
 * styles) fed a synthetic 50-node / 500-service / 50-pool model, then 20 changes per second
 * for 10 s. Results go to `window.kindscopeBench` for bench/graph/topology-graph-bench.ts.
 */
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import '../../../src-renderer/src/styles.css';
import '../../../src-renderer/src/features/topology/topology.css';
import { TopologyGraph } from '../../../src-renderer/src/features/topology/graph/TopologyGraph';
import { useGraphLayout } from '../../../src-renderer/src/features/topology/graph/use-graph-layout';
import { useTopologySpec } from '../../../src-renderer/src/features/topology/graph/use-topology-spec';
import { changeModel, syntheticModel } from './synthetic-model';

interface BenchResult {
  /** Page start → ELK's positions back from the worker (the first paint is the provisional rows). */
  layoutMs?: number;
  firstRenderMs?: number;
  frames: number[];
  changes: number;
  boxes?: number;
  done: boolean;
}

const result: BenchResult = { frames: [], changes: 0, done: false };
Object.assign(window, { kindscopeBench: result });
const changesPerSecond = Number(new URLSearchParams(location.search).get('rate') ?? 20);
const noGroupsOpen: ReadonlySet<string> = new Set();
const ignoreSelection = () => undefined;
const durationMs = Number(new URLSearchParams(location.search).get('ms') ?? 10_000);
const startedAt = performance.now();

function Bench() {
  const [model, setModel] = useState(syntheticModel);
  const spec = useTopologySpec(model.topology, model.status, noGroupsOpen);
  const layout = useGraphLayout(spec);

  useEffect(() => {
    if (!layout.positions) return;
    // First render = the first frame painted with boxes in the DOM (the provisional rows).
    if (result.firstRenderMs === undefined) {
      requestAnimationFrame(() => {
        result.firstRenderMs = performance.now() - startedAt;
        result.boxes = document.querySelectorAll('.react-flow__node').length;
      });
    }
    // The load starts once ELK's layout is in: frame times of the page as it stays, not of its first seconds.
    if (layout.generation === 2 && result.layoutMs === undefined) {
      result.layoutMs = performance.now() - startedAt;
      requestAnimationFrame(() => startLoad(setModel));
    }
  }, [layout.positions, layout.generation]);

  return (
    <div className="topology-graph-layout" style={{ height: '100vh' }}>
      <section className="graph-region" aria-label="Topology graph">
        {layout.positions && (
          <TopologyGraph
            spec={spec}
            positions={layout.positions}
            generation={layout.generation}
            selected={undefined}
            onSelect={ignoreSelection}
          />
        )}
      </section>
    </div>
  );
}

function startLoad(
  setModel: (update: (m: ReturnType<typeof syntheticModel>) => ReturnType<typeof syntheticModel>) => void,
) {
  let last = performance.now();
  const loadStart = last;
  const frame = (now: number) => {
    result.frames.push(now - last);
    last = now;
    if (now - loadStart < durationMs) requestAnimationFrame(frame);
    else result.done = true;
  };
  requestAnimationFrame(frame);
  if (changesPerSecond === 0) return;
  const timer = setInterval(() => {
    if (performance.now() - loadStart >= durationMs) return clearInterval(timer);
    result.changes += 1;
    const k = result.changes;
    setModel((m) => changeModel(m, k));
  }, 1000 / changesPerSecond);
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Bench />
  </StrictMode>,
);
