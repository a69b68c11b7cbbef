/**
 * `npm run bench` (graph part): the Topology graph in Chromium with a synthetic cluster of
 * 50 nodes, 500 LoadBalancer services and 50 pools. Time to first render, frame times
 * while 20 model changes per second arrive for 10 s (p50/p95/max), and the renderer
 * bundle size gzipped. The page is served with the app's own CSP, so the layout worker
 * runs under the same policy as in the app.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { contentSecurityPolicy } from '../../src-main/core/security/csp';

const root = resolve(import.meta.dirname, '../..');
const pageDir = join(root, 'bench/graph/page');
const outDir = join(root, 'out/bench-graph');
const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

export interface GraphBenchResult {
  model: { nodes: number; services: number; pools: number; boxes: number };
  firstRenderMs: number;
  /** Page start → ELK's layout (in the worker) replacing the provisional rows of the first paint. */
  layoutMs: number;
  changes: number;
  frames: { count: number; p50Ms: number; p95Ms: number; maxMs: number };
  bundle: { mainJsGzipKiB: number; layoutWorkerGzipKiB: number; cssGzipKiB: number; mainJsKiB: number };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const round = (n: number) => Math.round(n * 10) / 10;

function bundleSizes(): GraphBenchResult['bundle'] {
  const assets = join(root, 'out/renderer/assets');
  if (!existsSync(assets)) {
    const built = spawnSync(
      process.execPath,
      [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
      { cwd: root, stdio: 'inherit' },
    );
    if (built.status !== 0) throw new Error('electron-vite build failed; run `npm run build` and retry');
  }
  const files = readdirSync(assets);
  const size = (match: (f: string) => boolean, gzip: boolean) =>
    files
      .filter(match)
      .reduce(
        (sum, f) => sum + (gzip ? gzipSync(readFileSync(join(assets, f))).length : statSync(join(assets, f)).size),
        0,
      ) / 1024;
  const main = (f: string) => f.startsWith('index-') && f.endsWith('.js');
  return {
    mainJsKiB: Math.round(size(main, false)),
    mainJsGzipKiB: Math.round(size(main, true)),
    layoutWorkerGzipKiB: Math.round(size((f) => f.startsWith('elk-layout.worker'), true)),
    cssGzipKiB: Math.round(size((f) => f.endsWith('.css'), true)),
  };
}

export async function benchTopologyGraph(
  durationMs = Number(process.env.BENCH_GRAPH_MS ?? 10_000),
  rate = Number(process.env.BENCH_GRAPH_RATE ?? 20),
): Promise<GraphBenchResult> {
  await build({
    root: pageDir,
    logLevel: 'error',
    plugins: [react()],
    resolve: { alias: { '@contract': join(root, 'src-main/contract') } },
    build: { outDir, emptyOutDir: true, minify: process.env.BENCH_GRAPH_MINIFY !== '0' },
  });
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path === '/favicon.ico') return response.writeHead(204).end();
    const file = resolve(outDir, `.${path === '/' ? '/index.html' : path}`);
    if (!file.startsWith(outDir) || !existsSync(file)) return response.writeHead(404).end();
    response
      .writeHead(200, {
        'Content-Type': types[extname(file)] ?? 'application/octet-stream',
        'Content-Security-Policy': contentSecurityPolicy(),
      })
      .end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    await page.goto(`http://127.0.0.1:${port}/?ms=${durationMs}&rate=${rate}`);
    // Functions, not strings (the CSP forbids eval); this file compiles in the node world, without `window`.
    await page.waitForFunction(
      () => Reflect.get(Reflect.get(globalThis, 'kindscopeBench') as object, 'done') === true,
      undefined,
      { timeout: durationMs + 60_000, polling: 500 },
    );
    const result: { firstRenderMs: number; layoutMs?: number; frames: number[]; changes: number; boxes: number } =
      await page.evaluate(() => Reflect.get(globalThis, 'kindscopeBench'));
    if (errors.length > 0) throw new Error(`the benchmark page reported errors:\n${errors.join('\n')}`);
    const frames = [...result.frames].sort((a, b) => a - b);
    return {
      model: { nodes: 50, services: 500, pools: 50, boxes: result.boxes },
      firstRenderMs: Math.round(result.firstRenderMs),
      layoutMs: Math.round(result.layoutMs ?? Number.NaN),
      changes: result.changes,
      frames: {
        count: frames.length,
        p50Ms: round(percentile(frames, 50)),
        p95Ms: round(percentile(frames, 95)),
        maxMs: round(frames.at(-1) ?? 0),
      },
      bundle: bundleSizes(),
    };
  } finally {
    await browser.close();
    server.close();
  }
}

/** Prints the graph benchmark as a table and as JSON. */
export async function printGraphBench(): Promise<void> {
  process.stderr.write(
    'rendering the topology graph of a synthetic 50-node / 500-service / 50-pool cluster in Chromium…\n',
  );
  const r = await benchTopologyGraph();
  const rows: [string, string][] = [
    ['boxes rendered at first paint (of 50 nodes, 500 services, 50 pools)', String(r.model.boxes)],
    [
      'time to first render (page start → laid-out graph painted)',
      `${r.firstRenderMs} ms (provisional rows; ELK's layout from the worker at ${r.layoutMs} ms)`,
    ],
    [
      `frame time while ${r.changes} changes arrive (20/s), p50 / p95 / max`,
      `${r.frames.p50Ms} / ${r.frames.p95Ms} / ${r.frames.maxMs} ms (${r.frames.count} frames)`,
    ],
    [
      'renderer bundle, gzip: main JS / layout worker / CSS',
      `${r.bundle.mainJsGzipKiB} / ${r.bundle.layoutWorkerGzipKiB} / ${r.bundle.cssGzipKiB} KiB (main JS ${r.bundle.mainJsKiB} KiB raw)`,
    ],
  ];
  process.stdout.write(
    `\n| topology graph | value |\n|---|---|\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`,
  );
  process.stdout.write(`${JSON.stringify({ benchmark: 'topology-graph', ...r }, null, 2)}\n`);
}
