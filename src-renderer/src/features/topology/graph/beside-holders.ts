import { columns, type Box, type GraphNodeSpec, type GraphSpec } from './graph-types';

/** px between a node and the boxes right of it: room for the lease lines' two-line labels. */
export const leaseGap = 250;
const gap = 12; // px between stacked boxes of one node
const columnGap = 48; // px between the services column and the pools/overlay column

const besideKinds = new Set<GraphNodeSpec['kind']>(['pods', 'service', 'service-group', 'pending']);

/**
 * Places each node's pod CIDR and the LoadBalancer services it holds beside it (top-aligned
 * with the node, stacked), pending services after the last node, and the overlay and pools in
 * the next column. Run after every layout and whenever a lease moves, so a service's box sits
 * by its holder and moves with its lease, and a service that appears while the page was away
 * is placed exactly as on a first render (never where ELK's stale frame would put it).
 * Boxes left of the services column keep the positions they were given.
 */
export function placeBesideHolders(spec: GraphSpec, positions: ReadonlyMap<string, Box>): Map<string, Box> {
  const result = new Map(positions);
  const nodes = spec.nodes
    .filter((n) => n.kind === 'node' && positions.has(n.id))
    .sort((a, b) => positions.get(a.id)!.y - positions.get(b.id)!.y);
  if (nodes.length === 0) return result;
  const x = Math.max(...nodes.map((n) => positions.get(n.id)!.x + positions.get(n.id)!.width)) + leaseGap;
  const names = new Set(nodes.map((n) => n.id.slice('node:'.length)));
  const byHolder = new Map<string, GraphNodeSpec[]>();
  const loose: GraphNodeSpec[] = [];
  for (const box of spec.nodes) {
    if (!besideKinds.has(box.kind)) continue;
    const holder = box.kind === 'pods' ? box.id.slice('pods:'.length) : box.bundle?.slice('bundle:'.length);
    if (holder !== undefined && names.has(holder)) byHolder.set(holder, [...(byHolder.get(holder) ?? []), box]);
    else loose.push(box);
  }
  let cursor = -Infinity;
  let right = x;
  const place = (box: GraphNodeSpec) => {
    result.set(box.id, { x, y: cursor, width: box.width, height: box.height });
    cursor += box.height + gap;
    right = Math.max(right, x + box.width);
  };
  for (const node of nodes) {
    const stack = byHolder.get(node.id.slice('node:'.length)) ?? [];
    cursor = Math.max(cursor, positions.get(node.id)!.y);
    for (const box of stack) place(box);
  }
  for (const box of loose) place(box);
  // The overlay and the pools: one column further right, in their layout order.
  const next = spec.nodes.filter((n) => columns[n.kind] > columns.service && positions.has(n.id));
  for (const box of next) result.set(box.id, { ...positions.get(box.id)!, x: right + columnGap });
  return result;
}

/** Equal keys mean every box beside a node sits by the same node: no need to place them again. */
export function holdersKey(spec: GraphSpec): string {
  return spec.nodes
    .filter((n) => besideKinds.has(n.kind))
    .map((n) => `${n.id}@${n.bundle ?? ''}`)
    .join('|');
}
