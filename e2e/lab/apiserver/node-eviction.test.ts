import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { KubeObject } from './kube-object.ts';
import { kubectl, kubectlOk } from '../lab-api.ts';
import { startLabCluster, type LabCluster } from '../lab-cluster.ts';
import { docker } from '../require-docker.ts';

let cluster: LabCluster;
const eventually = <T>(fn: () => T, timeout = 40_000) => vi.waitFor(fn, { timeout, interval: 250 });
const json = (args: string[]) => JSON.parse(kubectlOk(cluster, args)) as KubeObject;

beforeAll(async () => {
  // Both periods shortened: NotReady after 3 s, eviction 3 s later (real defaults 50 s and 300 s).
  cluster = await startLabCluster({
    name: `i12-evict-${process.pid}`,
    workers: 2,
    cilium: {},
    nodeMonitorGracePeriod: '3s',
    unreachableToleration: '3s',
  });
});

afterAll(async () => {
  await cluster?.down();
});

describe('taint-based eviction from an unreachable node', () => {
  it('the pod on a stopped worker goes Terminating and stays so, its ReplicaSet replaces it elsewhere; it goes when the node is back', async () => {
    kubectlOk(cluster, ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2']);
    kubectlOk(cluster, ['expose', 'deployment', 'web', '--port=80']);
    const worker = `${cluster.name}-worker2`;
    await eventually(() =>
      expect(
        (json(['get', 'pods', '-l', 'app=web', '-o', 'json']).items as KubeObject[]).map((p) => p.spec.nodeName),
      ).toContain(worker),
    );
    const victim = (json(['get', 'pods', '-l', 'app=web', '-o', 'json']).items as KubeObject[]).find(
      (p) => p.spec.nodeName === worker,
    )!.metadata.name as string;
    docker(['stop', '-t', '1', worker]);
    try {
      await eventually(() =>
        expect(json(['get', 'pod', victim, '-o', 'json']).metadata.deletionTimestamp).toBeTruthy(),
      );
      expect(kubectlOk(cluster, ['get', 'pod', victim])).toMatch(/Terminating/);
      await eventually(() => {
        const pods = json(['get', 'pods', '-l', 'app=web', '-o', 'json']).items as KubeObject[];
        const live = pods.filter((p) => !p.metadata.deletionTimestamp);
        expect(live).toHaveLength(2);
        expect(live.every((p) => p.spec.nodeName === `${cluster.name}-worker` && p.status.phase === 'Running')).toBe(
          true,
        );
      });
      await eventually(() => expect(json(['get', 'deployment', 'web', '-o', 'json']).status.readyReplicas).toBe(2));
      const endpoints = (
        json(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'json']).items as KubeObject[]
      ).flatMap((s) => s.endpoints) as KubeObject[];
      expect(endpoints.find((e) => e.targetRef.name === victim)?.conditions).toEqual({
        ready: false,
        serving: false,
        terminating: true,
      });
      // Still Terminating a while later: nobody on the dead node confirms the deletion.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(kubectl(cluster, ['get', 'pod', victim]).code).toBe(0);
    } finally {
      docker(['start', worker]);
    }
    await eventually(() => expect(kubectl(cluster, ['get', 'pod', victim]).stderr).toContain('NotFound'));
  });
});
