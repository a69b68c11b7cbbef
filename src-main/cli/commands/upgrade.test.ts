import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labEnv } from '../../../e2e/lab/lab-cluster.ts';
import { requireDocker } from '../../../e2e/lab/require-docker.ts';
import type { UpgradeItem, UpgradePreflight, Verification } from '../../contract';
import { defaultPlan, savePlanYaml } from '../../core/lab/plan/plan';
import { kindscope } from './kindscope-process';
import { labKindRow } from '../../../e2e/lab/lab-kind-plan.ts';

/**
 * Issue 30's acceptance, on one lab: kind v0.29.0 (Kubernetes 1.33, the minor Cilium 1.18 and
 * 1.20 both list as tested) and Cilium 1.18.14 with `l2podAnnouncements.interface` among its
 * values. The preflight to the newest 1.20 names the value's new name; a value 1.20 refuses
 * ends the upgrade at the preflight with nothing changed; the upgrade with --yes ends at 1.20
 * with every LoadBalancer IP measured answering; `rollback --yes` brings the previous revision
 * back, measured again. Then 1.18 → 1.19 → and 1.19 → 1.20's preflight, for the closing note.
 */
const suffix = randomBytes(3).toString('hex');
const name = `upg-${suffix}`;
const network = `ks-upg-${suffix}`;
const home = mkdtempSync(join(tmpdir(), 'ks-upgrade-'));
const newest120 = '1.20.2';
let env: NodeJS.ProcessEnv;

const helm = (args: string[]) => {
  const result = spawnSync('helm', [...args, '--namespace', 'kube-system', '--kube-context', `kind-${name}`], {
    env,
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
};
const release = () =>
  (JSON.parse(helm(['list', '-o', 'json'])) as { name: string; revision: string; chart: string }[]).find(
    (r) => r.name === 'cilium',
  )!;
const kubectl = (args: string[]) => {
  const result = spawnSync('kubectl', ['--context', `kind-${name}`, ...args], { env, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
};
const userValues = () => JSON.parse(helm(['get', 'values', 'cilium', '-o', 'json'])) as Record<string, unknown>;

/** The preflight as JSON (exit 1: nothing runs without --yes). */
function preflight(to: string): UpgradePreflight {
  const result = kindscope(['upgrade', '--cluster', name, '--cilium', to, '--json'], env, 120_000);
  expect(result.code, result.stderr).toBe(1);
  const parsed = JSON.parse(result.stdout) as { preflight: UpgradePreflight; changed: boolean };
  expect(parsed.changed).toBe(false);
  return parsed.preflight;
}

/** What the closing note lists of a step: its items other than kept values and passed checks. */
const noteOf = (items: UpgradeItem[]) =>
  items.filter((i) => i.outcome !== 'kept' && i.outcome !== 'ok').map((i) => `[${i.outcome}] ${i.title}`);

beforeAll(() => {
  requireDocker();
  env = labEnv({ HOME: home, KINDSCOPE_HOME: join(home, 'data'), KIND_EXPERIMENTAL_DOCKER_NETWORK: network });
  delete env.KUBECONFIG;
  const row = labKindRow;
  const plan = defaultPlan(name);
  plan.cluster.kindVersion = row.kind;
  plan.cluster.nodeImage = row.image;
  plan.cluster.workers = 1;
  plan.cilium.version = '1.18.14';
  plan.cilium.extraValues = { l2podAnnouncements: { interface: 'eth0' } };
  writeFileSync(join(home, 'lab.yaml'), savePlanYaml(plan));
});

afterAll(() => {
  spawnSync('kind', ['delete', 'cluster', '--name', name], { env, encoding: 'utf8', timeout: 120_000 });
  spawnSync('docker', ['network', 'rm', network], { encoding: 'utf8' });
  rmSync(home, { recursive: true, force: true });
});

describe('kindscope upgrade and rollback on a 1.18.14 lab (kind v0.29.0, Kubernetes 1.33)', () => {
  it('builds the lab: Cilium 1.18.14 with l2podAnnouncements.interface', { timeout: 600_000 }, () => {
    const created = kindscope(['create', '--file', join(home, 'lab.yaml')], env, 540_000);
    expect(created.code, `${created.stdout}\n${created.stderr}`).toBe(0);
    expect(release().chart).toBe('cilium-1.18.14');
    expect(userValues()).toMatchObject({ l2podAnnouncements: { interface: 'eth0' } });
  });

  it(`the preflight to ${newest120} names l2podAnnouncements.interface with its new name, and changes nothing`, () => {
    const before = release();
    const text = kindscope(['upgrade', '--cluster', name, '--cilium', newest120], env, 120_000);
    expect(text.code, text.stderr).toBe(1);
    expect(text.stderr).toContain(
      `[renamed] l2podAnnouncements.interface is l2podAnnouncements.interfacePattern in ${newest120}`,
    );
    expect(text.stderr).toContain('Run again with --yes');
    const plan = preflight(newest120);
    expect(plan).toMatchObject({ from: '1.18.14', to: newest120, blocked: false, kubernetes: '1.33.1' });
    expect(plan.values).toMatchObject({ l2podAnnouncements: { interfacePattern: '^eth0$' } });
    expect(plan.items.find((i) => i.id === 'kubernetes:pairing')?.outcome).toBe('ok');
    console.log(`preflight 1.18.14 → ${newest120}:\n  ${noteOf(plan.items).join('\n  ')}`);
    expect(release()).toEqual(before);
  });

  it('a value the target refuses ends the upgrade at the preflight, nothing changed', { timeout: 180_000 }, () => {
    // 1.18 accepts bpf.tproxy with netkit; from 1.19 the chart refuses it (values from its refusals.tsv).
    helm([
      'upgrade',
      'cilium',
      'cilium/cilium',
      '--version',
      '1.18.14',
      '--reuse-values',
      '--set',
      'bpf.tproxy=true',
      '--set',
      'bpf.datapathMode=netkit',
    ]);
    const before = release();
    const blocked = kindscope(['upgrade', '--cluster', name, '--cilium', newest120, '--yes'], env, 120_000);
    expect(blocked.code, blocked.stderr).toBe(1);
    expect(blocked.stderr).toMatch(/\[BLOCKING\] chart 1\.20\.2 refuses bpf\.(tproxy|datapathMode)/);
    expect(blocked.stderr).toContain('tproxy cannot be enabled');
    expect(blocked.stderr).toContain('Nothing was changed');
    expect(release()).toEqual(before);
    const runs = JSON.parse(kindscope(['runs', '--json'], env).stdout) as { runs: { kind: string }[] };
    expect(runs.runs.map((r) => r.kind)).toEqual(['create']);
    // Back to the lab's own values (a new revision, as helm makes one).
    helm(['rollback', 'cilium', String(Number(before.revision) - 1)]);
    expect(userValues()).not.toHaveProperty('bpf');
  });

  let upgradedFrom = '';
  it(`upgrade --yes ends at ${newest120} with every LoadBalancer IP answering, measured`, { timeout: 900_000 }, () => {
    upgradedFrom = release().revision;
    const started = Date.now();
    const run = kindscope(['upgrade', '--cluster', name, '--cilium', newest120, '--yes', '--json'], env, 840_000);
    const seconds = Math.round((Date.now() - started) / 1000);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const result = JSON.parse(run.stdout) as {
      state: string;
      steps: { name: string; state: string; ms?: number }[];
      verifications: Verification[];
    };
    expect(result.state).toBe('done');
    expect(result.steps.map((s) => s.name)).toEqual([
      'backup',
      // Nothing to migrate or rewrite: a 1.18 lab stores and saves its pool at v2 (cilium-checks' unit tests cover both).
      'helm-upgrade',
      'cilium-rollout',
      'leases',
      'verify',
    ]);
    expect(result.verifications.length).toBeGreaterThan(0);
    for (const v of result.verifications) expect(v, JSON.stringify(v)).toMatchObject({ reachable: true });
    expect(release().chart).toBe(`cilium-${newest120}`);
    expect(userValues()).toMatchObject({ l2podAnnouncements: { interfacePattern: '^eth0$' } });
    expect(userValues()).not.toHaveProperty('l2podAnnouncements.interface');
    // A change made after the upgrade that the rollback's restore of the saved objects undoes.
    kubectl([
      'patch',
      'ciliumloadbalancerippool',
      'lab-pool',
      '--type=merge',
      '-p',
      '{"spec":{"allowFirstLastIPs":"Yes"}}',
    ]);
    console.log(
      `upgrade 1.18.14 → ${newest120}: ${seconds}s (${result.steps.map((s) => `${s.name} ${s.ms}ms`).join(', ')})`,
    );
  });

  it('rollback --yes: the release at its previous revision, the IPs answer again', { timeout: 900_000 }, () => {
    const run = kindscope(['rollback', '--cluster', name, '--yes', '--json'], env, 840_000);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const result = JSON.parse(run.stdout) as { state: string; verifications: Verification[] };
    expect(result.state).toBe('done');
    for (const v of result.verifications) expect(v, JSON.stringify(v)).toMatchObject({ reachable: true });
    expect(release().chart).toBe('cilium-1.18.14');
    const history = JSON.parse(helm(['history', 'cilium', '-o', 'json'])) as {
      revision: number;
      description: string;
    }[];
    expect(history.at(-1)?.description).toContain(`Rollback to ${upgradedFrom}`);
    expect(userValues()).toMatchObject({ l2podAnnouncements: { interface: 'eth0' } });
    // The pool as the upgrade's backup saved it.
    expect(kubectl(['get', 'ciliumloadbalancerippool', 'lab-pool', '-o', 'jsonpath={.spec.allowFirstLastIPs}'])).toBe(
      'No',
    );
  });

  it('the other steps: 1.18 → 1.19 (preflight, upgrade) and 1.19 → 1.20 (preflight)', { timeout: 900_000 }, () => {
    const to119 = preflight('1.19.8');
    expect(to119.items.find((i) => i.id === 'value:l2podAnnouncements.interface')?.outcome).toBe('renamed');
    console.log(`preflight 1.18.14 → 1.19.8:\n  ${noteOf(to119.items).join('\n  ')}`);
    const started = Date.now();
    const run = kindscope(['upgrade', '--cluster', name, '--cilium', '1.19.8', '--yes', '--json'], env, 840_000);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    console.log(`upgrade 1.18.14 → 1.19.8: ${Math.round((Date.now() - started) / 1000)}s`);
    const to120 = preflight(newest120);
    expect(to120.items.some((i) => i.outcome === 'renamed')).toBe(false);
    console.log(`preflight 1.19.8 → ${newest120}:\n  ${noteOf(to120.items).join('\n  ')}`);
  });
});
