/**
 * `npm run bench`: topology snapshot time for lab clusters of 2, 8 and 32 nodes, beside
 * the seed article's way (`docker network inspect` then one `docker exec … ip route` per
 * node, one after another), and the delay from a node container dying to the pushed
 * change. Prints a table and the same numbers as JSON. BENCH_SIZES=2,8 to choose sizes.
 * Then the cluster status (bench/status.ts, BENCH_STATUS=0 skips) and DNS names (bench/dns.ts, BENCH_DNS=0 skips).
 * First of all, what people feel (bench/feel.ts: serve start, first paint, bundles, CLI status vs
 * kubectl, stop → push vs docker events, IP → push vs kubectl -w; BENCH_FEEL=0 skips, BENCH_ONLY=feel only it).
 */
import { spawnSync } from 'node:child_process';
import { createDockerClient } from '../src-main/core/docker/docker-client';
import { defaultEndpointEnvironment, resolveDockerEndpoint } from '../src-main/core/docker/docker-endpoint';
import { DockerEngineService } from '../src-main/core/docker/docker-engine-service';
import { TopologyService } from '../src-main/core/topology/topology-service';
import { createStderrLogger } from '../src-main/core/util/logger';
import { printGraphBench } from './graph/topology-graph-bench';
import { startLabCluster, type LabCluster } from '../e2e/lab/lab-cluster.ts';
import { benchStatus } from './status';
import { benchCreate, formatCreateBench } from './create';
import { benchDns, formatDnsTable } from './dns';
import { benchFeel, formatFeel, spread, writeFeelJson } from './feel';
import { anchorRows, formatAnchors, writeBenchJson } from './anchors';

// BENCH_ONLY=graph: only the renderer's graph benchmark (no lab cluster, ~20 s).
if (process.env.BENCH_ONLY === 'graph') {
  await printGraphBench();
  process.exit(0);
}
// What people feel (issue 31; bench/feel.ts): first, while the machine is as quiet as it gets.
// BENCH_ONLY=feel runs only it; BENCH_FEEL=0 skips it.
// Every part's figures, for the one table at the end and bench-results/bench.json.
const all: Record<string, unknown> = { benchmark: 'all' };
let feel: Record<string, unknown> | undefined;
if (process.env.BENCH_FEEL !== '0') {
  feel = await benchFeel();
  all.feel = feel;
  const file = writeFeelJson(feel);
  process.stdout.write(`${formatFeel(feel)}(JSON: ${file})\n${JSON.stringify(feel, null, 2)}\n`);
  if (process.env.BENCH_ONLY === 'feel') process.exit(0);
}

const sizes = (process.env.BENCH_SIZES ?? '2,8,32').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 10);

/** The median (of an even count, the mean of the middle two), as the one table's figures. */
const median = (values: number[]): number => spread(values).median;

function articleWay(cluster: LabCluster): number {
  const started = performance.now();
  spawnSync('docker', ['network', 'inspect', 'kind'], { encoding: 'utf8' });
  for (const node of cluster.nodeNames) spawnSync('docker', ['exec', node, 'ip', 'route'], { encoding: 'utf8' });
  return performance.now() - started;
}

interface Row {
  nodes: number;
  snapshotMedianMs: number;
  snapshotMinMs: number;
  articleWayMedianMs: number;
  speedup: number;
  pushDelayMs: number;
}

const log = createStderrLogger('bench', 'warn');
const endpoint = resolveDockerEndpoint(defaultEndpointEnvironment());
const engine = new DockerEngineService({ endpoint, docker: createDockerClient(endpoint), log });
const topology = new TopologyService({ engine, log });
engine.start();
const rows: Row[] = [];
const raw: { nodes: number; snapshots: number[]; article: number[] }[] = [];

for (const size of sizes) {
  process.stderr.write(`creating a ${size}-node lab cluster…\n`);
  const cluster = await startLabCluster({ name: `bench-${size}`, workers: size - 1 });
  try {
    await topology.snapshot(cluster.name);
    const snapshots: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const started = performance.now();
      const result = await topology.snapshot(cluster.name);
      snapshots.push(performance.now() - started);
      if (result.nodes.length !== size || result.nodes.some((n) => !n.veth))
        throw new Error(`incomplete snapshot of ${cluster.name}`);
    }
    const article: number[] = [];
    // Interleaved with Kindscope's own rounds would be fairer to a drifting machine; one after the
    // other keeps each warm. The same number of rounds: the ratio is paired by round.
    for (let i = 0; i < runs; i += 1) article.push(articleWay(cluster));
    raw.push({ nodes: size, snapshots, article });

    // Push delay: from killing a node to the pushed model showing it stopped.
    const victim = cluster.nodeNames.at(-1)!;
    const pushed = new Promise<number>((resolve) => {
      const subscription = topology.onDidChangeTopology((model) => {
        if (model.name === cluster.name && model.nodes.find((n) => n.name === victim)?.running === false) {
          subscription.dispose();
          resolve(performance.now());
        }
      });
    });
    const killedAt = performance.now();
    await engine.docker.getContainer(victim).kill();
    const pushDelay = (await pushed) - killedAt;

    const snapshotMedian = median(snapshots);
    const articleMedian = median(article);
    rows.push({
      nodes: size,
      snapshotMedianMs: Math.round(snapshotMedian),
      snapshotMinMs: Math.round(Math.min(...snapshots)),
      articleWayMedianMs: Math.round(articleMedian),
      speedup: Math.round((articleMedian / snapshotMedian) * 10) / 10,
      pushDelayMs: Math.round(pushDelay),
    });
  } finally {
    await cluster.down();
  }
}
await topology.dispose();
engine.dispose();

const header = ['nodes', 'snapshot median ms', 'snapshot min ms', "article's way ms", 'speed-up', 'stop→push ms'];
const table = rows.map((r) =>
  [r.nodes, r.snapshotMedianMs, r.snapshotMinMs, r.articleWayMedianMs, `${r.speedup}×`, r.pushDelayMs].map(String),
);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i]!)).join(' | ')} |`;
process.stdout.write(
  `${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${table.map(line).join('\n')}\n`,
);
const first = rows.find((r) => r.nodes === Math.min(...sizes));
const last = rows.find((r) => r.nodes === Math.max(...sizes));
const summary = {
  benchmark: 'topology',
  runs,
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  rows,
  ratioLargestToSmallest:
    first && last ? Math.round((last.snapshotMedianMs / first.snapshotMedianMs) * 10) / 10 : undefined,
};
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
all.topology = { ...summary, raw };
// The renderer's Topology graph at 50 nodes / 500 services (bench/graph; BENCH_GRAPH=0 skips).
if (process.env.BENCH_GRAPH !== '0') await printGraphBench();

if (process.env.BENCH_STATUS !== '0') {
  const status = await benchStatus();
  const change = status.changeToPush as { medianMsAfterKubectl: number; minMs: number; maxMs: number; rounds: number };
  const memory = status.memory as {
    nodes: number;
    services: number;
    watchedServices: number;
    heapGrowthMiB: number;
    rssMiB: number;
  };
  process.stdout.write(
    `\n| cluster status | value |\n|---|---|\n| service gets its IP → pushed, after kubectl -w ` +
      `(median of ${change.rounds}) | ${change.medianMsAfterKubectl} ms (min ${change.minMs}, ` +
      `max ${change.maxMs}) |\n| heap for ${memory.nodes} nodes and ${memory.watchedServices} ` +
      `services watched (${memory.services} LoadBalancer) | +${memory.heapGrowthMiB} MiB ` +
      `(RSS ${memory.rssMiB} MiB) |\n`,
  );
  process.stdout.write(`${JSON.stringify({ benchmark: 'cluster-status', ...status }, null, 2)}\n`);
  all.status = status;
}
if (process.env.BENCH_CREATE !== '0') {
  const create = await benchCreate();
  process.stdout.write(formatCreateBench(create));
  process.stdout.write(`${JSON.stringify({ benchmark: 'create', ...create }, null, 2)}\n`);
  all.create = create;
}
if (process.env.BENCH_DNS !== '0') {
  const dns = await benchDns();
  process.stdout.write(
    `\n${formatDnsTable(dns.rows)}${dns.note ? `(${dns.note})\n` : ''}${JSON.stringify({ benchmark: 'dns', ...dns }, null, 2)}\n`,
  );
  all.dns = dns;
}
const anchors = anchorRows({
  ...(feel ? { feel } : {}),
  topology: raw,
  ...(all.create ? { create: all.create as Record<string, unknown> } : {}),
  ...(all.dns ? { dns: all.dns as Parameters<typeof anchorRows>[0]['dns'] & object } : {}),
});
all.anchors = anchors;
process.stdout.write(`${formatAnchors(anchors)}(JSON, every part: ${writeBenchJson(all)})\n`);
process.exit(0);
