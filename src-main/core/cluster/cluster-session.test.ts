import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClusterStatus } from '../../contract';
import { kubectlOk, labApi } from '../../../e2e/lab/lab-api.ts';
import { run, startLabCluster, subnetSlot, type LabCluster } from '../../../e2e/lab/lab-cluster.ts';
import { docker } from '../../../e2e/lab/require-docker.ts';
import { comparable } from './status-comparison';
import { kubectlView, modelView } from '../../../e2e/lab/status-oracle.ts';
import { createDockerClient } from '../docker/docker-client';
import { defaultEndpointEnvironment, resolveDockerEndpoint } from '../docker/docker-endpoint';
import { DockerEngineService } from '../docker/docker-engine-service';
import { TopologyService } from '../topology/topology-service';
import { checkService } from '../troubleshoot/service-check';
import { ConnectivityService } from '../host/connectivity-service';
import { createMemoryLogger } from '../util/logger';
import { ClusterRegistry } from './cluster-registry';

let cluster: LabCluster;
let engine: DockerEngineService;
let topology: TopologyService;

const lbService = (name: string, labels: Record<string, string> = {}) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels },
    spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80 }] },
  });

/**
 * A /24 of the kind network outside the lab's per-cluster slots (x.y.200–249): on the
 * shared engine, two clusters whose names hash to the same slot answer ARP for the same
 * IPs, and a check then sees the other cluster's node answer.
 */
function privatePool(): string {
  return subnetSlot('kind', (count) =>
    count >= 256 ? 100 + (randomBytes(1)[0]! % 100) : 1 + (randomBytes(1)[0]! % (count / 2 - 1)),
  );
}

beforeAll(async () => {
  cluster = await startLabCluster({
    name: `i11-cs-${randomBytes(2).toString('hex')}`,
    workers: 2,
    cilium: { pool: privatePool() },
  });
  const endpoint = resolveDockerEndpoint(defaultEndpointEnvironment());
  engine = new DockerEngineService({ endpoint, docker: createDockerClient(endpoint), log: createMemoryLogger() });
  engine.start();
  topology = new TopologyService({ engine, log: createMemoryLogger() });
  kubectlOk(cluster, ['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
  // Pools of this cluster only serve services without a "team" label.
  const pool = JSON.parse(kubectlOk(cluster, ['get', 'ippools', '-o', 'json'])).items[0];
  kubectlOk(cluster, [
    'patch',
    'ippool',
    pool.metadata.name,
    '--type=merge',
    '-p',
    JSON.stringify({ spec: { serviceSelector: { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] } } }),
  ]);
  for (const [name, labels] of [
    ['alpha', {}],
    ['beta', {}],
    ['outside', { team: 'blue' }],
  ] as const)
    kubectlOk(cluster, ['apply', '-f', '-'], lbService(name, labels));
});

afterAll(async () => {
  await topology?.dispose();
  engine?.dispose();
  await cluster?.down();
});

/** The proof's real dependencies: this machine's routes and neighbour table, the engine's networks. */
const proof = () =>
  new ConnectivityService({
    docker: () => engine.docker,
    engineClues: async () => undefined,
    statusOf: () => Promise.reject(new Error('not needed')),
  }).proofDeps();

function registry(kubeconfig = cluster.kubeconfig, log = createMemoryLogger(), deadlineMs?: number): ClusterRegistry {
  return new ClusterRegistry({
    topology,
    kubeconfigEnv: () => kubeconfig,
    log,
    session: { coalesceMs: 50, ...(deadlineMs ? { deadlineMs, requestTimeoutMs: deadlineMs } : {}) },
  });
}

/** Follows the cluster and records every pushed model. */
function follow(clusters: ClusterRegistry) {
  const pushed: ClusterStatus[] = [];
  const subscription = clusters.subscribe((status) => pushed.push(status));
  const hold = clusters.hold(cluster.name);
  return {
    pushed,
    latest: () => pushed.at(-1)!,
    dispose: () => (hold.dispose(), subscription.dispose(), clusters.dispose()),
  };
}

/** A status from a session started now: what a fresh list says. */
async function fresh(): Promise<ClusterStatus> {
  const clusters = registry();
  try {
    const status = await clusters.status(cluster.name);
    expect(status.complete).toBe(true);
    return status;
  } finally {
    clusters.dispose();
  }
}

const eventually = (fn: () => void | Promise<void>) => vi.waitFor(fn, { timeout: 45_000, interval: 200 });

describe('cluster sessions', () => {
  it(
    "KUBECONFIG with two files (as kubectl merges them): the cluster CIDR and a pool overlapping another cluster's",
    { timeout: 180_000 },
    async () => {
      const other = await startLabCluster({ name: `i11-ot-${randomBytes(2).toString('hex')}`, workers: 0, cilium: {} });
      try {
        const ours = JSON.parse(kubectlOk(cluster, ['get', 'ippools', '-o', 'json'])).items[0].spec.blocks[0]
          .cidr as string;
        kubectlOk(
          other,
          ['apply', '-f', '-'],
          JSON.stringify({
            apiVersion: 'cilium.io/v2alpha1',
            kind: 'CiliumLoadBalancerIPPool',
            metadata: { name: 'copied-pool' },
            spec: { blocks: [{ cidr: ours }] },
          }),
        );
        const clusters = registry(`${other.kubeconfig}:${cluster.kubeconfig}`);
        try {
          const status = await clusters.status(cluster.name);
          expect(status.clusterCIDR).toEqual({ cidr: '10.244.0.0/22', source: 'node pod CIDRs' });
          expect(status.findings).toContainEqual(
            expect.objectContaining({
              code: 'pool-overlap-other-cluster',
              message: expect.stringContaining(`of cluster "${other.name}"`),
            }),
          );
        } finally {
          clusters.dispose();
        }
      } finally {
        await other.down();
      }
    },
  );

  it('IPs, lease holders with their MACs, pool counts and pod CIDRs equal kubectl; <pending> explained; a probe is the only answeredBy', async () => {
    const clusters = registry();
    const followed = follow(clusters);
    try {
      await eventually(() => {
        expect(
          followed
            .latest()
            .services.filter((s) => s.leaseHolder?.mac && s.findings.length === 0)
            .map((s) => s.name),
        ).toEqual(['alpha', 'beta']);
        expect(followed.latest().complete).toBe(true);
      });
      const status = followed.latest();
      for (const name of ['alpha', 'beta']) {
        const svc = status.services.find((s) => s.name === name)!;
        const truth = JSON.parse(kubectlOk(cluster, ['get', 'svc', name, '-o', 'json']));
        expect(svc.externalIPs).toEqual([truth.status.loadBalancer.ingress[0].ip]);
        const lease = JSON.parse(
          kubectlOk(cluster, ['get', 'lease', '-n', 'kube-system', `cilium-l2announce-default-${name}`, '-o', 'json']),
        );
        const mac = docker([
          'inspect',
          '--format',
          '{{.NetworkSettings.Networks.kind.MacAddress}}',
          lease.spec.holderIdentity,
        ]).trim();
        expect(svc).toMatchObject({
          holder: lease.spec.holderIdentity,
          holderMac: mac,
          leaseHolder: { node: lease.spec.holderIdentity, mac, lease: `cilium-l2announce-default-${name}` },
          servicePorts: [{ port: 80, protocol: 'TCP' }],
        });
        expect(svc.answeredBy).toBeUndefined();
      }
      const pool = JSON.parse(kubectlOk(cluster, ['get', 'ippools', '-o', 'json'])).items[0];
      const count = (type: string) =>
        Number(pool.status.conditions.find((c: { type: string }) => c.type === type).message);
      expect(status.pools[0]).toMatchObject({
        total: count('cilium.io/IPsTotal'),
        available: count('cilium.io/IPsAvailable'),
        used: 2,
        dockerNetwork: 'kind',
      });
      for (const node of JSON.parse(kubectlOk(cluster, ['get', 'nodes', '-o', 'json'])).items)
        expect(status.nodes.find((n) => n.name === node.metadata.name)?.podCIDRs).toEqual([node.spec.podCIDR]);
      const check = await checkService(status, 'default', 'alpha', proof());
      const alpha = status.services.find((s) => s.name === 'alpha')!;
      expect(check).toMatchObject({
        verdict: 'answers',
        http: { status: 200, body: expect.stringContaining('Hello from web-') },
        answeredBy: { node: alpha.holder, mac: alpha.holderMac },
      });
      clusters.recordProbe(cluster.name, 'default', 'alpha', check.answeredBy!);
      await eventually(() =>
        expect(followed.latest().services.find((s) => s.name === 'alpha')!.answeredBy).toEqual(check.answeredBy),
      );
      // Leases renew every 200 ms here: none of that is a change worth a push.
      const settled = followed.pushed.length;
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      expect(followed.pushed.slice(settled).map((s) => s.generatedAt)).toEqual([]);
      const outside = status.services.find((s) => s.name === 'outside')!;
      expect(outside.findings[0]).toMatchObject({
        code: 'no-pool-matches',
        message: expect.stringContaining('(labels: team=blue)'),
      });
    } finally {
      followed.dispose();
    }
  });

  it(
    'after each fault the pushed model equals a fresh list: services, pools, leases, findings, nodes',
    { timeout: 240_000 },
    async () => {
      const log = createMemoryLogger();
      // A stream deadline longer than the test: recovery must come from the 410, not the watchdog.
      const followed = follow(registry(cluster.kubeconfig, log, 120_000));
      const api = labApi(cluster);
      const settlesEqual = () =>
        eventually(async () => {
          expect(followed.latest().connection.state).toBe('live');
          // Against kubectl's own reading first: two outputs of the same model builder agree even when both are wrong.
          expect(modelView(followed.latest())).toEqual(kubectlView(cluster));
          expect(comparable(followed.latest())).toEqual(comparable(await fresh()));
        });
      try {
        await settlesEqual();
        // The API server goes away: offline while it lasts; changes made meanwhile arrive.
        api.stop();
        await eventually(() => expect(followed.latest().connection.state).toBe('offline'));
        await api.start();
        kubectlOk(cluster, ['apply', '-f', '-'], lbService('after-restart'));
        kubectlOk(cluster, ['delete', 'svc', 'beta']);
        await settlesEqual();
        expect(followed.latest().services.map((s) => s.name)).toEqual(['after-restart', 'alpha', 'outside']);
        // Compacted history: the watches miss a deletion, then resume from a version the server
        // no longer has (410). Only a relist gives the right answer.
        await api.fault({ action: 'stall-watches' });
        kubectlOk(cluster, ['delete', 'svc', 'after-restart']);
        await api.fault({ action: 'compact' });
        // The closed watches resume from their versions at once, which the server no longer has:
        // it says so in-stream (a real server's 410 ERROR event), and only a relist answers.
        await api.fault({ action: 'close-watches' });
        await settlesEqual();
        expect(followed.latest().services.map((s) => s.name)).toEqual(['alpha', 'outside']);
        // The stalled watches resumed from a compacted version and were told 410 (those opened
        // after the stall began saw the deletion live); the model above equals a fresh list for
        // every resource, the relisted ones included.
        await eventually(() =>
          expect(
            log.entries.map((e) => e.message).filter((m) => /: watch error 410 too old resource version/.test(m)),
          ).not.toEqual([]),
        );
        await settlesEqual();
        // Garbage on the streams: skipped, the streams live on.
        await api.fault({ action: 'inject-garbage' });
        kubectlOk(cluster, ['apply', '-f', '-'], lbService('after-garbage'));
        await settlesEqual();
        expect(followed.latest().services.map((s) => s.name)).toContain('after-garbage');
      } finally {
        followed.dispose();
      }
    },
  );

  it(
    'started while the API server is down: unknown, no finding at all; the first lists are retried until it answers',
    { timeout: 120_000 },
    async () => {
      const api = labApi(cluster);
      api.stop();
      const followed = follow(registry());
      try {
        await eventually(() => expect(followed.latest()?.connection.reason).toMatch(/not listed yet: .*nodes.*\(.*\)/));
        const unknown = followed.latest();
        expect(unknown).toMatchObject({
          complete: false,
          connection: { state: 'connecting' },
          cilium: { state: 'unknown', installed: false },
          findings: [],
          services: [],
          pools: [],
        });
        expect(unknown.streams.every((s) => s.state === 'unknown')).toBe(true);
        await api.start();
        await eventually(() =>
          expect(followed.latest()).toMatchObject({
            complete: true,
            connection: { state: 'live' },
            cilium: { state: 'installed' },
          }),
        );
      } finally {
        followed.dispose();
      }
    },
  );

  it('explains an IP nobody announces: L2 announcements off, then kube-proxy replacement "strict"', async () => {
    const upgrade = (...sets: string[]) =>
      run(
        'helm',
        [
          'upgrade',
          'cilium',
          'cilium/cilium',
          '--install',
          '--namespace',
          'kube-system',
          '--kube-context',
          `kind-${cluster.name}`,
          ...sets.flatMap((s) => (s.startsWith('--') ? [s] : ['--set', s])),
        ],
        cluster.env,
      );
    expect((await upgrade('kubeProxyReplacement=true', 'l2announcements.enabled=false')).code).toBe(0);
    const followed = follow(registry());
    try {
      const alpha = () => followed.latest().services.find((s) => s.name === 'alpha')!;
      await eventually(() => expect(alpha().findings.map((f) => f.code)).toContain('l2-announcements-disabled'));
      const ip = alpha().externalIPs[0]!;
      await eventually(async () => {
        spawnSync('ip', ['neigh', 'flush', 'to', ip]);
        const check = await checkService(followed.latest(), 'default', 'alpha', proof());
        expect(check.verdict).toBe('no-arp');
        expect(check.answeredBy).toBeUndefined();
        expect(check.findings.map((f) => f.code)).toContain('l2-announcements-disabled');
      });
      // Only the 1.15 chart takes `strict` (and then lacks the features, cilium/cilium#32711); 1.16+ refuses it (cilium/cilium#36131).
      expect(
        (await upgrade('kubeProxyReplacement=strict', 'l2announcements.enabled=true', '--version=1.15.7')).code,
      ).toBe(0);
      await eventually(() =>
        expect(alpha().findings).toContainEqual(
          expect.objectContaining({
            code: 'kube-proxy-replacement-strict',
            fix: expect.stringContaining('kubeProxyReplacement=true'),
          }),
        ),
      );
    } finally {
      followed.dispose();
    }
  });
});
