/** Sizes and words shared by the graph's builders, its renderer and the SVG export. */
import type { GraphNodeKind, GraphNodeSpec, Tone } from './graph-types';

export const lineHeight = 17; // px per fact line
export const headerHeight = 30; // px for the title row
const padding = 12; // px below the last line

const widths: Record<GraphNodeKind, number> = {
  host: 220,
  'engine-vm': 190,
  bridge: 200,
  veth: 210,
  node: 240, // fits "worker · running · NotReady": readiness flapping must not resize (and re-lay out) the box
  pods: 180,
  overlay: 200,
  service: 190,
  pending: 210,
  'service-group': 190,
  pool: 180,
  router: 240,
};

const monoCharWidth = 6.95; // px per character of the 11.5 px monospace fact lines
const titleCharWidth = 8.2; // px per character of the 13 px bold title
const maxWidth = 320; // px: longer lines are ellipsised (the side panel has them whole)

/** A box wide enough for its text (a figure with cut-off addresses is no figure), and tall enough for its lines. */
export function boxSize(kind: GraphNodeKind, lines: readonly string[], title = ''): { width: number; height: number } {
  const text = Math.max(...lines.map((l) => l.length * monoCharWidth), title.length * titleCharWidth) + 36; // + padding and the coloured left border
  return {
    width: Math.min(maxWidth, Math.max(widths[kind], Math.ceil(text / 20) * 20)),
    height: headerHeight + lines.length * lineHeight + padding,
  };
}

/** "10:42:07": the local wall-clock time of an ISO timestamp, as the measurement's wording uses it. */
export function clockTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleTimeString('en-GB', { hour12: false });
}

export function graphNode(
  id: string,
  kind: GraphNodeKind,
  label: string,
  title: string,
  lines: string[],
  tone: Tone = 'normal',
  bundle?: string,
): GraphNodeSpec {
  return { id, kind, label, title, lines, tone, ...boxSize(kind, lines, title), ...(bundle ? { bundle } : {}) };
}

export const nodeId = (name: string) => `node:${name}`;
