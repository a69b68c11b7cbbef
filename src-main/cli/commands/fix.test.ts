import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlOk } from '../../../e2e/lab/lab-api.ts';
import { startLabCluster, type LabCluster } from '../../../e2e/lab/lab-cluster.ts';
import { kindscope } from './kindscope-process';

let cluster: LabCluster;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  // By hand, as the article's readers do: kind + Cilium, no pool and no L2 policy.
  const home = mkdtempSync(join(tmpdir(), 'kindscope-fix-'));
  cluster = await startLabCluster({
    name: `fix-${randomBytes(2).toString('hex')}`,
    workers: 1,
    cilium: {},
    kubeconfig: join(home, 'kubeconfig'),
  });
  env = { ...cluster.env, KINDSCOPE_HOME: join(home, 'data') };
  kubectlOk(cluster, ['create', 'deployment', 'web', '--image=nginx', '--replicas=1']);
  kubectlOk(cluster, ['expose', 'deployment', 'web', '--type=LoadBalancer', '--port=80']);
});

afterAll(async () => {
  await cluster?.down();
});

describe('kindscope fix shows each repair and runs only the ones confirmed', () => {
  it('lists every step with the repair it makes; --only narrows the list; nothing runs without --yes', () => {
    const all = kindscope(['fix', '--cluster', cluster.name], env);
    expect(all.code, all.stderr).toBe(1);
    expect(all.stderr).toMatch(
      /1\. \[pool\] Create a LoadBalancer IP pool from the kind network\n {5}\$ kubectl --context kind-\S+ apply -f - < pool\.yaml/,
    );
    expect(all.stderr).toContain('2. [l2-policy] Create the L2 announcement policy');
    expect(all.stderr).toContain('3. Wait for every LoadBalancer IP and its lease holder');
    expect(all.stderr).toContain(
      'Run again with --yes to run them all, or choose repairs: --only pool,l2-policy --yes',
    );

    const one = kindscope(['fix', '--cluster', cluster.name, '--only', 'l2-policy'], env);
    expect(one.code).toBe(1);
    expect(one.stderr).toContain('1. [l2-policy] Create the L2 announcement policy');
    expect(one.stderr).not.toContain('[pool]');
    expect(one.stderr).toContain('Run again with --yes to run them.');
  });

  it('refuses a repair that does not exist or that this cluster does not need, naming the flag and the choices', () => {
    const bogus = kindscope(['fix', '--cluster', cluster.name, '--only', 'pool,bogus', '--yes'], env);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain(
      `Invalid --only: "bogus" is not a repair; choose from this cluster's: pool, l2-policy`,
    );
    const unneeded = kindscope(['fix', '--cluster', cluster.name, '--only', 'cilium-values', '--yes'], env);
    expect(unneeded.code).toBe(2);
    expect(unneeded.stderr).toContain(
      `Invalid --only: ${cluster.name} does not need "cilium-values"; its repairs: pool, l2-policy`,
    );
  });

  it(
    '--only … --yes makes just those repairs: the wait then names the one left out; fix --yes makes the rest and the IP answers',
    { timeout: 120_000 },
    () => {
      const policyOnly = kindscope(['fix', '--cluster', cluster.name, '--only', 'l2-policy', '--yes', '--json'], env);
      expect(policyOnly.code, policyOnly.stderr).toBe(1);
      const partial = JSON.parse(policyOnly.stdout) as { state: string; steps: { name: string; state: string }[] };
      expect(partial).toMatchObject({
        state: 'failed',
        steps: [
          { name: 'apply-l2-policy', state: 'done' },
          { name: 'leases', state: 'failed' },
          { name: 'verify', state: 'pending' },
        ],
      });
      expect(policyOnly.stderr).toContain(
        `still needs a LoadBalancer IP pool [pool], which this run was not confirmed to make`,
      );
      expect(policyOnly.stderr).toContain(`hint: Run \`kindscope fix --cluster ${cluster.name} --only pool\``);

      const rest = kindscope(['fix', '--cluster', cluster.name, '--yes', '--json'], env);
      expect(rest.code, rest.stderr).toBe(0);
      const fixed = JSON.parse(rest.stdout) as {
        steps: { name: string }[];
        verifications: { reachable: boolean }[];
        connectivity: { hop: string; ok: boolean }[];
      };
      expect(fixed.steps.map((s) => s.name)).toEqual(['apply-pool', 'leases', 'verify']);
      expect(fixed.verifications).toMatchObject([{ reachable: true }]);
      expect(fixed.connectivity.filter((h) => !h.ok)).toEqual([]);
      expect(fixed.connectivity.some((h) => h.hop.startsWith('TCP default/web '))).toBe(true);
    },
  );
});
