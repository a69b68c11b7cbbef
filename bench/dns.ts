/**
 * `npm run bench` (DNS part): query latency (p50/p99) and queries per second on loopback
 * against Kindscope's responder with 500 services, beside dnsmasq (Debian's dnsmasq-base)
 * answering the same 500 names from a hosts file. Both run in processes of their own and
 * are driven by the same client: BENCH_DNS_CONCURRENCY sockets, each one query in flight,
 * bounded by BENCH_DNS_QUERIES in total and BENCH_DNS_SECONDS of wall time.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dnsPacket from 'dns-packet';
import { freePort, queryPacket } from '../src-main/core/dns/dns-test-client';
import { benchServices } from './dns-names';

const totalQueries = Number(process.env.BENCH_DNS_QUERIES ?? 20_000);
const seconds = Number(process.env.BENCH_DNS_SECONDS ?? 10);
const concurrency = Number(process.env.BENCH_DNS_CONCURRENCY ?? 8);
const root = join(import.meta.dirname, '..');

interface Measurement {
  server: string;
  queries: number;
  answeredOk: number;
  timeouts: number;
  qps: number;
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length
    ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 1000) / 1000
    : Number.NaN;
}

/** One socket per worker, one query in flight each; a reply is "ok" when it carries the expected address. */
async function load(server: string, port: number): Promise<Measurement> {
  const services = benchServices();
  const latencies: number[] = [];
  let sent = 0;
  let ok = 0;
  let timeouts = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const worker = () =>
    new Promise<void>((resolve) => {
      const socket = createSocket('udp4');
      let pending: { id: number; at: number; ip: string; timer: NodeJS.Timeout } | undefined;
      const next = () => {
        if (sent >= totalQueries || performance.now() > deadline) {
          socket.close();
          resolve();
          return;
        }
        const service = services[sent % services.length]!;
        const id = sent++ & 0xffff;
        pending = { id, at: performance.now(), ip: service.ip, timer: setTimeout(() => (timeouts++, next()), 1_000) };
        socket.send(queryPacket(service.fqdn, 'A', id), port, '127.0.0.1');
      };
      socket.on('message', (message) => {
        if (!pending) return;
        const reply = dnsPacket.decode(message);
        if (reply.id !== pending.id) return;
        clearTimeout(pending.timer);
        latencies.push(performance.now() - pending.at);
        if (reply.answers?.some((a) => a.type === 'A' && a.data === pending!.ip)) ok++;
        pending = undefined;
        next();
      });
      next();
    });
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    server,
    queries: latencies.length + timeouts,
    answeredOk: ok,
    timeouts,
    qps: Math.round(latencies.length / elapsed),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) resolve(match[1] ?? match[0]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before it was ready: ${output}`)));
  });
}

/** Rounds per server (BENCH_DNS_RUNS, 10): `rows` has the first of each, `runs` every one. */
const dnsRuns = Number(process.env.BENCH_DNS_RUNS ?? 10);

export async function benchDns(): Promise<{
  rows: Measurement[];
  runs: { kindscope: Measurement[]; dnsmasq: Measurement[] };
  services: number;
  concurrency: number;
  note?: string;
}> {
  const rows: Measurement[] = [];
  const runs: { kindscope: Measurement[]; dnsmasq: Measurement[] } = { kindscope: [], dnsmasq: [] };
  const kindscope = spawn(process.execPath, ['--import', 'tsx', join(root, 'bench/dns-server.ts'), '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const port = Number(await waitForLine(kindscope, /ready (\d+)/));
    await load('kindscope', port); // warm-up (JIT), not counted
    for (let i = 0; i < dnsRuns; i += 1) runs.kindscope.push(await load('kindscope', port));
    rows.push(runs.kindscope[0]!);
  } finally {
    kindscope.kill();
  }
  let note: string | undefined;
  if (spawnSync('dnsmasq', ['--version']).error) {
    note = 'dnsmasq not installed (apt-get install dnsmasq-base): no reference row';
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'i21-bench-dnsmasq-'));
    const hosts = join(dir, 'hosts');
    writeFileSync(
      hosts,
      benchServices()
        .map((s) => `${s.ip} ${s.fqdn}\n`)
        .join(''),
    );
    // dnsmasq drops root for "nobody" before it reads the hosts file.
    chmodSync(dir, 0o755);
    chmodSync(hosts, 0o644);
    const port = await freePort();
    // Authoritative-style: no upstream, no /etc/hosts, names only from the file; foreground, logging to stderr.
    const dnsmasq = spawn(
      'dnsmasq',
      [
        '--keep-in-foreground',
        '--conf-file=/dev/null',
        '--no-resolv',
        '--no-hosts',
        `--addn-hosts=${hosts}`,
        '--listen-address=127.0.0.1',
        '--bind-interfaces',
        `--port=${port}`,
        '--local=/kind.internal/',
        '--cache-size=1000',
        '--log-facility=-',
        '--pid-file',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      await waitForLine(dnsmasq, /(started, version)/);
      await load('dnsmasq', port);
      for (let i = 0; i < dnsRuns; i += 1) runs.dnsmasq.push(await load('dnsmasq', port));
      rows.push(runs.dnsmasq[0]!);
    } finally {
      dnsmasq.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { rows, runs, services: benchServices().length, concurrency, ...(note ? { note } : {}) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await benchDns();
  process.stdout.write(`${formatDnsTable(result.rows)}\n${JSON.stringify({ benchmark: 'dns', ...result }, null, 2)}\n`);
}

export function formatDnsTable(rows: Measurement[]): string {
  return (
    '| DNS on loopback (500 names) | queries | right answer | timeouts ' +
    (`(1 s) | qps | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|---:|\n` +
      `${rows.map((r) => `| ${r.server} | ${r.queries} | ${r.answeredOk} | ${r.timeouts} | ${r.qps} | ${r.p50Ms} | ${r.p99Ms} |`).join('\n')}\n`)
  );
}
