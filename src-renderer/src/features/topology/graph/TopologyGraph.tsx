import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import {
  Background,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type NodeMouseHandler,
  type OnMove,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import './bgp-graph.css';
import { GraphBox, type BoxNode } from './GraphBox';
import { useFlowEdges, useFlowNodes } from './flow-elements';
import { GraphLegend } from './GraphLegend';
import { LeaseEdge } from './LeaseEdge';
import { LightMiniMap } from './LightMiniMap';
import { firstView, readableZoom } from './first-view';
import type { Box, GraphSpec } from './graph-types';
import { neighbourInDirection } from './keyboard-navigation';
import { highlightPath } from './path-highlight';

const nodeTypes = { box: GraphBox };
const edgeTypes = { lease: LeaseEdge };
/** The boxes the first view is about. */
// BGP mode's router too: its session lines are half of what the reader comes for.
const firstViewKinds = new Set(['node', 'pods', 'service', 'service-group', 'pending', 'router']);
const miniMapClass = (node: BoxNode) => `minimap-${node.data.spec.kind}`;
/** Above this many boxes only what is in view is rendered (xyflow's onlyRenderVisibleElements). */
const visibleOnlyAbove = 150;
/** Below this zoom the fact lines are unreadable: boxes show their titles only (less to paint). */
const zoomedOutBelow = 0.45;

export interface TopologyGraphProps {
  spec: GraphSpec;
  positions: ReadonlyMap<string, Box> | undefined;
  generation: number;
  selected: string | undefined;
  onSelect(id: string | undefined): void;
}

export function TopologyGraph(props: TopologyGraphProps) {
  return (
    <ReactFlowProvider>
      <GraphCanvas {...props} />
    </ReactFlowProvider>
  );
}

function GraphCanvas({ spec, positions, generation, selected, onSelect }: TopologyGraphProps) {
  const flow = useReactFlow();
  const wrapper = useRef<HTMLDivElement>(null);
  const highlight = useMemo(() => highlightPath(spec, selected), [spec, selected]);
  const large = spec.nodes.length > visibleOnlyAbove;
  const nodes = useFlowNodes(spec, positions, highlight, selected);
  const edges = useFlowEdges(spec, nodes, highlight, large);

  const [overlays, toggleOverlay] = useOverlays();
  // Fit when boxes come or go, until the user zooms or pans: from then on the view is theirs.
  const userMoved = useRef(false);
  const [zoomedOut, setZoomedOut] = useState(false);
  useEffect(() => {
    if (generation === 0 || userMoved.current || !positions) return;
    const canvas = wrapper.current;
    const important = spec.nodes.filter((n) => firstViewKinds.has(n.kind)).map((n) => positions.get(n.id));
    const boxes = important.filter((b): b is Box => b !== undefined);
    if (!canvas || boxes.length === 0) return void flow.fitView({ padding: 0.06, duration: 200 });
    void flow.setViewport(firstView(boxes, canvas.clientWidth, canvas.clientHeight), { duration: 200 });
    // Positions arrive with the generation; a re-placed lease (same generation) keeps the view.
  }, [generation, flow]);

  // A selection shows its whole path: the view fits the lit boxes once the details panel has taken its room.
  useEffect(() => {
    if (!selected || highlight.nodes.size === 0) return;
    const timer = setTimeout(
      () =>
        void flow.fitView({
          nodes: [...highlight.nodes].map((id) => ({ id })),
          padding: 0.12,
          duration: 250,
          maxZoom: 1.2,
          // Never below the first view's readable zoom: a long path (this machine → bridges → the
          // router → the nodes) is centred rather than shrunk to 6 px text beside the details panel.
          minZoom: readableZoom,
        }),
      60,
    ); // ms
    return () => clearTimeout(timer);
    // Only a new selection moves the view, not a model update (highlight is left out on purpose).
  }, [selected, flow]);

  // Stable handlers: a new function per render would re-render every one of 700 boxes in xyflow.
  const onNodeClick = useCallback<NodeMouseHandler<BoxNode>>((_, node) => onSelect(node.id), [onSelect]);
  const onPaneClick = useCallback(() => onSelect(undefined), [onSelect]);
  const onMoveStart = useCallback<OnMove>((event) => {
    if (event) userMoved.current = true;
  }, []);
  const onMoveEnd = useCallback<OnMove>((_, viewport) => setZoomedOut(viewport.zoom < zoomedOutBelow), []);
  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLDivElement>) => {
      const focused = (event.target as HTMLElement).closest<HTMLElement>('.react-flow__node');
      const id = focused?.dataset.id;
      if (!id) return;
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        onSelect(id);
        return;
      }
      if (event.key === 'Escape') return onSelect(undefined);
      const target = positions ? neighbourInDirection(spec, positions, id, event.key) : undefined;
      if (!target) return;
      event.preventDefault();
      // The details panel follows the keyboard, as it follows a click.
      onSelect(target);
      wrapper.current?.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(target)}"]`)?.focus();
      const box = positions?.get(target);
      if (box)
        void flow.setCenter(box.x + box.width / 2, box.y + box.height / 2, { zoom: flow.getZoom(), duration: 150 });
    },
    [spec, positions, onSelect, flow],
  );

  return (
    <div
      className={`graph-canvas${large ? ' is-large' : ''}${zoomedOut ? ' is-zoomed-out' : ''}`}
      ref={wrapper}
      onKeyDown={onKeyDown}
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodeClick={onNodeClick}
        onPaneClick={onPaneClick}
        onMoveStart={onMoveStart}
        onMoveEnd={onMoveEnd}
        nodesDraggable={false}
        nodesConnectable={false}
        edgeTypes={edgeTypes}
        nodesFocusable
        disableKeyboardA11y
        onlyRenderVisibleElements={spec.nodes.length > visibleOnlyAbove}
        minZoom={0.05}
        maxZoom={2}
        colorMode="system"
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={24} size={1} />
        <Controls showInteractive={false} aria-label="Zoom and fit" />
        <Panel position="top-right" className="graph-toggles">
          <button
            type="button"
            className="button button-small"
            aria-pressed={overlays.legend}
            onClick={() => toggleOverlay('legend')}
          >
            Legend
          </button>
          <button
            type="button"
            className="button button-small"
            aria-pressed={overlays.minimap}
            onClick={() => toggleOverlay('minimap')}
          >
            Minimap
          </button>
        </Panel>
        {overlays.minimap &&
          (large && positions ? (
            <LightMiniMap spec={spec} positions={positions} />
          ) : (
            <MiniMap
              pannable
              zoomable
              ariaLabel="Minimap"
              style={{ width: 150, height: 96 }}
              nodeClassName={miniMapClass}
            />
          ))}
        {overlays.legend && <GraphLegend />}
      </ReactFlow>
    </div>
  );
}

type Overlay = 'legend' | 'minimap';
const overlaysKey = 'kindscope.topology.overlays';

/**
 * The legend and the minimap: off until asked for (they covered the graph at 1024 px), and
 * remembered in this browser (localStorage) once the reader chose.
 */
function useOverlays(): [Record<Overlay, boolean>, (overlay: Overlay) => void] {
  const [state, setState] = useState<Record<Overlay, boolean>>(() => {
    try {
      const saved = JSON.parse(window.localStorage.getItem(overlaysKey) ?? '{}') as Partial<Record<Overlay, boolean>>;
      return { legend: saved.legend === true, minimap: saved.minimap === true };
    } catch {
      return { legend: false, minimap: false };
    }
  });
  const toggle = useCallback((overlay: Overlay) => {
    setState((before) => {
      const next = { ...before, [overlay]: !before[overlay] };
      try {
        window.localStorage.setItem(overlaysKey, JSON.stringify(next));
      } catch {
        // A browser without storage simply forgets the choice.
      }
      return next;
    });
  }, []);
  return [state, toggle];
}
