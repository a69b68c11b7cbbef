import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClusterStatus } from '../../contract';
import { kubectlOk, labApi } from '../../../e2e/lab/lab-api.ts';
import { run, startLabCluster, type LabCluster } from '../../../e2e/lab/lab-cluster.ts';
import { docker } from '../../../e2e/lab/require-docker.ts';
import { createDockerClient } from '../docker/docker-client';
import { defaultEndpointEnvironment, resolveDockerEndpoint } from '../docker/docker-endpoint';
import { DockerEngineService } from '../docker/docker-engine-service';
import { createMemoryLogger } from '../util/logger';
import { checkService } from '../troubleshoot/service-check';
import { ClusterStatusService } from './cluster-status-service';

let cluster: LabCluster;
let engine: DockerEngineService;

const lbService = (name: string, labels: Record<string, string> = {}) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name, labels }, spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80 }] } });

beforeAll(async () => {
  cluster = await startLabCluster({ workers: 2, cilium: { pool: 'auto' } });
  const endpoint = resolveDockerEndpoint(defaultEndpointEnvironment());
  engine = new DockerEngineService({ endpoint, docker: createDockerClient(endpoint), log: createMemoryLogger() });
  kubectlOk(cluster, ['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
  // Pools of this cluster only serve services without a "team" label.
  const pool = JSON.parse(kubectlOk(cluster, ['get', 'ippools', '-o', 'json'])).items[0];
  kubectlOk(cluster, ['patch', 'ippool', pool.metadata.name, '--type=merge', '-p', JSON.stringify({ spec: { serviceSelector: { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] } } })]);
  kubectlOk(cluster, ['apply', '-f', '-'], lbService('alpha'));
  kubectlOk(cluster, ['apply', '-f', '-'], lbService('beta'));
  kubectlOk(cluster, ['apply', '-f', '-'], lbService('outside', { team: 'blue' }));
});

afterAll(async () => {
  engine?.dispose();
  await cluster?.down();
});

function newService(): ClusterStatusService {
  return new ClusterStatusService({ cluster: cluster.name, kubeconfigPath: cluster.kubeconfig, engine, log: createMemoryLogger(), coalesceMs: 50, inactivityMs: 2_000 });
}

const eventually = (fn: () => void | Promise<void>) => vi.waitFor(fn, { timeout: 30_000, interval: 200 });

describe('kindscope status', () => {
  it('derives the cluster CIDR and finds a pool that overlaps another cluster\'s on the same kind network', async () => {
    const other = await startLabCluster({ workers: 0, cilium: {} });
    try {
      // The other cluster's pool takes the same range as ours (a copy-pasted manifest).
      const ours = JSON.parse(kubectlOk(cluster, ['get', 'ippools', '-o', 'json'])).items[0].spec.blocks[0].cidr as string;
      kubectlOk(other, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'cilium.io/v2alpha1', kind: 'CiliumLoadBalancerIPPool', metadata: { name: 'copied-pool' }, spec: { blocks: [{ cidr: ours }] } }));
      // Both kubeconfigs in one, as a user's ~/.kube/config holds every kind cluster.
      const merged = spawnSync('kubectl', ['config', 'view', '--flatten'], { env: { ...cluster.env, KUBECONFIG: `${cluster.kubeconfig}:${other.kubeconfig}` }, encoding: 'utf8' }).stdout;
      const file = join(mkdtempSync(join(tmpdir(), 'kindscope-kc-')), 'config');
      writeFileSync(file, merged);
      const both = new ClusterStatusService({ cluster: cluster.name, kubeconfigPath: file, engine, log: createMemoryLogger() });
      await both.start();
      const status = await both.status();
      both.dispose();
      expect(status.clusterCIDR).toEqual({ cidr: '10.244.0.0/22', source: 'node pod CIDRs' });
      expect(status.findings).toContainEqual(expect.objectContaining({ code: 'pool-overlap-other-cluster', message: expect.stringContaining(`of cluster "${other.name}"`) }));
    } finally {
      await other.down();
    }
  });

  it('gives the IPs with their lease holders and MACs, pool counts and pod CIDRs, equal to kubectl; explains <pending>', async () => {
    const service = newService();
    await service.start();
    try {
      let status!: ClusterStatus;
      // Eventually consistent: every stream live, both services announced, nothing left to explain.
      await eventually(async () => {
        status = await service.status();
        expect(status.connection.state).toBe('live');
        expect(status.services.filter((s) => s.holder && s.findings.length === 0).map((s) => s.name).sort()).toEqual(['alpha', 'beta']);
      });
      for (const name of ['alpha', 'beta']) {
        const svc = status.services.find((s) => s.name === name)!;
        const truth = JSON.parse(kubectlOk(cluster, ['get', 'svc', name, '-o', 'json']));
        expect(svc.externalIPs).toEqual([truth.status.loadBalancer.ingress[0].ip]);
        const lease = JSON.parse(kubectlOk(cluster, ['get', 'lease', '-n', 'kube-system', `cilium-l2announce-default-${name}`, '-o', 'json']));
        expect(svc.holder).toBe(lease.spec.holderIdentity);
        expect(svc.holderMac).toBe(docker(['inspect', '--format', '{{.NetworkSettings.Networks.kind.MacAddress}}', svc.holder!]).trim());
        expect(svc.findings).toEqual([]);
      }
      const pool = JSON.parse(kubectlOk(cluster, ['get', 'ippools', '-o', 'json'])).items[0];
      const count = (type: string) => Number(pool.status.conditions.find((c: { type: string }) => c.type === type).message);
      expect(status.pools[0]).toMatchObject({ total: count('cilium.io/IPsTotal'), available: count('cilium.io/IPsAvailable'), used: 2, dockerNetwork: 'kind' });
      const nodes = JSON.parse(kubectlOk(cluster, ['get', 'nodes', '-o', 'json'])).items;
      for (const node of nodes) expect(status.nodes.find((n) => n.name === node.metadata.name)?.podCIDRs).toEqual([node.spec.podCIDR]);
      // Checked from this machine: HTTP answers, and ARP resolved the IP to the lease holder's MAC.
      const alphaCheck = await checkService(status, 'default', 'alpha');
      expect(alphaCheck).toMatchObject({ verdict: 'answers', http: { ok: true, status: 200, body: expect.stringContaining('Hello from web-') }, neighbour: { mac: status.services.find((s) => s.name === 'alpha')!.holderMac } });
      expect((await checkService(status, 'default', 'outside')).verdict).toBe('pending');
      const outside = status.services.find((s) => s.name === 'outside')!;
      expect(outside.externalIPs).toEqual([]);
      expect(outside.findings[0]).toMatchObject({ code: 'no-pool-matches', message: expect.stringContaining("No pool's serviceSelector matches this service (labels: team=blue)") });
    } finally {
      service.dispose();
    }
  });

  it('the pushed model survives faults and ends equal to a fresh list each time', async () => {
    const service = newService();
    const pushed: ClusterStatus[] = [];
    service.onDidChange((status) => pushed.push(status));
    await service.start();
    const api = labApi(cluster);
    const lbNames = () =>
      (JSON.parse(kubectlOk(cluster, ['get', 'svc', '-o', 'json'])).items as { metadata: { name: string }; spec: { type: string } }[])
        .filter((s) => s.spec.type === 'LoadBalancer')
        .map((s) => s.metadata.name)
        .sort();
    const latest = () => pushed.at(-1)!;
    try {
      // The API server goes away: offline while it lasts.
      api.stop();
      await eventually(() => expect(latest().connection.state).toBe('offline'));
      await api.start();
      kubectlOk(cluster, ['apply', '-f', '-'], lbService('after-restart'));
      kubectlOk(cluster, ['delete', 'svc', 'beta']);
      await eventually(() => {
        expect(latest().connection.state).toBe('live');
        expect(latest().services.map((s) => s.name).sort()).toEqual(lbNames());
      });
      // A forced 410: relist, no ghosts.
      await api.fault({ action: 'expire-next-watch' });
      await api.fault({ action: 'close-watches' });
      kubectlOk(cluster, ['delete', 'svc', 'after-restart']);
      await eventually(() => expect(latest().services.map((s) => s.name).sort()).toEqual(lbNames()));
      // Garbage on the streams (a line that is not JSON, an object without metadata): skipped, the streams live on.
      await api.fault({ action: 'inject-garbage' });
      kubectlOk(cluster, ['apply', '-f', '-'], lbService('after-garbage'));
      await eventually(() => expect(latest().services.map((s) => s.name)).toContain('after-garbage'));
      expect(latest().connection.state).toBe('live');
      // A stalled watch (open, silent): the watchdog restarts it and the missed change arrives.
      await api.fault({ action: 'stall-watches' });
      kubectlOk(cluster, ['apply', '-f', '-'], lbService('during-stall'));
      await eventually(() => expect(latest().services.map((s) => s.name).sort()).toEqual(lbNames()));
      expect(latest().services.map((s) => s.name)).toContain('during-stall');
    } finally {
      service.dispose();
    }
  });

  it('explains an IP that nobody announces: L2 announcements off, then kube-proxy replacement "strict"', async () => {
    const upgrade = (...sets: string[]) => run('helm', ['upgrade', 'cilium', 'cilium/cilium', '--install', '--namespace', 'kube-system', '--kube-context', `kind-${cluster.name}`, ...sets.flatMap((s) => ['--set', s])], cluster.env);
    expect((await upgrade('kubeProxyReplacement=true', 'l2announcements.enabled=false')).code).toBe(0);
    const service = newService();
    await service.start();
    try {
      await eventually(async () => expect((await service.status()).services.find((s) => s.name === 'alpha')!.findings.map((f) => f.code)).toContain('l2-announcements-disabled'));
      // Nobody announces the IP any more: with the stale neighbour entry gone, ARP goes unanswered.
      const status = await service.status();
      const ip = status.services.find((s) => s.name === 'alpha')!.externalIPs[0]!;
      await eventually(async () => {
        spawnSync('ip', ['neigh', 'flush', 'to', ip]);
        const check = await checkService(await service.status(), 'default', 'alpha');
        expect(check.verdict).toBe('no-arp');
        expect(check.findings.map((f) => f.code)).toContain('l2-announcements-disabled');
      });
      expect((await upgrade('kubeProxyReplacement=strict', 'l2announcements.enabled=true')).code).toBe(0);
      await eventually(async () => {
        const alpha = (await service.status()).services.find((s) => s.name === 'alpha')!;
        expect(alpha.findings).toContainEqual(expect.objectContaining({ code: 'kube-proxy-replacement-strict', fix: expect.stringContaining('kubeProxyReplacement=true') }));
      });
    } finally {
      service.dispose();
    }
  });
});
