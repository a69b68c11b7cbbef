import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubectlOk } from '../../../e2e/lab/lab-api.ts';
import { installCilium, startLabCluster, type LabCluster } from '../../../e2e/lab/lab-cluster.ts';
import { StatusWatch } from './kindscope-process';

// One kubeconfig for both lives of the cluster, as a user's ~/.kube/config.
const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kindscope-i11-')), 'config');
const name = `i11-lc-${randomBytes(2).toString('hex')}`;
let cluster: LabCluster | undefined;
let watch: StatusWatch | undefined;

beforeAll(async () => {
  cluster = await startLabCluster({ name, workers: 1, kubeconfig });
});

afterAll(async () => {
  await watch?.stop();
  await cluster?.down();
});

const codes = (status: { findings: { code: string }[] }) => status.findings.map((f) => f.code);

describe('kindscope status --watch follows a cluster through its life', () => {
  it(
    'without Cilium: live, "Cilium not installed" with the fix — then Cilium installed, re-checked when its CRDs appear',
    { timeout: 180_000 },
    async () => {
      watch = new StatusWatch(name, { ...cluster!.env, KINDSCOPE_STREAM_DEADLINE_MS: '4000' });
      const bare = await watch.until((s) => {
        expect(s).toMatchObject({
          complete: true,
          connection: { state: 'live' },
          cilium: { state: 'not-installed', installed: false },
        });
        expect(codes(s)).toContain('cilium-not-installed');
      });
      expect(bare.findings.find((f) => f.code === 'cilium-not-installed')!.fix).toContain(
        `--kube-context kind-${name}`,
      );
      expect(
        bare.streams
          .filter((s) => s.state === 'absent')
          .map((s) => s.resource)
          .sort(),
      ).toEqual(['policies', 'poolsV2', 'poolsV2alpha1']);
      // A cluster without Cilium never turns offline: the 404s are an answer, not a failure.
      expect(watch.documents.filter((d) => d.status.connection.state === 'offline')).toEqual([]);

      expect(await installCilium(name, cluster!.env, { pool: 'auto' })).toBe(0);
      await watch.until((s) => {
        expect(s).toMatchObject({ connection: { state: 'live' }, cilium: { state: 'installed' } });
        expect(codes(s)).not.toContain('cilium-not-installed');
        expect(s.pools.map((p) => p.name)).toEqual([`${name}-pool`]);
      });
    },
  );

  it(
    'deleted and created again with the same name: the new cluster is shown, without restarting',
    { timeout: 180_000 },
    async () => {
      kubectlOk(cluster!, ['create', 'service', 'loadbalancer', 'first-life', '--tcp=80:80']);
      await watch!.until((s) => expect(s.services.map((svc) => svc.name)).toContain('first-life'));
      await cluster!.down();
      cluster = undefined;
      await watch!.until((s) => expect(s.connection.state).not.toBe('live'));
      cluster = await startLabCluster({ name, workers: 1, kubeconfig });
      await watch!.until((s) => {
        expect(s).toMatchObject({ complete: true, connection: { state: 'live' }, cilium: { state: 'not-installed' } });
        expect(s.services.map((svc) => svc.name)).not.toContain('first-life');
        expect(s.nodes.map((n) => n.container?.state)).toEqual(['running', 'running']);
      });
    },
  );
});
