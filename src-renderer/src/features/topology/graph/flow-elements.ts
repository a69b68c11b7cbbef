import { useMemo, useRef } from 'react';
import type { Edge } from '@xyflow/react';
import type { BoxNode } from './GraphBox';
import type { Box, GraphSpec } from './graph-types';
import type { Highlight } from './path-highlight';

/** xyflow's boxes for the spec: each keeps its identity while nothing about it changed, so xyflow re-renders only what did. */
export function useFlowNodes(
  spec: GraphSpec,
  positions: ReadonlyMap<string, Box> | undefined,
  highlight: Highlight,
  selected: string | undefined,
): BoxNode[] {
  const lit = highlight.nodes.size > 0;
  const cache = useRef(new Map<string, { key: string; node: BoxNode }>());
  const lastNodes = useRef<BoxNode[]>([]);

  return useMemo(() => {
    const next = new Map<string, { key: string; node: BoxNode }>();
    const list: BoxNode[] = [];
    for (const node of spec.nodes) {
      const box = positions?.get(node.id);
      if (!box) continue;
      const emphasis: BoxNode['data']['emphasis'] = lit ? (highlight.nodes.has(node.id) ? 'on' : 'off') : undefined;
      const key = `${box.x},${box.y}|${emphasis}|${node.id === selected}|${node.tone}|${node.title}|${node.lines.join('\n')}|${node.label}`;
      const before = cache.current.get(node.id);
      const entry =
        before?.key === key
          ? before
          : {
              key,
              node: {
                id: node.id,
                type: 'box' as const,
                position: { x: box.x, y: box.y },
                data: { spec: node, emphasis },
                ariaLabel: node.label,
                width: node.width,
                height: node.height,
                selected: node.id === selected,
                domAttributes: {
                  'aria-current': node.id === selected ? ('true' as const) : undefined,
                  'data-lit': emphasis === 'on' ? 'true' : undefined,
                },
              },
            };
      next.set(node.id, entry);
      list.push(entry.node);
    }
    cache.current = next;
    // Nothing changed (a lease renewal): the same array, so xyflow does no work at all.
    if (sameItems(list, lastNodes.current)) return lastNodes.current;
    lastNodes.current = list;
    return list;
  }, [spec, positions, highlight, lit, selected]);
}

/** xyflow's lines: the same identity rules, so a model change re-renders a handful of 700 lines, not all. */
export function useFlowEdges(spec: GraphSpec, nodes: BoxNode[], highlight: Highlight, large: boolean): Edge[] {
  const lit = highlight.nodes.size > 0;
  const edgeCache = useRef(new Map<string, { key: string; edge: Edge }>());
  const lastEdges = useRef<Edge[]>([]);
  return useMemo<Edge[]>(() => {
    const placed = new Set(nodes.map((n) => n.id));
    const next = new Map<string, { key: string; edge: Edge }>();
    const list: Edge[] = [];
    for (const e of spec.edges) {
      if (!placed.has(e.source) || !placed.has(e.target)) continue;
      const on = highlight.edges.has(e.id);
      const emphasis = lit ? (on ? 'is-lit' : 'is-dim') : '';
      const key = `${e.source}>${e.target}|${emphasis}|${e.tone}|${e.label}|${e.text ?? ''}`;
      const before = edgeCache.current.get(e.id);
      const entry =
        before?.key === key
          ? before
          : {
              key,
              edge: {
                id: e.id,
                source: e.source,
                target: e.target,
                ariaLabel: e.label,
                className: `graph-edge edge-${e.kind} tone-${e.tone} ${emphasis}`,
                ...(e.kind === 'lease' || e.kind === 'session'
                  ? // Lease and session labels always show (the claim is the picture's point), dimmed with their line.
                    { type: 'lease', data: { lines: e.text?.split('\n') ?? [], dim: lit && !on } }
                  : e.text && (!lit || on)
                    ? { label: e.text }
                    : {}),
                // Tab goes box to box (arrow keys follow the lines); lines keep their role and name for readers.
                focusable: false,
                ariaRole: 'group' as const,
                // A moving dash repaints every frame: only on small pictures.
                animated: !large && e.kind === 'overlay' && (!lit || on),
                selectable: false,
                // Lit lines say so in the DOM too (React passes data-* through; xyflow's SVG typing has no room for them).
                ...(on ? { domAttributes: { 'data-lit': 'true' } as Edge['domAttributes'] } : {}),
              },
            };
      next.set(e.id, entry);
      list.push(entry.edge);
    }
    edgeCache.current = next;
    if (sameItems(list, lastEdges.current)) return lastEdges.current;
    lastEdges.current = list;
    return list;
  }, [spec, nodes, highlight, lit, large]);
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}
