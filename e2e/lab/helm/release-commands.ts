/**
 * The helm stand-in's release commands beyond install/upgrade: `rollback`, `history`,
 * `get values` — flags, outputs and errors as helm 3.18's (cmd/helm/rollback.go, history.go,
 * get_values.go; the rules in release-logic.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../apiserver/kube-object.ts';
import { chartVersionParts } from './chart-rules.ts';
import { formatHistory, formatValues, historyEntries, rollbackPlan } from './release-logic.ts';
import { client, HelmError, readHistory, writeRelease } from './release-store.ts';
import { applyChart, waitReady, parseDuration } from './release-apply.ts';

export const commonFlags = {
  namespace: { type: 'string' as const, short: 'n' },
  'kube-context': { type: 'string' as const },
  kubeconfig: { type: 'string' as const },
};

const outputs = ['table', 'json', 'yaml'];
function outputOf(value: string | undefined): string {
  const output = value ?? 'table';
  if (!outputs.includes(output))
    throw new HelmError(`invalid argument "${output}" for "-o, --output" flag: invalid format type`);
  return output;
}

function revisionOf(text: string | undefined, what: string): number {
  if (text === undefined) return 0;
  if (!/^-?\d+$/.test(text))
    throw new HelmError(
      `invalid argument "${text}" for "${what}" flag: strconv.ParseInt: parsing "${text}": invalid syntax`,
    );
  return Number(text);
}

/** The chart's default values for a chart version (its minor's values.yaml in ../shared/upstream), for `--all`. */
export function chartDefaults(chartVersion: string): KubeObject {
  const dir = join(
    process.env.KINDSCOPE_UPSTREAM ?? resolve(import.meta.dirname, '../../../../shared/upstream'),
    'cilium-chart',
  );
  if (!existsSync(dir)) return {};
  const [major, minor] = chartVersionParts(chartVersion);
  const match = readdirSync(dir).find((d) => d.startsWith(`${major}.${minor}.`));
  return match ? ((parseYaml(readFileSync(join(dir, match, 'values.yaml'), 'utf8')) ?? {}) as KubeObject) : {};
}

/** `helm rollback RELEASE [REVISION] [--wait] [--timeout D]`. */
export async function rollback(args: string[]): Promise<void> {
  const parsed = parseArgs({
    args,
    options: {
      ...commonFlags,
      wait: { type: 'boolean' },
      'wait-for-jobs': { type: 'boolean' },
      timeout: { type: 'string' },
      force: { type: 'boolean' },
      'no-hooks': { type: 'boolean' },
      'cleanup-on-fail': { type: 'boolean' },
      'recreate-pods': { type: 'boolean' },
      'history-max': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const [name, revisionText, extra] = parsed.positionals;
  if (!name || extra !== undefined)
    throw new HelmError(
      `"helm rollback" requires at least 1 argument\n\nUsage:  helm rollback <RELEASE> [REVISION] [flags]`,
    );
  const revision = revisionOf(revisionText, 'REVISION');
  const kube = client(parsed.values);
  const history = await readHistory(kube, parsed.values.namespace ?? 'default', name);
  const plan = rollbackPlan(history, revision, new Date().toISOString());
  // The target's chart again: its CRDs, objects and values, as it was rendered.
  const current = history.at(-1)!;
  await applyChart(kube, plan.record.values, plan.record.version, { values: current.values, version: current.version });
  for (const superseded of plan.superseded) await writeRelease(kube, superseded);
  await writeRelease(kube, plan.record);
  if (parsed.values.wait) {
    try {
      await waitReady(kube, parseDuration(parsed.values.timeout ?? '5m0s'));
    } catch (error) {
      await writeRelease(kube, {
        ...plan.record,
        status: 'failed',
        description: `Release "${name}" failed: ${(error as Error).message}`,
      });
      throw new HelmError(`release ${name} failed: ${(error as Error).message}`);
    }
  }
  process.stdout.write('Rollback was a success! Happy Helming!\n');
}

/** `helm history RELEASE [-o table|json|yaml] [--max N]`. */
export async function history(args: string[]): Promise<void> {
  const parsed = parseArgs({
    args,
    options: { ...commonFlags, output: { type: 'string', short: 'o' }, max: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  const name = parsed.positionals[0];
  if (!name || parsed.positionals.length > 1)
    throw new HelmError(`"helm history" requires 1 argument\n\nUsage:  helm history RELEASE_NAME [flags]`);
  const output = outputOf(parsed.values.output);
  const records = await readHistory(client(parsed.values), parsed.values.namespace ?? 'default', name);
  if (records.length === 0) throw new HelmError('release: not found');
  process.stdout.write(formatHistory(historyEntries(records, revisionOf(parsed.values.max, '--max') || 256), output));
}

/** `helm get values RELEASE [-o table|json|yaml] [-a|--all] [--revision N]`. */
export async function getValues(args: string[]): Promise<void> {
  const parsed = parseArgs({
    args,
    options: {
      ...commonFlags,
      output: { type: 'string', short: 'o' },
      all: { type: 'boolean', short: 'a' },
      revision: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  const name = parsed.positionals[0];
  if (!name || parsed.positionals.length > 1)
    throw new HelmError(`"helm get values" requires 1 argument\n\nUsage:  helm get values RELEASE_NAME [flags]`);
  const output = outputOf(parsed.values.output);
  const revision = revisionOf(parsed.values.revision, '--revision');
  const records = await readHistory(client(parsed.values), parsed.values.namespace ?? 'default', name);
  const record = revision > 0 ? records.find((r) => r.revision === revision) : records.at(-1);
  if (!record) throw new HelmError('release: not found');
  const all = parsed.values.all === true;
  process.stdout.write(
    formatValues(record.values, { all, output, ...(all ? { chartDefaults: chartDefaults(record.version) } : {}) }),
  );
}
