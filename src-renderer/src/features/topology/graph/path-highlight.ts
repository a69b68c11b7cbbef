import type { GraphSpec } from './graph-types';

export interface Highlight {
  nodes: Set<string>;
  edges: Set<string>;
}

/**
 * The path of a selected box: everything upstream of it back to this machine (select an IP:
 * its lease holder, that node's veth, the bridge and the host light up — "how does a packet
 * from my Mac reach 172.18.250.1" in one click), plus its direct neighbours downstream.
 */
export function highlightPath(spec: GraphSpec, selected: string | undefined): Highlight {
  const highlight: Highlight = { nodes: new Set(), edges: new Set() };
  if (!selected || !spec.nodes.some((n) => n.id === selected)) return highlight;
  highlight.nodes.add(selected);
  const incoming = new Map<string, GraphSpec['edges']>();
  for (const edge of spec.edges) incoming.set(edge.target, [...(incoming.get(edge.target) ?? []), edge]);
  const queue = [selected];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const edge of incoming.get(id) ?? []) {
      if (edge.kind === 'pool' || highlight.edges.has(edge.id)) continue;
      highlight.edges.add(edge.id);
      if (!highlight.nodes.has(edge.source)) {
        highlight.nodes.add(edge.source);
        queue.push(edge.source);
      }
    }
  }
  for (const edge of spec.edges) {
    if (edge.source !== selected) continue;
    highlight.edges.add(edge.id);
    highlight.nodes.add(edge.target);
  }
  return highlight;
}
