import { columns, type Box, type GraphSpec } from './graph-types';

const gap = 18; // px kept between a new box and the ones already on screen

/**
 * A fresh layout merged into the one on screen: boxes that were already there keep their
 * position (the reader's mental map survives a node stopping or a lease moving); new boxes
 * take ELK's place in their column, moved down until they overlap nothing. When most of
 * the picture is new (another cluster, the Kubernetes side arriving: `sameEpoch` false), the
 * fresh layout is taken whole.
 */
export function keepPositions(
  previous: ReadonlyMap<string, Box> | undefined,
  fresh: ReadonlyMap<string, Box>,
  spec: GraphSpec,
  sameEpoch = true,
): Map<string, Box> {
  if (!previous || !sameEpoch) return new Map(fresh);
  const kept = [...fresh.keys()].filter((id) => previous.has(id));
  if (kept.length < fresh.size / 2) return new Map(fresh);
  const column = new Map(spec.nodes.map((n) => [n.id, columns[n.kind]]));
  const result = new Map<string, Box>();
  const columnX = new Map<number, number>();
  for (const id of kept) {
    const before = previous.get(id)!;
    const now = fresh.get(id)!;
    result.set(id, { x: before.x, y: before.y, width: now.width, height: now.height });
    const c = column.get(id) ?? -1;
    columnX.set(c, Math.min(columnX.get(c) ?? Infinity, before.x));
  }
  for (const [id, box] of fresh) {
    if (previous.has(id)) continue;
    const placed = { ...box, x: columnX.get(column.get(id) ?? -1) ?? box.x };
    for (let blocker = overlapping(placed, result); blocker; blocker = overlapping(placed, result))
      placed.y = blocker.y + blocker.height + gap;
    result.set(id, placed);
  }
  return result;
}

function overlapping(box: Box, boxes: ReadonlyMap<string, Box>): Box | undefined {
  for (const other of boxes.values()) {
    if (
      box.x < other.x + other.width &&
      other.x < box.x + box.width &&
      box.y < other.y + other.height + gap &&
      other.y < box.y + box.height + gap
    )
      return other;
  }
  return undefined;
}
