import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import { columns, type Box, type GraphSpec } from './graph-types';

/** The part of elkjs the layout needs: the worker build in the app, the bundled build in tests. */
export type LayoutEngine = Pick<ELK, 'layout'>;

const bundleGap = 10; // px between stacked services
const nodeGap = 18; // px between boxes in a column

/**
 * ELK layered, left to right, one partition per column (this machine → bridge → veths →
 * nodes → pods → overlay → services → pools), so a box with no edges (a `<pending>`
 * service, a pool) still lands in its column. Crossing minimisation is off and the model
 * order is kept: the builder already orders boxes (nodes by name, services by holder),
 * and it keeps 50 nodes / 500 services at ~150 ms instead of seconds (measured, see bench).
 */
const layoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.partitioning.activate': 'true',
  'elk.layered.spacing.nodeNodeBetweenLayers': '48',
  'elk.spacing.nodeNode': String(nodeGap),
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.crossingMinimization.strategy': 'NONE',
  'elk.layered.layering.strategy': 'LONGEST_PATH',
  'elk.edgeRouting': 'POLYLINE',
};

/**
 * ELK's input: every box except services, which are stacked per lease holder into one
 * "bundle" box each. Services of one holder sit together anyway, and ELK's cost grows
 * fast with box count (500 separate services: ~10 s; bundled: ~0.2 s).
 */
/** Above this many boxes ELK's simple node placement is used: ~30% faster, alignment a little looser. */
const largeAbove = 150;

export function elkInput(spec: GraphSpec): ElkNode {
  const large = spec.nodes.length > largeAbove;
  // Pools without lines (big pictures draw none) are one stack for ELK, like services.
  const poolsLoose = !spec.edges.some((e) => e.kind === 'pool');
  const bundleOf = new Map<string, string>();
  const bundles = new Map<string, { width: number; height: number }>();
  const children: ElkNode[] = [];
  for (const node of spec.nodes) {
    const partition = { 'elk.partitioning.partition': String(columns[node.kind]) };
    const bundleId = node.bundle ?? (poolsLoose && node.kind === 'pool' ? 'bundle:pools' : undefined);
    if (!bundleId) {
      children.push({ id: node.id, width: node.width, height: node.height, layoutOptions: partition });
      continue;
    }
    bundleOf.set(node.id, bundleId);
    const bundle = bundles.get(bundleId);
    if (!bundle) {
      bundles.set(bundleId, { width: node.width, height: node.height });
      children.push({ id: bundleId, width: node.width, height: node.height, layoutOptions: partition });
    } else {
      bundle.width = Math.max(bundle.width, node.width);
      bundle.height += bundleGap + node.height;
    }
  }
  for (const child of children) {
    const bundle = bundles.get(child.id);
    if (bundle) Object.assign(child, bundle);
  }
  const seen = new Set<string>();
  const edges: ElkExtendedEdge[] = [];
  for (const edge of spec.edges) {
    const source = bundleOf.get(edge.source) ?? edge.source;
    const target = bundleOf.get(edge.target) ?? edge.target;
    const key = `${source}>${target}`;
    if (source === target || seen.has(key)) continue;
    seen.add(key);
    edges.push({ id: key, sources: [source], targets: [target] });
  }
  return {
    id: 'root',
    layoutOptions: large ? { ...layoutOptions, 'elk.layered.nodePlacement.strategy': 'SIMPLE' } : layoutOptions,
    children,
    edges,
  };
}

/** Positions of every box: ELK's for plain boxes, stacked inside their bundle for services. */
export function expandLayout(spec: GraphSpec, laidOut: ElkNode): Map<string, Box> {
  const poolsBundled = (laidOut.children ?? []).some((c) => c.id === 'bundle:pools');
  const placed = new Map((laidOut.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
  const cursor = new Map<string, number>();
  const positions = new Map<string, Box>();
  for (const node of spec.nodes) {
    const bundle = node.bundle ?? (poolsBundled && node.kind === 'pool' ? 'bundle:pools' : undefined);
    const anchor = placed.get(bundle ?? node.id) ?? { x: 0, y: 0 };
    let y = anchor.y;
    if (bundle) {
      y = cursor.get(bundle) ?? anchor.y;
      cursor.set(bundle, y + node.height + bundleGap);
    }
    positions.set(node.id, { x: anchor.x, y, width: node.width, height: node.height });
  }
  return positions;
}

export async function layoutGraph(spec: GraphSpec, engine: LayoutEngine): Promise<Map<string, Box>> {
  return expandLayout(spec, await engine.layout(elkInput(spec)));
}

/** Equal keys mean equal boxes: the layout can be reused as it is, no ELK run. */
export function structureKey(spec: GraphSpec): string {
  // Bundles are left out: a service changing holder keeps its box where it is (its line moves), so no re-layout.
  return spec.nodes.map((n) => `${n.id}:${n.width}x${n.height}`).join('|');
}
