import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { kubectlOk } from '../../../e2e/lab/lab-api.ts';
import { startLabCluster, type LabCluster } from '../../../e2e/lab/lab-cluster.ts';
import { kindscope } from './kindscope-process';
import type { ClusterSummary } from './cluster-summary';

// The questions a person asks first (issue 28): what clusters are there, which node answers
// for each IP, what is wrong — each answered by one verb without flags to look up.
let cluster: LabCluster;

const externalIP = (service: string): string | undefined =>
  JSON.parse(kubectlOk(cluster, ['get', 'svc', service, '-o', 'json'])).status.loadBalancer.ingress?.[0]?.ip;

beforeAll(async () => {
  cluster = await startLabCluster({
    name: `i28-fq-${randomBytes(2).toString('hex')}`,
    workers: 2,
    cilium: { pool: 'auto' },
  });
  kubectlOk(cluster, ['create', 'deployment', 'web', '--image=nginx', '--replicas=1']);
  kubectlOk(cluster, ['expose', 'deployment', 'web', '--type=LoadBalancer', '--port=80']);
  await vi.waitFor(() => expect(externalIP('web')).toBeDefined(), { timeout: 30_000, interval: 200 });
});

afterAll(async () => {
  await cluster?.down();
});

const run = (...args: string[]) => kindscope(args, cluster.env, 90_000);

describe('the CLI answers the first questions', () => {
  it(
    '`status` with no cluster lists every cluster in one line each, with its IPs and their holders',
    { timeout: 300_000 },
    async () => {
      // The Lease is written a moment after the IP: wait for the claim to be there.
      await vi.waitFor(
        () => {
          const json = run('status', '--json');
          expect(json.code, json.stderr).toBe(0);
          const mine = (JSON.parse(json.stdout).clusters as ClusterSummary[]).find((c) => c.cluster === cluster.name);
          expect(mine).toMatchObject({ nodes: { ready: 3, total: 3 }, cilium: { state: 'installed' } });
          expect(mine!.loadBalancers).toEqual([
            expect.objectContaining({ name: 'web', ips: [externalIP('web')], leaseHolder: expect.any(String) }),
          ]);
        },
        { timeout: 200_000, interval: 500 },
      );
      const text = run('status');
      expect(text.code, text.stderr).toBe(0);
      const line = text.stdout.split('\n').find((l) => l.startsWith(`${cluster.name}:`));
      expect(line).toMatch(/nodes 3\/3 Ready, Cilium /);
      expect(line).toMatch(new RegExp(`${externalIP('web')!.replaceAll('.', '\\.')} web → ${cluster.name}-`));
    },
  );

  it(
    '`topology --cluster N` shows each LoadBalancer IP and its holder within its first 12 lines; routes on request',
    { timeout: 300_000 },
    () => {
      const text = run('topology', '--cluster', cluster.name);
      expect(text.code, text.stderr).toBe(0);
      const head = text.stdout.split('\n').slice(0, 12).join('\n');
      expect(head).toContain(externalIP('web'));
      expect(head).toMatch(/default\/web :80 — lease held by \S+/);
      expect(text.stdout).not.toMatch(/↳/);
      const withRoutes = run('topology', '--cluster', cluster.name, '--routes');
      expect(withRoutes.stdout).toMatch(/↳/);
      const json = JSON.parse(run('topology', '--cluster', cluster.name, '--json').stdout);
      expect(json.loadBalancers).toEqual([expect.objectContaining({ name: 'web', ips: [externalIP('web')] })]);
    },
  );

  it(
    '`check` picks the only LoadBalancer service; a positional cluster name stands for --cluster',
    { timeout: 120_000 },
    () => {
      const check = run('check', cluster.name, '--json');
      expect(check.stderr).not.toMatch(/needs --service|Unexpected argument/);
      expect(JSON.parse(check.stdout)).toMatchObject({ service: 'default/web' });
    },
  );

  it(
    '`doctor` lists findings with fixes; with two LoadBalancer services `check` asks which',
    { timeout: 400_000 },
    async () => {
      // A service with no ready endpoint: a finding with its fix.
      kubectlOk(cluster, ['create', 'deployment', 'idle', '--image=nginx', '--replicas=0']);
      kubectlOk(cluster, ['expose', 'deployment', 'idle', '--type=LoadBalancer', '--port=80']);
      await vi.waitFor(
        () => {
          const doctor = run('doctor', '--cluster', cluster.name, '--json');
          expect(doctor.code).toBe(1);
          const findings = JSON.parse(doctor.stdout).clusters[0].findings;
          expect(findings).toContainEqual(
            expect.objectContaining({
              scope: 'service default/idle',
              code: 'no-ready-endpoints',
              fix: expect.any(String),
            }),
          );
        },
        { timeout: 200_000, interval: 500 },
      );
      const text = run('doctor', cluster.name);
      expect(text.stdout).toMatch(/! \[service default\/idle\] .+\n {4}fix: \S/);
      expect(run('status', '--cluster', cluster.name).stdout).toContain(`kindscope doctor --cluster ${cluster.name}`);
      const check = run('check', '--cluster', cluster.name);
      expect(check.code).toBe(2);
      expect(check.stderr).toMatch(/2 LoadBalancer services: give one with --service \(default\/idle, default\/web\)/);
    },
  );

  it('a lone word is the cluster where --cluster is meant; a second one says which flag', { timeout: 300_000 }, () => {
    const extra = run('status', cluster.name, 'other');
    expect(extra.code).toBe(2);
    expect(extra.stderr).toMatch(/Unexpected argument "other"/);
    const twice = run('status', cluster.name, '--cluster', cluster.name);
    expect(twice.stderr).toMatch(/Unexpected argument "i28-/);
    const deleted = run('delete', 'no-such-cluster-xyz', '--json');
    expect(deleted.stdout).not.toMatch(/Unexpected argument/);
  });
});
