import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClusterStatus } from '../../contract';
import { ensureBusyboxImage, labLabel } from '../../../e2e/lab/images.ts';
import { startLabCluster, type LabCluster } from '../../../e2e/lab/lab-cluster.ts';
import { docker, tryDocker } from '../../../e2e/lab/require-docker.ts';
import { kindscope } from './kindscope-process';

// kind fixes a node's address when it makes the cluster; Docker may give the container another
// one when it starts again (kubernetes-sigs/kind#2045). Here a container of the test's own takes
// the worker's address while it is stopped, so the worker comes back with a new one.
let cluster: LabCluster;
const squatter = `i28-squat-${randomBytes(2).toString('hex')}`;
const worker = () => `${cluster.name}-worker`;
const addressOf = (container: string) =>
  docker(['inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', container]).trim();

beforeAll(async () => {
  cluster = await startLabCluster({ name: `i28-ip-${randomBytes(2).toString('hex')}`, workers: 1, cilium: {} });
});

afterAll(async () => {
  tryDocker(['rm', '-f', squatter]);
  await cluster?.down();
});

describe('a node whose address changed after a restart', () => {
  it(
    'is a finding naming both addresses; pings use the address the container has now',
    { timeout: 300_000 },
    async () => {
      const before = addressOf(worker());
      docker(['stop', '-t', '1', worker()]);
      docker([
        'run',
        '-d',
        '--name',
        squatter,
        '--label',
        `${labLabel}=1`,
        '--network',
        'kind',
        ensureBusyboxImage(),
        'sleep',
        '600',
      ]);
      docker(['start', worker()]);
      const after = addressOf(worker());
      // Docker hands out the lowest free address: the squatter took the worker's.
      expect(addressOf(squatter)).toBe(before);
      expect(after).not.toBe(before);

      let status: ClusterStatus | undefined;
      await vi.waitFor(
        () => {
          const result = kindscope(['status', '--cluster', cluster.name, '--json'], cluster.env, 90_000);
          expect(result.code, result.stderr).toBe(0);
          status = JSON.parse(result.stdout) as ClusterStatus;
          expect(status.nodes.find((n) => n.name === worker())).toMatchObject({
            internalIP: before,
            containerIP: after,
          });
        },
        { timeout: 200_000, interval: 1_000 },
      );
      const finding = status!.findings.find((f) => f.code === 'node-ip-changed');
      expect(finding?.message).toContain(`${worker()} now has ${after} on Docker, but Kubernetes still has ${before}`);

      const ping = kindscope(['ping', '--cluster', cluster.name, '--node', worker(), '--json'], cluster.env, 90_000);
      expect(JSON.parse(ping.stdout).target).toMatchObject({ name: worker(), ip: after });
    },
  );
});
