import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labEnv } from '../../../e2e/lab/lab-cluster.ts';
import { requireDocker } from '../../../e2e/lab/require-docker.ts';
import type { Verification } from '../../contract';
import { newestTestedRow } from '../../contract/compat-table';
import { defaultPlan, savePlanYaml } from '../../core/lab/plan/plan';
import { kindscope } from './kindscope-process';
import { labKindRow } from '../../../e2e/lab/lab-kind-plan.ts';

/**
 * Issue 30's rebuild: a lab on kind v0.29.0 (Kubernetes 1.33) with Cilium 1.20.2, rebuilt on the
 * newest node image Cilium 1.20 lists as tested, ends with the same services and pool, verified;
 * the user's own workload is not carried, and the confirmation said so.
 */
const suffix = randomBytes(3).toString('hex');
const name = `rbd-${suffix}`;
const network = `ks-rbd-${suffix}`;
const home = mkdtempSync(join(tmpdir(), 'ks-rebuild-'));
let env: NodeJS.ProcessEnv;

const kubectl = (args: string[], ok = true) => {
  const result = spawnSync('kubectl', ['--context', `kind-${name}`, ...args], { env, encoding: 'utf8' });
  if (ok) expect(result.status, result.stderr).toBe(0);
  return result;
};
const loadBalancers = () =>
  (
    JSON.parse(kubectl(['get', 'services', '-A', '-o', 'json']).stdout) as {
      items: { metadata: { namespace: string; name: string }; spec: { type: string } }[];
    }
  ).items
    .filter((s) => s.spec.type === 'LoadBalancer')
    .map((s) => `${s.metadata.namespace}/${s.metadata.name}`)
    .sort();
const poolBlocks = () =>
  kubectl(['get', 'ciliumloadbalancerippool', 'lab-pool', '-o', 'jsonpath={.spec.blocks[*].cidr}']).stdout;
const nodeIds = () =>
  spawnSync('docker', ['ps', '-q', '--filter', `label=io.x-k8s.kind.cluster=${name}`], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .sort();

beforeAll(() => {
  requireDocker();
  env = labEnv({ HOME: home, KINDSCOPE_HOME: join(home, 'data'), KIND_EXPERIMENTAL_DOCKER_NETWORK: network });
  delete env.KUBECONFIG;
  const row = labKindRow;
  const plan = defaultPlan(name);
  plan.cluster.kindVersion = row.kind;
  plan.cluster.nodeImage = row.image;
  plan.cluster.workers = 1;
  plan.cilium.version = '1.20.2';
  writeFileSync(join(home, 'lab.yaml'), savePlanYaml(plan));
});

afterAll(() => {
  spawnSync('kind', ['delete', 'cluster', '--name', name], { env, encoding: 'utf8', timeout: 120_000 });
  spawnSync('docker', ['network', 'rm', network], { encoding: 'utf8' });
  rmSync(home, { recursive: true, force: true });
});

describe('kindscope rebuild: the lab again from its plan on a newer tested node image', () => {
  let services: string[] = [];
  let pool = '';

  it('builds the lab on Kubernetes 1.33 with Cilium 1.20.2, plus a workload of the user', { timeout: 600_000 }, () => {
    const created = kindscope(['create', '--file', join(home, 'lab.yaml')], env, 540_000);
    expect(created.code, `${created.stdout}\n${created.stderr}`).toBe(0);
    kubectl(['create', 'deployment', 'mine', '--image=nginx']);
    services = loadBalancers();
    pool = poolBlocks();
    expect(services.length).toBeGreaterThan(0);
    expect(pool).toMatch(/^[\d.]+\/\d+$/);
  });

  const target = newestTestedRow('1.20.2')!;
  it('without --yes names what is deleted and that the user’s workloads are not carried; nothing changes', () => {
    const before = nodeIds();
    const asked = kindscope(['rebuild', '--cluster', name], env, 120_000);
    expect(asked.code, asked.stderr).toBe(1);
    expect(asked.stderr).toContain(`Rebuilding ${name} on ${target.image.split('@')[0]}`);
    expect(asked.stderr).toContain(`container ${name}-control-plane`);
    expect(asked.stderr).toContain('NOT carried');
    expect(asked.stderr).toContain(`the LoadBalancer pool lab-pool (${pool})`);
    expect(nodeIds()).toEqual(before);
    // A node image the table does not have, or one Cilium 1.20 does not list as tested, is refused by name.
    const unknown = kindscope(['rebuild', '--cluster', name, '--image', 'kindest/node:v1.99.0'], env, 120_000);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('image: kindest/node:v1.99.0 is not a node image of the compatibility table');
    const untested = kindscope(
      ['rebuild', '--cluster', name, '--kind', 'v0.33.0', '--image', 'kindest/node:v1.37.0'],
      env,
    );
    expect(untested.stderr).toContain('is not tested with Cilium 1.20.2');
  });

  it(
    `--yes re-creates it on ${target.image.split('@')[0]}: the same services and pool, verified`,
    { timeout: 900_000 },
    () => {
      const run = kindscope(['rebuild', '--cluster', name, '--yes', '--json'], env, 840_000);
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      const result = JSON.parse(run.stdout) as {
        state: string;
        steps: { name: string }[];
        verifications: Verification[];
      };
      expect(result.state).toBe('done');
      expect(result.steps[0]?.name).toBe('kind-delete');
      expect(result.verifications.length).toBeGreaterThan(0);
      for (const v of result.verifications) expect(v).toMatchObject({ reachable: true });
      const version = JSON.parse(kubectl(['version', '-o', 'json']).stdout) as {
        serverVersion: { gitVersion: string };
      };
      expect(version.serverVersion.gitVersion).toBe(`v${target.kubernetes}`);
      expect(loadBalancers()).toEqual(services);
      expect(poolBlocks()).toBe(pool);
      // The user's own workload was not carried (as the confirmation said).
      expect(kubectl(['get', 'deployment', 'mine'], false).status).not.toBe(0);
    },
  );
});
