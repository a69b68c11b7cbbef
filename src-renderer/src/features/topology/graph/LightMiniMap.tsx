import { memo, useMemo, type MouseEvent } from 'react';
import { Panel, useReactFlow, useStore } from '@xyflow/react';
import type { Box, GraphSpec } from './graph-types';

const width = 150; // px
const height = 96; // px

/**
 * The minimap for big clusters: one SVG redrawn only when the layout changes. xyflow's
 * MiniMap subscribes each of its boxes to the store, so at 700 boxes every model push
 * re-runs 700 more selectors (its share of frame time was the largest single item in a
 * Chromium profile of the bench). Click to centre the view there.
 */
export function LightMiniMap({ spec, positions }: { spec: GraphSpec; positions: ReadonlyMap<string, Box> }) {
  const flow = useReactFlow();
  const bounds = useMemo(() => {
    const boxes = [...positions.values()];
    const minX = Math.min(...boxes.map((b) => b.x));
    const minY = Math.min(...boxes.map((b) => b.y));
    const maxX = Math.max(...boxes.map((b) => b.x + b.width));
    const maxY = Math.max(...boxes.map((b) => b.y + b.height));
    return { x: minX, y: minY, w: Math.max(1, maxX - minX), h: Math.max(1, maxY - minY) };
  }, [positions]);
  const scale = Math.min(width / bounds.w, height / bounds.h);
  // Kinds only change with the layout: the rects are redrawn when positions change, not on every model push.
  const kinds = useMemo(() => new Map(spec.nodes.map((n) => [n.id, n.kind])), [positions]);
  const onClick = (event: MouseEvent<SVGSVGElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    void flow.setCenter(bounds.x + (event.clientX - rect.left) / scale, bounds.y + (event.clientY - rect.top) / scale, {
      zoom: flow.getZoom(),
      duration: 150,
    });
  };
  return (
    <Panel position="bottom-right" className="light-minimap">
      <svg width={width} height={height} role="img" aria-label="Minimap" onClick={onClick}>
        <g transform={`scale(${scale}) translate(${-bounds.x} ${-bounds.y})`}>
          <MiniBoxes kinds={kinds} positions={positions} />
          <ViewportFrame />
        </g>
      </svg>
    </Panel>
  );
}

const MiniBoxes = memo(function MiniBoxes({
  kinds,
  positions,
}: {
  kinds: ReadonlyMap<string, string>;
  positions: ReadonlyMap<string, Box>;
}) {
  return (
    <>
      {[...positions].map(([id, box]) => (
        <rect
          key={id}
          x={box.x}
          y={box.y}
          width={box.width}
          height={box.height}
          className={`minimap-${kinds.get(id) ?? 'other'}`}
        />
      ))}
    </>
  );
});

/** The part of the figure on screen, from xyflow's viewport. */
function ViewportFrame() {
  const [x, y, zoom] = useStore((s) => s.transform);
  const { w, h } = useStore(
    (s) => ({ w: s.width, h: s.height }),
    (a, b) => a.w === b.w && a.h === b.h,
  );
  return <rect x={-x / zoom} y={-y / zoom} width={w / zoom} height={h / zoom} className="light-minimap-viewport" />;
}
