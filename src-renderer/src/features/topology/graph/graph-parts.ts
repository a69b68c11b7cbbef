/** Sizes and words shared by the graph's builders, its renderer and the SVG export. */
import type { GraphNodeKind, GraphNodeSpec, Tone } from './graph-types';

export const lineHeight = 17; // px per fact line
export const headerHeight = 30; // px for the title row
const padding = 12; // px below the last line

const widths: Record<GraphNodeKind, number> = {
  host: 260,
  'engine-vm': 210,
  bridge: 240,
  veth: 250,
  node: 240,
  pods: 220,
  overlay: 240,
  service: 220,
  pending: 240,
  'service-group': 220,
  pool: 220,
};

export function boxSize(kind: GraphNodeKind, lines: readonly string[]): { width: number; height: number } {
  return { width: widths[kind], height: headerHeight + lines.length * lineHeight + padding };
}

/** "10:42:07": the local wall-clock time of an ISO timestamp, as the measurement's wording uses it. */
export function clockTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleTimeString('en-GB', { hour12: false });
}

export function graphNode(id: string, kind: GraphNodeKind, label: string, title: string, lines: string[], tone: Tone = 'normal', bundle?: string): GraphNodeSpec {
  return { id, kind, label, title, lines, tone, ...boxSize(kind, lines), ...(bundle ? { bundle } : {}) };
}

export const nodeId = (name: string) => `node:${name}`;
