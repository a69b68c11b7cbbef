/**
 * `npm run bench`'s one table: each thing Kindscope does beside what people would use instead,
 * measured in the same run (kubectl, `docker events`, the seed article's commands, the plan's
 * exported script, dnsmasq), as medians with min–max over the rounds, and the paired ratio or
 * difference. Written with every part's own figures to `bench-results/bench.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fmt, spread, type Spread } from './feel';

export interface AnchorRow {
  what: string;
  kindscope: Spread;
  anchor: Spread;
  anchorName: string;
  /** Kindscope over the anchor (×), or Kindscope minus the anchor (ms) when `difference`. */
  compared: Spread;
  kind: 'ratio' | 'difference';
  unit: string;
  /** Which way is better for Kindscope. */
  better: 'lower' | 'higher';
  /** The anchor is the moment Kindscope is timed from (kubectl printed it), not a figure of its own. */
  reference?: boolean;
}

type Parts = {
  feel?: Record<string, unknown>;
  topology?: { nodes: number; snapshots: number[]; article: number[] }[];
  create?: Record<string, unknown>;
  dns?: { runs: { kindscope: { qps: number }[]; dnsmasq: { qps: number }[] } };
};

const paired = (a: number[], b: number[], f: (x: number, y: number) => number) =>
  spread(
    a.slice(0, Math.min(a.length, b.length)).map((x, i) => f(x, b[i]!)),
    2,
  );

export function anchorRows(parts: Parts): AnchorRow[] {
  const rows: AnchorRow[] = [];
  const feel = parts.feel as
    | {
        cliStatus?: { kindscopeStatus: Spread; kubectlGet: Spread; ratio: Spread };
        stopToPush?: Record<string, Spread>;
        pushAfterDockerEvents?: { stop: Record<string, Spread> };
        ipAssignedToPushAfterKubectl?: { serveWebSocket: Spread; statusWatch: Spread };
      }
    | undefined;
  if (feel?.cliStatus)
    rows.push({
      what: 'one-shot `kindscope status --json`',
      kindscope: feel.cliStatus.kindscopeStatus,
      anchor: feel.cliStatus.kubectlGet,
      anchorName: '`kubectl get nodes,svc,leases -A -o json`',
      compared: feel.cliStatus.ratio,
      kind: 'ratio',
      unit: 'ms',
      better: 'lower',
    });
  if (feel?.stopToPush && feel.pushAfterDockerEvents)
    rows.push({
      what: '`docker stop` → the open page (serve WebSocket)',
      kindscope: feel.stopToPush['ws-status']!,
      anchor: feel.stopToPush.events!,
      anchorName: '`docker events` (die)',
      compared: feel.pushAfterDockerEvents.stop['ws-status']!,
      kind: 'difference',
      unit: 'ms after `docker stop` returned',
      better: 'lower',
    });
  if (feel?.ipAssignedToPushAfterKubectl)
    rows.push({
      what: 'LoadBalancer IP assigned → the open page',
      kindscope: feel.ipAssignedToPushAfterKubectl.serveWebSocket,
      anchor: { median: 0, min: 0, max: 0, n: feel.ipAssignedToPushAfterKubectl.serveWebSocket.n },
      anchorName: '`kubectl get svc -w`',
      compared: feel.ipAssignedToPushAfterKubectl.serveWebSocket,
      kind: 'difference',
      unit: 'ms after kubectl printed it',
      better: 'lower',
      reference: true,
    });
  for (const t of parts.topology ?? [])
    rows.push({
      what: `topology of a ${t.nodes}-node lab (bridge, veths, routes)`,
      kindscope: spread(t.snapshots),
      anchor: spread(t.article),
      anchorName: "the article's `docker network inspect` + `docker exec … ip route` per node",
      compared: paired(t.snapshots, t.article, (k, a) => k / a),
      kind: 'ratio',
      unit: 'ms',
      better: 'lower',
    });
  const create = parts.create as
    { kindscope?: { totals: Spread }; script?: { totals: Spread }; ratio?: Spread } | undefined;
  if (create?.kindscope && create.script && create.ratio)
    rows.push({
      what: '`kindscope create` (lab stand-ins)',
      kindscope: create.kindscope.totals,
      anchor: create.script.totals,
      anchorName: "the plan's exported script, same stand-ins",
      compared: create.ratio,
      kind: 'ratio',
      unit: 'ms',
      better: 'lower',
    });
  if (parts.dns && parts.dns.runs.dnsmasq.length > 0) {
    const ours = parts.dns.runs.kindscope.map((r) => r.qps);
    const theirs = parts.dns.runs.dnsmasq.map((r) => r.qps);
    rows.push({
      what: 'DNS names for LoadBalancer IPs, queries per second',
      kindscope: spread(ours),
      anchor: spread(theirs),
      anchorName: 'dnsmasq with the same names',
      compared: paired(ours, theirs, (k, d) => k / d),
      kind: 'ratio',
      unit: 'qps',
      better: 'higher',
    });
  }
  return rows;
}

export function formatAnchors(rows: AnchorRow[]): string {
  const line = (r: AnchorRow) =>
    `| ${r.what} | ${fmt(r.kindscope, r.unit === 'qps' ? 'qps' : 'ms')} | ${r.anchorName}: ` +
    `${r.reference ? 'the moment it printed the IP (each round timed from it)' : fmt(r.anchor, r.unit === 'qps' ? 'qps' : 'ms')} | ` +
    `${r.kind === 'ratio' ? fmt(r.compared, '×') : `${r.compared.median >= 0 ? '+' : ''}${fmt(r.compared, 'ms')}`} (${r.better} is better) |`;
  return (
    `\n| Kindscope beside what people would use instead | Kindscope, median (min–max, n) | the anchor, same run | ` +
    `Kindscope ÷ anchor, or Kindscope − anchor, round by round |\n|---|---|---|---|\n${rows.map(line).join('\n')}\n`
  );
}

export function writeBenchJson(content: Record<string, unknown>): string {
  const file = resolve(process.env.BENCH_JSON ?? join(import.meta.dirname, '..', 'bench-results', 'bench.json'));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(content, null, 2)}\n`);
  return file;
}
