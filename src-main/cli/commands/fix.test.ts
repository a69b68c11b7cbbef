import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabCluster, type LabCluster } from '../../../e2e/lab/lab-cluster.ts';
import { kindscope } from './kindscope-process';

let cluster: LabCluster;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  // By hand, as the article's readers do: kind + Cilium, no pool and no L2 policy.
  const home = mkdtempSync(join(tmpdir(), 'kindscope-fix-'));
  cluster = await startLabCluster({ name: `fix-${randomBytes(2).toString('hex')}`, workers: 1, cilium: {}, kubeconfig: join(home, 'kubeconfig') });
  env = { ...cluster.env, KINDSCOPE_HOME: join(home, 'data') };
});

afterAll(async () => {
  await cluster?.down();
});

describe('kindscope fix shows each repair and runs only the ones confirmed', () => {
  it('lists every step with the repair it makes; --only narrows the list; nothing runs without --yes', () => {
    const all = kindscope(['fix', '--cluster', cluster.name], env);
    expect(all.code, all.stderr).toBe(1);
    expect(all.stderr).toMatch(/1\. \[pool\] Create a LoadBalancer IP pool from the kind network\n {5}\$ kubectl --context kind-\S+ apply -f - < pool\.yaml/);
    expect(all.stderr).toContain('2. [l2-policy] Create the L2 announcement policy');
    expect(all.stderr).toContain('3. Wait for every LoadBalancer IP and its lease holder');
    expect(all.stderr).toContain('Run again with --yes to run them all, or choose repairs: --only pool,l2-policy --yes');

    const one = kindscope(['fix', '--cluster', cluster.name, '--only', 'l2-policy'], env);
    expect(one.code).toBe(1);
    expect(one.stderr).toContain('1. [l2-policy] Create the L2 announcement policy');
    expect(one.stderr).not.toContain('[pool]');
    expect(one.stderr).toContain('Run again with --yes to run them.');
  });

  it('refuses a repair that does not exist or that this cluster does not need, naming the flag and the choices', () => {
    const bogus = kindscope(['fix', '--cluster', cluster.name, '--only', 'pool,bogus', '--yes'], env);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain(`Invalid --only: "bogus" is not a repair; choose from this cluster's: pool, l2-policy`);
    const unneeded = kindscope(['fix', '--cluster', cluster.name, '--only', 'cilium-values', '--yes'], env);
    expect(unneeded.code).toBe(2);
    expect(unneeded.stderr).toContain(`Invalid --only: ${cluster.name} does not need "cilium-values"; its repairs: pool, l2-policy`);
  });
});
