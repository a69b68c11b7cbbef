import { headerHeight, lineHeight } from './graph-parts';
import type { Box, GraphEdgeSpec, GraphNodeSpec, GraphSpec, Tone } from './graph-types';

export interface SvgPalette {
  background: string;
  box: string;
  border: string;
  text: string;
  muted: string;
  accent: string;
  tones: Record<Tone, string>;
  edges: Record<GraphEdgeSpec['kind'], string>;
}

export const lightPalette: SvgPalette = {
  background: '#f6f7f9',
  box: '#ffffff',
  border: '#c9d0da',
  text: '#1c2330',
  muted: '#5b6676',
  accent: '#2f6fde',
  tones: { normal: '#c9d0da', stopped: '#9aa3af', warn: '#b7791f', bad: '#c53030' },
  edges: {
    link: '#5b6676',
    veth: '#5b6676',
    pods: '#8b5cf6',
    overlay: '#8b5cf6',
    native: '#0e9f6e',
    lease: '#2f6fde',
    group: '#2f6fde',
    pool: '#b7791f',
    session: '#0e9f6e',
    nexthop: '#2f6fde',
  },
};

export const darkPalette: SvgPalette = {
  background: '#15181d',
  box: '#1d2128',
  border: '#39414d',
  text: '#e4e8ee',
  muted: '#99a3b1',
  accent: '#5b93f5',
  tones: { normal: '#39414d', stopped: '#5b6676', warn: '#ecc94b', bad: '#fc8181' },
  edges: {
    link: '#99a3b1',
    veth: '#99a3b1',
    pods: '#a78bfa',
    overlay: '#a78bfa',
    native: '#48bb78',
    lease: '#5b93f5',
    group: '#5b93f5',
    pool: '#ecc94b',
    session: '#48bb78',
    nexthop: '#5b93f5',
  },
};

const margin = 24; // px around the figure
const headingHeight = 56; // px: title and time above the figure
const legendHeight = 40; // px: one row of legend entries below it
const legendWidth = 760; // px the legend row needs

/** The live graph's legend (GraphLegend), as SVG lines and words. */
const legend: { kind: GraphEdgeSpec['kind']; label: string; dash?: string }[] = [
  { kind: 'link', label: 'route, bridge port, veth pair' },
  { kind: 'lease', label: 'lease held by (L2 announcement)' },
  { kind: 'overlay', label: 'tunnel overlay', dash: '6 4' },
  { kind: 'native', label: 'native routing', dash: '6 4' },
  { kind: 'pool', label: 'IP from a pool' },
];
/** BGP mode's lines, in the legend only when the figure has them. */
const bgpLegend: typeof legend = [
  { kind: 'session', label: 'BGP session (router-measured)' },
  { kind: 'nexthop', label: "router's next hop" },
];

function legendSvg(x: number, y: number, palette: SvgPalette, bgp = false): string {
  const items: string[] = [`<g><title>Legend</title>`];
  let cursor = x;
  for (const entry of bgp ? [...legend, ...bgpLegend] : legend) {
    const dash = entry.dash ? ` stroke-dasharray="${entry.dash}"` : '';
    items.push(
      `<path d="M${cursor},${y} h22" stroke="${palette.edges[entry.kind]}" stroke-width="${entry.kind === 'lease' ? 3 : 2}"${dash}/>`,
      `<text x="${cursor + 28}" y="${y + 4}" font-size="12" fill="${palette.muted}">${escapeXml(entry.label)}</text>`,
    );
    cursor += 40 + entry.label.length * 6.4;
  }
  items.push('</g>');
  return items.join('\n');
}
const font = "system-ui, -apple-system, 'Segoe UI', Roboto, Ubuntu, sans-serif";
const mono = "ui-monospace, 'SF Mono', Menlo, Consolas, monospace";

/**
 * The figure as a self-contained SVG: plain rect/path/text with every style as an
 * attribute (no <style>, no CSS variables, no foreignObject), so it renders the same in a
 * blog post, an image viewer or Inkscape.
 */
export function exportSvg(
  spec: GraphSpec,
  positions: ReadonlyMap<string, Box>,
  palette: SvgPalette = lightPalette,
  title = 'Kindscope topology',
  takenAt: Date = new Date(),
): string {
  const boxes = spec.nodes.map((n) => positions.get(n.id)).filter((b): b is Box => Boolean(b));
  const figureTop = Math.min(0, ...boxes.map((b) => b.y));
  const minX = Math.min(0, ...boxes.map((b) => b.x)) - margin;
  // A heading above the figure (its title and when it was taken) and the legend below it:
  // an exported picture is read away from the app, so it carries its own key and time.
  const minY = figureTop - margin - headingHeight;
  const figureBottom = Math.max(0, ...boxes.map((b) => b.y + b.height));
  const bgp = spec.edges.some((e) => e.kind === 'session');
  // BGP mode's two more legend entries need ~470 px more.
  const width = Math.max(
    legendWidth + (bgp ? 470 : 0),
    Math.max(0, ...boxes.map((b) => b.x + b.width)) - minX + margin,
  );
  const height = figureBottom - minY + margin + legendHeight;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" ` +
      `height="${Math.ceil(height)}" viewBox="${minX} ${minY} ${Math.ceil(width)} ` +
      `${Math.ceil(height)}" font-family="${escapeXml(font)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="${minX}" y="${minY}" width="${Math.ceil(width)}" height="${Math.ceil(height)}" fill="${palette.background}"/>`,
    `<text x="${minX + margin}" y="${minY + 28}" font-size="17" font-weight="600" fill="${palette.text}">${escapeXml(title)}</text>`,
    `<text x="${minX + margin}" y="${minY + 48}" font-size="12" ` +
      `fill="${palette.muted}">${escapeXml(`Taken ${takenAt.toISOString().replace('T', ' ').slice(0, 19)} UTC by Kindscope`)}</text>`,
    legendSvg(minX + margin, figureBottom + margin + 8, palette, bgp),
  ];
  for (const edge of spec.edges) {
    const source = positions.get(edge.source);
    const target = positions.get(edge.target);
    if (source && target) parts.push(edgeSvg(edge, source, target, palette));
  }
  for (const node of spec.nodes) {
    const box = positions.get(node.id);
    if (box) parts.push(nodeSvg(node, box, palette));
  }
  parts.push('</svg>');
  return parts.join('\n');
}

function edgeSvg(edge: GraphEdgeSpec, source: Box, target: Box, palette: SvgPalette): string {
  const [x1, y1] = [source.x + source.width, source.y + source.height / 2];
  const [x2, y2] = [target.x, target.y + target.height / 2];
  const bend = Math.max(40, Math.abs(x2 - x1) / 2);
  const color =
    edge.tone === 'bad'
      ? palette.tones.bad
      : edge.tone === 'stopped'
        ? palette.tones.stopped
        : palette.edges[edge.kind];
  const dash =
    edge.kind === 'overlay' || edge.kind === 'native'
      ? ' stroke-dasharray="6 4"'
      : edge.tone === 'stopped'
        ? ' stroke-dasharray="2 4"'
        : '';
  const path =
    `<path d="M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}" fill="none" ` +
    `stroke="${color}" stroke-width="${edge.kind === 'lease' ? 2 : 1.5}"${dash}><title>${escapeXml(edge.label)}</title></path>`;
  if (!edge.text) return path;
  // Where the live graph puts a lease label (LeaseEdge): right-aligned above the line's end; one fact a line.
  const lease = edge.kind === 'lease' || edge.kind === 'session';
  const [mx, my] = lease ? [x2 - 8, y2 - 6] : [(x1 + x2) / 2, (y1 + y2) / 2 - 4];
  const lines = edge.text.split('\n');
  const spans = lines.map((line, i) => `<tspan x="${mx}" dy="${i === 0 ? 0 : 14}">${escapeXml(line)}</tspan>`).join('');
  const top = lease ? my - (lines.length - 1) * 14 : my;
  return `${path}\n<text x="${mx}" y="${top}" text-anchor="${lease ? 'end' : 'middle'}" font-size="11.5" fill="${palette.text}">${spans}</text>`;
}

function nodeSvg(node: GraphNodeSpec, box: Box, palette: SvgPalette): string {
  const stroke =
    node.tone === 'normal'
      ? node.kind === 'service' || node.kind === 'service-group'
        ? palette.accent
        : palette.border
      : palette.tones[node.tone];
  const opacity = node.tone === 'stopped' ? ' opacity="0.6"' : '';
  const dash = node.kind === 'pending' ? ' stroke-dasharray="5 3"' : '';
  const lines = node.lines.map(
    (line, i) =>
      `<text x="${box.x + 12}" y="${box.y + headerHeight + i * lineHeight + 8}" font-size="11.5" ` +
      `font-family="${escapeXml(mono)}" fill="${palette.muted}">${escapeXml(line)}</text>`,
  );
  return [
    `<g${opacity}><title>${escapeXml(node.label)}</title>`,
    `<rect x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" rx="8" fill="${palette.box}" stroke="${stroke}" stroke-width="1.5"${dash}/>`,
    `<text x="${box.x + 12}" y="${box.y + 21}" font-size="13" font-weight="600" fill="${palette.text}">${escapeXml(node.title)}</text>`,
    ...lines,
    '</g>',
  ].join('\n');
}

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}
