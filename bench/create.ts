/**
 * `kindscope create` on the lab beside the plan's own exported script, run with the same
 * stand-ins in the same run: per-step wall time, Kindscope's overhead over the bare commands,
 * and the time from "external IP assigned" to "verified".
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labEnv, run } from '../e2e/lab/lab-cluster.ts';
import { createApp } from '../src-main/app/compose';
import { createTypedClient, type RunRecord } from '../src-main/contract';
import { spread } from './feel';

/** Rounds (BENCH_CREATE_RUNS, 10): each a Kindscope create and a script run, each lab deleted after it. */
const createRuns = Number(process.env.BENCH_CREATE_RUNS ?? 10);

interface CreateRound {
  kindscopeMs: number;
  scriptMs: number;
  steps: { name: string; ms: number }[];
  scriptSteps: { title: string; ms: number }[];
  assignedToVerifiedMs: number;
}

export async function benchCreate(): Promise<Record<string, unknown>> {
  const home = mkdtempSync(join(tmpdir(), 'kindscope-bench-create-'));
  const env = labEnv({ KUBECONFIG: join(home, 'kubeconfig'), KINDSCOPE_HOME: join(home, 'data') });
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const app = createApp({ transport: 'test', live: true, dataDir: join(home, 'data') });
  const client = createTypedClient(app.router);
  const suffix = randomBytes(2).toString('hex');
  const made = new Set<string>();
  try {
    const rounds: CreateRound[] = [];
    for (let i = 0; i < createRuns; i += 1) {
      const names = { kindscope: `bench-ks-${suffix}-${i}`, script: `bench-sh-${suffix}-${i}` };
      for (const name of Object.values(names)) made.add(name);
      rounds.push(await createRound(client, names, home, env));
      for (const name of Object.values(names)) await run('kind', ['delete', 'cluster', '--name', name], env);
    }
    const first = rounds[0]!;
    const kindscopeMs = rounds.map((r) => r.kindscopeMs);
    const scriptMs = rounds.map((r) => r.scriptMs);
    const median = (values: number[]) => spread(values).median;
    return {
      runs: rounds.length,
      kindscope: { totalMs: Math.round(median(kindscopeMs)), steps: first.steps, totals: spread(kindscopeMs) },
      script: { totalMs: Math.round(median(scriptMs)), steps: first.scriptSteps, totals: spread(scriptMs) },
      // Paired by round: Kindscope's wall time over the script's.
      ratio: spread(
        rounds.map((r) => r.kindscopeMs / r.scriptMs),
        2,
      ),
      overheadPercent: Math.round(((median(kindscopeMs) - median(scriptMs)) / median(scriptMs)) * 1000) / 10,
      externalIpAssignedToVerifiedMs: Math.round(median(rounds.map((r) => r.assignedToVerifiedMs))),
    };
  } finally {
    await app.dispose();
    for (const name of made) await run('kind', ['delete', 'cluster', '--name', name], env);
    process.env = saved;
    rmSync(home, { recursive: true, force: true });
  }
}

async function createRound(
  client: ReturnType<typeof createTypedClient>,
  names: { kindscope: string; script: string },
  home: string,
  env: NodeJS.ProcessEnv,
): Promise<CreateRound> {
  // Kindscope: the run's own journal has each step's wall time.
  const started = performance.now();
  const created = await client.invoke('lab:create', { name: names.kindscope });
  if (!created.ok) throw new Error(created.error.message);
  const record = await new Promise<RunRecord>((resolve) => {
    const stop = client.subscribe(
      'lab:run-changed',
      (r) => r.id === created.value.id && r.state !== 'running' && (stop(), resolve(r)),
    );
  });
  const kindscopeMs = performance.now() - started;
  if (record.state !== 'done') throw new Error(`the create run ended ${record.state}`);

  // The script, with the same stand-ins: time between its "==> title" lines.
  const rendering = await client.invoke('lab:render', { name: names.script, script: true });
  if (!rendering.ok || !rendering.value.script) throw new Error('no script');
  const scriptFile = join(home, 'lab.sh');
  writeFileSync(scriptFile, rendering.value.script);
  const marks: { title: string; at: number }[] = [];
  const scriptStarted = performance.now();
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn('bash', [scriptFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines)
        if (line.startsWith('==> ')) marks.push({ title: line.slice(4), at: performance.now() });
    });
    child.stderr.resume();
    child.once('error', reject);
    child.once('exit', (exit) => resolve(exit ?? 1));
  });
  const scriptMs = performance.now() - scriptStarted;
  if (code !== 0) throw new Error(`the script exited ${code}`);
  return {
    kindscopeMs,
    scriptMs,
    steps: record.steps.map((s) => ({ name: s.name, ms: s.ms ?? 0 })),
    scriptSteps: marks.map((mark, i) => ({
      title: mark.title,
      ms: Math.round((marks[i + 1]?.at ?? scriptStarted + scriptMs) - mark.at),
    })),
    assignedToVerifiedMs: record.steps.find((s) => s.name === 'verify')?.ms ?? 0,
  };
}

export function formatCreateBench(result: Record<string, unknown>): string {
  const r = result as {
    runs: number;
    kindscope: { totalMs: number; steps: { name: string; ms: number }[] };
    script: { totalMs: number; steps: { title: string; ms: number }[] };
    overheadPercent: number;
    externalIpAssignedToVerifiedMs: number;
  };
  const rows = r.kindscope.steps.map((s) => `| ${s.name} | ${s.ms} |`).join('\n');
  const scriptRows = r.script.steps.map((s) => `| ${s.title} | ${s.ms} |`).join('\n');
  return (
    `\n(steps: the first of ${r.runs} rounds; totals: medians)\n| kindscope create step | ms |\n|---|---:|\n${rows}\n| **total ` +
    `(wall)** | **${r.kindscope.totalMs}** |\n\n| exported script step | ms ` +
    `|\n|---|---:|\n${scriptRows}\n| **total ` +
    `(wall)** | **${r.script.totalMs}** |\n\nKindscope's overhead over the bare commands: ` +
    `${r.overheadPercent} %; external IP assigned → verified: ` +
    `${r.externalIpAssignedToVerifiedMs} ms\n`
  );
}
