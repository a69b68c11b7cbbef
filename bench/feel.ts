/**
 * `npm run bench` (issue 31): what people feel, each beside its anchor measured in the same
 * run — serve's start (built entry and `npm run serve`), the first paint of Home in Chromium,
 * the renderer's bundles with Topology split out, a one-shot `kindscope status` beside
 * `kubectl get nodes,svc,leases -A`, `docker stop`/`docker start` → the pushed change at a
 * WebSocket client of serve and at `status --watch --json` beside `docker events`, and a
 * LoadBalancer IP assigned → pushed beside `kubectl get svc -w`. BENCH_RUNS rounds (≥ 10 by
 * default); medians with min–max. Writes bench-results/feel.json (BENCH_FEEL_JSON elsewhere).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';
import { ensureBuilt } from '../scripts/built.mjs';
import { kubectlOk } from '../e2e/lab/lab-api.ts';
import { labEnv, startLabCluster, type LabCluster } from '../e2e/lab/lab-cluster.ts';

const root = resolve(import.meta.dirname, '..');
const runs = Math.max(Number(process.env.BENCH_RUNS ?? 10), 1);
const say = (text: string) => process.stderr.write(`feel: ${text}\n`);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function spread(values: number[], digits = 1): Spread {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const r = (n: number) => Math.round(n * 10 ** digits) / 10 ** digits;
  return { median: r(median), min: r(sorted[0]!), max: r(sorted.at(-1)!), n: sorted.length };
}

export const fmt = (s: Spread, unit = 'ms') => `${s.median} ${unit} (${s.min}–${s.max}, n=${s.n})`;

/** Lines of a child's stdout, each with the time it arrived here. */
function lines(child: ChildProcess, onLine: (line: string, at: number) => void): void {
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const at = performance.now();
    buffer += chunk.toString();
    let index;
    while ((index = buffer.indexOf('\n')) >= 0) {
      onLine(buffer.slice(0, index), at);
      buffer = buffer.slice(index + 1);
    }
  });
}

/** Starts serve (argv after node), resolves with its URL and the time it took to print it. */
async function startServe(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ url: string; ms: number; child: ChildProcess; stop(): Promise<void> }> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-10_000)));
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve printed no URL in 60 s:\n${output}`)), 60_000);
    lines(child, (line) => {
      const match = /serving at (http:\/\/\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        done(match[1]!);
      }
    });
    child.once('exit', (code) => fail(new Error(`serve exited (${code}):\n${output}`)));
  });
  const ms = performance.now() - started;
  return {
    url,
    ms,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((done) => child.once('exit', done));
      process.kill(-child.pid!, 'SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
    },
  };
}

function bundles() {
  const assets = join(root, 'out/renderer/assets');
  const files = readdirSync(assets);
  const gz = (match: (f: string) => boolean) =>
    Math.round(files.filter(match).reduce((sum, f) => sum + gzipSync(readFileSync(join(assets, f))).length, 0) / 1024);
  const html = readFileSync(join(root, 'out/renderer/index.html'), 'utf8');
  const onFirstLoad = [...html.matchAll(/(?:src|href)="\.\/assets\/([^"]+)"/g)].map((m) => m[1]!);
  return {
    firstLoadJsGzipKiB: gz((f) => onFirstLoad.includes(f) && f.endsWith('.js')),
    firstLoadCssGzipKiB: gz((f) => onFirstLoad.includes(f) && f.endsWith('.css')),
    topologyChunkGzipKiB: gz((f) => f.startsWith('TopologyPage-')),
    layoutWorkerGzipKiB: gz((f) => f.startsWith('elk-layout.worker')),
    elkFallbackGzipKiB: gz((f) => f.startsWith('elk.bundled')),
    firstLoadFiles: onFirstLoad,
  };
}

/** One WebSocket client of serve, as the page is: token cookie, same-origin Origin. */
async function serveClient(url: string) {
  const page = new URL(url);
  const token = page.searchParams.get('token')!;
  const socket = new WebSocket(`ws://${page.host}/ws`, {
    headers: { Cookie: `kindscope_token=${token}`, Origin: page.origin },
  });
  await new Promise((done, fail) => socket.once('open', done).once('error', fail));
  let seq = 0;
  const waiting = new Map<number, (value: unknown) => void>();
  const listeners = new Set<(event: string, payload: unknown, at: number) => void>();
  socket.on('message', (data) => {
    const at = performance.now();
    const message = JSON.parse(String(data)) as { type: string; seq?: number; event?: string; payload?: unknown };
    if (message.type === 'result') waiting.get(message.seq!)?.(message);
    else for (const listener of listeners) listener(message.event!, message.payload, at);
  });
  return {
    subscribe: (event: string) => socket.send(JSON.stringify({ type: 'subscribe', event })),
    invoke: (call: string, input: unknown) =>
      new Promise((done, fail) => {
        seq += 1;
        const timer = setTimeout(() => fail(new Error(`${call}: no answer from serve in 180 s`)), 180_000);
        waiting.set(seq, (value) => {
          clearTimeout(timer);
          done(value);
        });
        socket.send(JSON.stringify({ type: 'invoke', seq, call, input }));
      }),
    onEvent: (listener: (event: string, payload: unknown, at: number) => void) => listeners.add(listener),
    close: () => socket.close(),
  };
}

interface StatusDoc {
  cluster: string;
  nodes: { name: string; container?: { running: boolean } }[];
  services: { name: string; externalIPs: string[] }[];
}
interface TopologyDoc {
  name: string;
  nodes: { name: string; running: boolean }[];
}

/**
 * Run in the page before its own code: when Home's heading enters the page and when the engine's
 * status pill first says Reachable or Offline (serve's data), seen from inside the page — not when
 * this script next asks, which would add Playwright's round trips to the figures.
 */
const watchHomeScript = `
  window.kindscopeFeel = {};
  new MutationObserver((_, observer) => {
    const seen = window.kindscopeFeel;
    if (seen.headingAt === undefined && document.querySelector('h1')) seen.headingAt = performance.now();
    const pill = [...document.querySelectorAll('main [role="status"]')].find((e) => /Reachable|Offline/.test(e.textContent || ''));
    if (seen.engineAt === undefined && pill) seen.engineAt = performance.now();
    if (seen.headingAt !== undefined && seen.engineAt !== undefined) observer.disconnect();
  }).observe(document, { subtree: true, childList: true, characterData: true });
`;

export async function benchFeel(): Promise<Record<string, unknown>> {
  ensureBuilt();
  const result: Record<string, unknown> = {
    benchmark: 'feel',
    runs,
    machine: { cpus: cpus().length, node: process.version, loadAtStart: loadavg().map((l) => Math.round(l * 10) / 10) },
  };
  const home = mkdtempSync(join(tmpdir(), 'kindscope-feel-'));
  const env = { ...process.env, KINDSCOPE_HOME: home, KINDSCOPE_TOKEN: randomBytes(16).toString('hex') };

  // Bundles.
  result.bundles = bundles();

  const parts = (process.env.BENCH_FEEL_PARTS ?? 'serve,paint,cluster').split(',');
  // Serve start: the built entry, and `npm run serve` (its hash check included; no build runs).
  if (parts.includes('serve')) {
    say('serve start…');
    const direct: number[] = [];
    const viaNpm: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const a = await startServe(process.execPath, [join(root, 'out/main/serve.js'), '--port', '0'], env);
      direct.push(a.ms);
      await a.stop();
      const b = await startServe('npm', ['run', '-s', 'serve', '--', '--port', '0'], env);
      viaNpm.push(b.ms);
      await b.stop();
    }
    result.serveStart = { builtEntry: spread(direct), npmRunServe: spread(viaNpm) };
  }
  if (parts.includes('paint')) {
    // First paint of Home (a fresh browser context each time: nothing cached).
    say('first paint…');
    const serve = await startServe(process.execPath, [join(root, 'out/main/serve.js'), '--port', '0'], env);
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    try {
      const fcp: number[] = [];
      const homeShown: number[] = [];
      const engineShown: number[] = [];
      let topologyLoadedOnHome = false;
      for (let i = 0; i < runs; i += 1) {
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.addInitScript({ content: watchHomeScript });
        await page.goto(serve.url);
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        await page.waitForFunction('window.kindscopeFeel.engineAt !== undefined');
        const seen = (await page.evaluate('window.kindscopeFeel')) as { headingAt: number; engineAt: number };
        const timing = await page.evaluate(() => ({
          fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
          resources: performance.getEntriesByType('resource').map((r) => r.name),
        }));
        fcp.push(timing.fcp);
        homeShown.push(seen.headingAt);
        engineShown.push(seen.engineAt);
        if (timing.resources.some((name) => /TopologyPage-|elk/.test(name))) topologyLoadedOnHome = true;
        await context.close();
      }
      result.firstPaint = {
        firstContentfulPaint: spread(fcp),
        homeHeadingShown: spread(homeShown),
        engineStatusShown: spread(engineShown),
        topologyLoadedOnHome,
      };
    } finally {
      await browser.close();
      await serve.stop();
    }
  }
  if (!parts.includes('cluster')) return result;

  // BENCH_FEEL_CLUSTER: an existing lab cluster with 2 workers (KUBECONFIG names it) instead of a new one.
  const existing = process.env.BENCH_FEEL_CLUSTER;
  say(existing ? `using lab cluster ${existing}` : 'creating a lab cluster…');
  const cluster: LabCluster = existing
    ? {
        name: existing,
        kubeconfig: process.env.KUBECONFIG ?? '',
        env: labEnv({ KUBECONFIG: process.env.KUBECONFIG }),
        nodeNames: [`${existing}-control-plane`, `${existing}-worker`, `${existing}-worker2`],
        down: async () => undefined,
      }
    : await startLabCluster({ name: `feel-${randomBytes(2).toString('hex')}`, workers: 2, cilium: { pool: 'auto' } });
  try {
    if (!existing) kubectlOk(cluster, ['create', 'deployment', 'web', '--image=nginx', '--replicas=1']);
    if (!parts.includes('no-status'))
      result.cliStatus = cliStatus(cluster, { ...env, ...cluster.env, KINDSCOPE_HOME: home });
    Object.assign(result, await pushes(cluster, { ...env, ...cluster.env, KINDSCOPE_HOME: home }));
  } finally {
    await cluster.down();
    rmSync(home, { recursive: true, force: true });
  }
  return result;
}

function cliStatus(cluster: LabCluster, env: NodeJS.ProcessEnv) {
  say('CLI status beside kubectl…');
  const time = (command: string, args: string[]) => {
    const started = performance.now();
    const ran = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (ran.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${ran.stderr}`);
    return performance.now() - started;
  };
  const ours: number[] = [];
  const theirs: number[] = [];
  const ratios: number[] = [];
  const npmRun: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const k = time('kubectl', ['--context', `kind-${cluster.name}`, 'get', 'nodes,svc,leases', '-A', '-o', 'json']);
    const o = time(process.execPath, [join(root, 'out/main/cli.js'), 'status', '--cluster', cluster.name, '--json']);
    theirs.push(k);
    ours.push(o);
    ratios.push(o / k);
    if (i < 3) npmRun.push(time('npm', ['run', '-s', 'cli', '--', 'status', '--cluster', cluster.name, '--json']));
  }
  return {
    kindscopeStatus: spread(ours),
    kubectlGet: spread(theirs),
    ratio: spread(ratios),
    npmRunCliStatus: spread(npmRun),
  };
}

async function pushes(cluster: LabCluster, env: NodeJS.ProcessEnv) {
  say('serve for the pushes…');
  const serve = await startServe(process.execPath, [join(root, 'out/main/serve.js'), '--port', '0'], env);
  const client = await serveClient(serve.url);
  say('following the cluster…');
  const watch = spawn(
    process.execPath,
    [join(root, 'out/main/cli.js'), 'status', '--cluster', cluster.name, '--watch', '--json'],
    { env, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const victim = cluster.nodeNames.at(-1)!;
  const events = spawn('docker', ['events', '--filter', `container=${victim}`, '--format', '{{.Action}}'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const kubectlWatch = spawn('kubectl', ['--context', `kind-${cluster.name}`, 'get', 'svc', '-w', '--no-headers'], {
    env,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  // First sightings, keyed by what was seen.
  const seen = new Map<string, number>();
  const mark = (key: string, at: number) => {
    if (!seen.has(key)) seen.set(key, at);
  };
  client.onEvent((event, payload, at) => {
    if (event === 'topology:changed') {
      const doc = payload as TopologyDoc;
      const node = doc.name === cluster.name ? doc.nodes.find((n) => n.name === victim) : undefined;
      if (node) mark(`ws-topology:${node.running ? 'up' : 'down'}`, at);
    } else if (event === 'cluster:status-changed') {
      const doc = payload as StatusDoc;
      if (doc.cluster !== cluster.name) return;
      const node = doc.nodes.find((n) => n.name === victim);
      if (node?.container) mark(`ws-status:${node.container.running ? 'up' : 'down'}`, at);
      for (const svc of doc.services) if (svc.externalIPs.length > 0) mark(`ws-ip:${svc.name}`, at);
    }
  });
  lines(watch, (line, at) => {
    if (!line.startsWith('{')) return;
    const doc = JSON.parse(line) as StatusDoc;
    const node = doc.nodes.find((n) => n.name === victim);
    if (node?.container) mark(`watch:${node.container.running ? 'up' : 'down'}`, at);
    for (const svc of doc.services) if (svc.externalIPs.length > 0) mark(`watch-ip:${svc.name}`, at);
  });
  lines(events, (line, at) => {
    if (line === 'die') mark('events:down', at);
    if (line === 'start') mark('events:up', at);
  });
  lines(kubectlWatch, (line, at) => {
    const [name, type, , external] = line.trim().split(/\s+/);
    if (type === 'LoadBalancer' && external && /^\d/.test(external)) mark(`kubectl-ip:${name}`, at);
  });
  client.subscribe('topology:changed');
  client.subscribe('cluster:status-changed');
  await client.invoke('topology:snapshot', { cluster: cluster.name });
  await client.invoke('cluster:status', { cluster: cluster.name });
  await sleep(3000);

  const waitFor = async (keys: string[], ms = 30_000) => {
    const deadline = performance.now() + ms;
    while (keys.some((k) => !seen.has(k)) && performance.now() < deadline) await sleep(5);
  };
  const observers = ['events', 'ws-topology', 'ws-status', 'watch'];
  const delays: Record<string, Record<string, number[]>> = { stop: {}, start: {} };
  const afterEvents: Record<string, Record<string, number[]>> = { stop: {}, start: {} };
  for (const kind of ['stop', 'start'] as const)
    for (const o of observers) {
      delays[kind]![o] = [];
      afterEvents[kind]![o] = [];
    }
  say(`docker stop / start → push, ${runs} rounds…`);
  for (let i = 0; i < runs; i += 1) {
    for (const [kind, state] of [
      ['stop', 'down'],
      ['start', 'up'],
    ] as const) {
      seen.clear();
      // Asynchronously: a synchronous spawn would hold every sighting until it returned.
      const code = await new Promise<number | null>((done) =>
        spawn('docker', [kind, victim], { stdio: 'ignore' }).once('exit', done),
      );
      const returned = performance.now();
      if (code !== 0) throw new Error(`docker ${kind} ${victim} failed (exit ${code})`);
      await waitFor(observers.map((o) => `${o}:${state}`));
      for (const o of observers) delays[kind]![o]!.push((seen.get(`${o}:${state}`) ?? Number.NaN) - returned);
      // Kindscope's own share: from `docker events` printing the event to each push.
      for (const o of observers.slice(1))
        afterEvents[kind]![o]!.push(
          (seen.get(`${o}:${state}`) ?? Number.NaN) - (seen.get(`events:${state}`) ?? Number.NaN),
        );
      // Let the route settling after a start and the coalescing windows pass.
      await sleep(kind === 'start' ? 4000 : 1500);
    }
  }
  say(`LoadBalancer IP assigned → push, ${runs} rounds…`);
  const ipWs: number[] = [];
  const ipWatch: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const name = `feel-lb-${i}`;
    kubectlOk(cluster, ['expose', 'deployment', 'web', '--type=LoadBalancer', '--port=80', `--name=${name}`]);
    await waitFor([`kubectl-ip:${name}`, `ws-ip:${name}`, `watch-ip:${name}`]);
    const k = seen.get(`kubectl-ip:${name}`) ?? Number.NaN;
    ipWs.push((seen.get(`ws-ip:${name}`) ?? Number.NaN) - k);
    ipWatch.push((seen.get(`watch-ip:${name}`) ?? Number.NaN) - k);
  }
  client.close();
  watch.kill('SIGINT');
  events.kill();
  kubectlWatch.kill();
  await serve.stop();
  const summarise = (kind: 'stop' | 'start') =>
    Object.fromEntries(observers.map((o) => [o, spread(delays[kind]![o]!)]));
  const afterEventsOf = (kind: 'stop' | 'start') =>
    Object.fromEntries(observers.slice(1).map((o) => [o, spread(afterEvents[kind]![o]!)]));
  return {
    stopToPush: summarise('stop'),
    startToPush: summarise('start'),
    pushAfterDockerEvents: { stop: afterEventsOf('stop'), start: afterEventsOf('start') },
    ipAssignedToPushAfterKubectl: { serveWebSocket: spread(ipWs), statusWatch: spread(ipWatch) },
  };
}

export function formatFeel(r: Record<string, unknown>): string {
  const b = r.bundles as ReturnType<typeof bundles> | undefined;
  const s = r.serveStart as { builtEntry: Spread; npmRunServe: Spread } | undefined;
  const p = r.firstPaint as
    | {
        firstContentfulPaint: Spread;
        homeHeadingShown: Spread;
        engineStatusShown: Spread;
        topologyLoadedOnHome: boolean;
      }
    | undefined;
  const c = r.cliStatus as
    { kindscopeStatus: Spread; kubectlGet: Spread; ratio: Spread; npmRunCliStatus: Spread } | undefined;
  const stop = r.stopToPush as Record<string, Spread> | undefined;
  const start = r.startToPush as Record<string, Spread> | undefined;
  const ip = r.ipAssignedToPushAfterKubectl as { serveWebSocket: Spread; statusWatch: Spread } | undefined;
  const rows: string[][] = [];
  if (s)
    rows.push(
      ['serve start → URL, `node out/main/serve.js`', fmt(s.builtEntry), '≤ 1000 ms'],
      ['serve start → URL, `npm run serve` (no build)', fmt(s.npmRunServe), '≤ 1000 ms'],
    );
  if (p)
    rows.push(
      ['Home: first contentful paint (the sidebar, from `index.html`)', fmt(p.firstContentfulPaint), '≤ 300 ms'],
      ['Home: its heading in the page (the app has rendered)', fmt(p.homeHeadingShown), ''],
      ["Home: the engine's status shown (data from serve)", fmt(p.engineStatusShown), ''],
    );
  if (b)
    rows.push([
      'bundles gzip: first load JS / CSS; Topology chunk; layout worker',
      `${b.firstLoadJsGzipKiB} / ${b.firstLoadCssGzipKiB}; ${b.topologyChunkGzipKiB}; ` +
        `${b.layoutWorkerGzipKiB} KiB${p ? ` (Topology fetched on Home: ${p.topologyLoadedOnHome ? 'yes' : 'no'})` : ''}`,
      'Topology split out',
    ]);
  if (c)
    rows.push(
      ['`kindscope status --json` (built, one-shot)', fmt(c.kindscopeStatus), '≤ 1500 ms'],
      ['`kubectl get nodes,svc,leases -A -o json` (anchor)', fmt(c.kubectlGet), ''],
      ['ratio status / kubectl (paired)', fmt(c.ratio, '×'), ''],
      ['`npm run cli -- status --json`', fmt(c.npmRunCliStatus), ''],
    );
  for (const [kind, d] of [
    ['stop', stop],
    ['start', start],
  ] as const)
    if (d)
      rows.push(
        [
          `docker ${kind} returned → \`docker events\` ${kind === 'stop' ? 'die' : 'start'} (floor)`,
          fmt(d.events!),
          '',
        ],
        [`docker ${kind} returned → serve WebSocket (topology)`, fmt(d['ws-topology']!), '≤ 200 ms'],
        [`docker ${kind} returned → serve WebSocket (status)`, fmt(d['ws-status']!), '≤ 200 ms'],
        [`docker ${kind} returned → \`status --watch --json\``, fmt(d.watch!), '≤ 100 ms'],
      );
  const after = r.pushAfterDockerEvents as Record<string, Record<string, Spread>> | undefined;
  if (after)
    for (const kind of ['stop', 'start'])
      rows.push([
        `docker ${kind}: push after \`docker events\` printed it (WebSocket topology / status; --watch)`,
        `${fmt(after[kind]!['ws-topology']!)} / ${fmt(after[kind]!['ws-status']!)}; ${fmt(after[kind]!.watch!)}`,
        '',
      ]);
  if (ip)
    rows.push(
      ['IP assigned: serve WebSocket after `kubectl get svc -w`', fmt(ip.serveWebSocket), '≤ +10 ms'],
      ['IP assigned: `status --watch` after `kubectl get svc -w`', fmt(ip.statusWatch), '≤ +10 ms'],
    );
  return `\n| what people feel | median (min–max, n) | goal |\n|---|---|---|\n${rows.map((row) => `| ${row.join(' | ')} |`).join('\n')}\n`;
}

export function writeFeelJson(r: Record<string, unknown>): string {
  const file = resolve(process.env.BENCH_FEEL_JSON ?? join(root, 'bench-results', 'feel.json'));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
  return file;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchFeel();
  say(`JSON written to ${writeFeelJson(r)}`);
  process.stdout.write(formatFeel(r));
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  process.exit(0);
}
