import { columns, type Box, type GraphSpec } from './graph-types';

const columnGap = 48; // px, as ELK's between-layer spacing
const rowGap = 18; // px
const stackGap = 10; // px between stacked services

/**
 * A first picture in one pass, drawn while ELK works (a 50-node / 500-service cluster takes
 * it a second or more on a busy 2-core machine): columns by kind, one row per node holding
 * its veth pair, the node, its pod CIDR and the services it holds; everything else stacked
 * at the top of its column. ELK's layout replaces it as soon as it arrives.
 */
export function provisionalLayout(spec: GraphSpec): Map<string, Box> {
  const widths = new Map<number, number>();
  for (const node of spec.nodes)
    widths.set(columns[node.kind], Math.max(widths.get(columns[node.kind]) ?? 0, node.width));
  const columnX = new Map<number, number>();
  let x = 0;
  for (const column of [...widths.keys()].sort((a, b) => a - b)) {
    columnX.set(column, x);
    x += widths.get(column)! + columnGap;
  }
  const owner = (id: string, bundle: string | undefined) =>
    /^(veth|node|pods):/.test(id)
      ? id.slice(id.indexOf(':') + 1)
      : bundle?.startsWith('bundle:') && bundle !== 'bundle:unattached'
        ? bundle.slice('bundle:'.length)
        : undefined;
  const rows = new Map<string, typeof spec.nodes>();
  const loose: typeof spec.nodes = [];
  for (const node of spec.nodes) {
    const name = owner(node.id, node.bundle);
    if (name === undefined) loose.push(node);
    else rows.set(name, [...(rows.get(name) ?? []), node]);
  }
  const positions = new Map<string, Box>();
  let y = 0;
  for (const members of rows.values()) {
    const cursor = new Map<number, number>();
    for (const node of members) {
      const column = columns[node.kind];
      const top = cursor.get(column) ?? y;
      positions.set(node.id, { x: columnX.get(column)!, y: top, width: node.width, height: node.height });
      cursor.set(column, top + node.height + (node.bundle ? stackGap : rowGap));
    }
    y = Math.max(y, ...cursor.values()) + rowGap;
  }
  const looseCursor = new Map<number, number>();
  for (const node of loose) {
    const column = columns[node.kind];
    const used = [...positions.values()]
      .filter((b) => b.x === columnX.get(column))
      .reduce((bottom, b) => Math.max(bottom, b.y + b.height + rowGap), 0);
    const top = looseCursor.get(column) ?? used;
    positions.set(node.id, { x: columnX.get(column)!, y: top, width: node.width, height: node.height });
    looseCursor.set(column, top + node.height + rowGap);
  }
  return positions;
}
