import { columns, type Box, type GraphSpec } from './graph-types';

/**
 * Arrow keys between boxes: Right/Left follow the figure's lines downstream/upstream (the
 * nearest connected box), Up/Down go to the box above/below in the same column.
 */
export function neighbourInDirection(
  spec: GraphSpec,
  positions: ReadonlyMap<string, Box>,
  from: string,
  key: string,
): string | undefined {
  const origin = positions.get(from);
  if (!origin) return undefined;
  const centre = (b: Box) => b.y + b.height / 2;
  const nearest = (ids: string[]) =>
    ids
      .filter((id) => positions.has(id))
      .sort(
        (a, b) =>
          Math.abs(centre(positions.get(a)!) - centre(origin)) - Math.abs(centre(positions.get(b)!) - centre(origin)),
      )[0];
  if (key === 'ArrowRight') return nearest(spec.edges.filter((e) => e.source === from).map((e) => e.target));
  if (key === 'ArrowLeft') return nearest(spec.edges.filter((e) => e.target === from).map((e) => e.source));
  if (key !== 'ArrowUp' && key !== 'ArrowDown') return undefined;
  // ELK centres boxes of different widths in their layer, so the column is the box's kind's, not its x.
  const column = new Map(spec.nodes.map((n) => [n.id, columns[n.kind]]));
  const sameColumn = [...positions].filter(([id]) => id !== from && column.get(id) === column.get(from));
  const candidates = sameColumn.filter(([, box]) => (key === 'ArrowDown' ? box.y > origin.y : box.y < origin.y));
  candidates.sort(([, a], [, b]) => (key === 'ArrowDown' ? a.y - b.y : b.y - a.y));
  return candidates[0]?.[0];
}
