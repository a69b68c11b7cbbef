import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { kubectl, kubectlOk } from '../lab-api.ts';
import { autoPool, startLabCluster, type LabCluster } from '../lab-cluster.ts';

let cluster: LabCluster;
const eventually = <T>(fn: () => T, timeout = 30_000) => vi.waitFor(fn, { timeout, interval: 250 });

beforeAll(async () => {
  cluster = await startLabCluster({ name: `i12-l2pol-${process.pid}`, workers: 1, cilium: {} });
});

afterAll(async () => {
  await cluster?.down();
});

const policy = (loadBalancerIPs: boolean | undefined) => `apiVersion: cilium.io/v2alpha1
kind: CiliumL2AnnouncementPolicy
metadata:
  name: only-eth
spec:
  interfaces: ["^eth[0-9]+"]
${loadBalancerIPs === undefined ? '' : `  loadBalancerIPs: ${loadBalancerIPs}\n`}`;

describe('a CiliumL2AnnouncementPolicy announces LoadBalancer IPs only with loadBalancerIPs: true', () => {
  it('without the field (a Go bool: false) the service gets an IP but no lease and no answer; with it, the lease and the answer come', async () => {
    kubectlOk(
      cluster,
      ['apply', '-f', '-'],
      `apiVersion: cilium.io/v2alpha1\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: pool\nspec:\n  blocks:\n  - cidr: "${autoPool('kind', cluster.name)}"\n---\n${policy(undefined)}`,
    );
    kubectlOk(cluster, ['create', 'deployment', 'web', '--image=nginx:1.27']);
    kubectlOk(cluster, ['expose', 'deployment', 'web', '--type=LoadBalancer', '--port=80']);
    await eventually(() =>
      expect(kubectlOk(cluster, ['get', 'svc', 'web', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}'])).toMatch(
        /^\d+\.\d+\.\d+\.\d+$/,
      ),
    );
    const ip = kubectlOk(cluster, ['get', 'svc', 'web', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']);
    await eventually(() =>
      expect(kubectlOk(cluster, ['get', 'deployment', 'web', '-o', 'jsonpath={.status.readyReplicas}'])).toBe('1'),
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(kubectl(cluster, ['get', 'lease', '-n', 'kube-system', 'cilium-l2announce-default-web']).code).not.toBe(0);
    kubectlOk(cluster, ['apply', '-f', '-'], policy(true));
    await eventually(() =>
      expect(kubectl(cluster, ['get', 'lease', '-n', 'kube-system', 'cilium-l2announce-default-web']).code).toBe(0),
    );
    await eventually(() =>
      expect(spawnSync('curl', ['-s', '-m', '2', `http://${ip}/`], { encoding: 'utf8' }).stdout).toMatch(
        /Hello from web-/,
      ),
    );
  });
});
