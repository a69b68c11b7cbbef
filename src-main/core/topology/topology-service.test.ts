import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClusterTopology } from '../../contract';
import { DockerFaultProxy } from '../../../e2e/lab/docker-fault-proxy.ts';
import { startLabCluster, type LabCluster } from '../../../e2e/lab/lab-cluster.ts';
import { docker } from '../../../e2e/lab/require-docker.ts';
import { createDockerClient } from '../docker/docker-client';
import { defaultEndpointEnvironment, resolveDockerEndpoint } from '../docker/docker-endpoint';
import { DockerEngineService } from '../docker/docker-engine-service';
import { createMemoryLogger } from '../util/logger';
import { TopologyService } from './topology-service';
import { kindscopeEntry } from '../../../e2e/lab/kindscope-entry.ts';

const root = join(import.meta.dirname, '../../..');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
let cluster: LabCluster;

beforeAll(async () => {
  cluster = await startLabCluster({ name: `i11-tp-${randomBytes(2).toString('hex')}`, workers: 2 });
});

afterAll(async () => {
  await cluster?.down();
});

interface HostLink {
  ifindex: number;
  ifname: string;
  master?: string;
}

/** `kindscope topology --cluster N --json`, as a user runs it (optionally in another network namespace). */
function kindscopeTopology(name: string, prefix: string[] = []): ClusterTopology {
  const [bin, ...args] = [...prefix, process.execPath, ...kindscopeEntry, 'topology', '--cluster', name, '--json'];
  const result = spawnSync(bin!, args, { cwd: root, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0)
    throw new Error(`kindscope topology failed (${result.status}): ${result.stderr}${result.stdout}`);
  return JSON.parse(result.stdout) as ClusterTopology;
}

describe('kindscope topology agrees with ground truth taken independently', () => {
  it('bridge, veth pairs, node addresses and every route', () => {
    const topology = kindscopeTopology(cluster.name);
    const networkId = JSON.parse(docker(['network', 'inspect', 'kind']))[0].Id as string;
    const hostLinks: HostLink[] = JSON.parse(spawnSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' }).stdout);
    const bridge = hostLinks.find((link) => link.ifname === `br-${networkId.slice(0, 12)}`);

    expect(topology.observedFrom).toBe('host');
    expect(topology.networks).toHaveLength(1);
    expect(topology.networks[0]!.bridge).toMatchObject({ name: bridge!.ifname, present: true });
    expect(topology.nodes.map((n) => n.name)).toEqual(cluster.nodeNames);
    expect(topology.apiServer?.port).toBe(
      Number(
        JSON.parse(docker(['inspect', `${cluster.name}-control-plane`]))[0].NetworkSettings.Ports['6443/tcp'][0]
          .HostPort,
      ),
    );

    for (const node of topology.nodes) {
      const inspect = JSON.parse(docker(['inspect', node.name]))[0];
      const endpoint = inspect.NetworkSettings.Networks.kind;
      expect(node).toMatchObject({
        ipv4: endpoint.IPAddress,
        mac: endpoint.MacAddress,
        hostname: inspect.Config.Hostname,
        running: true,
      });
      const iflink = Number(docker(['exec', node.name, 'cat', '/sys/class/net/eth0/iflink']).trim());
      const peer = hostLinks.find((link) => link.ifindex === iflink)!;
      expect(node.veth).toMatchObject({ ifname: peer.ifname, ifindex: iflink, master: bridge!.ifname, onBridge: true });
      const routes: { dst: string; dev?: string; gateway?: string }[] = JSON.parse(
        docker(['exec', node.name, 'ip', '-j', 'route']),
      );
      for (const route of routes) {
        expect(node.routes).toContainEqual(
          expect.objectContaining({
            dst: route.dst,
            ...(route.dev ? { dev: route.dev } : {}),
            ...(route.gateway ? { via: route.gateway } : {}),
          }),
        );
      }
      for (const route of node.routes) expect(route.explanation.length).toBeGreaterThan(20);
    }
    expect(topology.host.reachability.status).toBe('yes');
  });

  it('in a network namespace without the bridge (like a Mac), the model is complete and marked engine-vm', () => {
    const topology = kindscopeTopology(cluster.name, ['unshare', '-n']);
    expect(topology.observedFrom).toBe('engine-vm');
    expect(topology.networks[0]!.bridge.present).toBe(true);
    for (const node of topology.nodes) expect(node.veth?.onBridge).toBe(true);
    expect(topology.host.reachability.status).toBe('no');
    // The CLI's helper container is gone: every helper left on the shared engine belongs to a
    // Kindscope process that still runs (another test's, another engineer's), none to a finished one.
    const owners = docker([
      'ps',
      '-a',
      '--filter',
      'label=io.kindscope.helper',
      '--format',
      '{{.Label "io.kindscope.owner-pid"}}',
    ])
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
    expect(owners.filter((pid) => !isAlive(pid))).toEqual([]);
  });
});

describe('without the helper container (refused, as on a rootless engine)', () => {
  it('reads each node with its own docker exec and gets the same addresses and routes', async () => {
    const endpoint = resolveDockerEndpoint(defaultEndpointEnvironment());
    const log = createMemoryLogger();
    const withHelper = new TopologyService({
      engine: new DockerEngineService({ endpoint, docker: createDockerClient(endpoint), log: createMemoryLogger() }),
      log: createMemoryLogger(),
    });
    // The same engine, except that it refuses to create containers: the helper cannot start.
    const refusing = Object.create(createDockerClient(endpoint)) as ReturnType<typeof createDockerClient>;
    refusing.createContainer = () => Promise.reject(new Error('refused by the test: no --pid host here'));
    const perNode = new TopologyService({
      engine: new DockerEngineService({ endpoint, docker: refusing, log: createMemoryLogger() }),
      log,
    });
    try {
      const [a, b] = [await withHelper.snapshot(cluster.name), await perNode.snapshot(cluster.name)];
      expect(log.entries.some((e) => /reading each node with docker exec instead/.test(e.message))).toBe(true);
      expect(b.nodes.map((n) => n.name)).toEqual(cluster.nodeNames);
      for (const node of b.nodes) {
        const other = a.nodes.find((n) => n.name === node.name)!;
        expect(node.problem).toBeUndefined();
        expect(node.routes.map((r) => r.raw).sort()).toEqual(other.routes.map((r) => r.raw).sort());
        expect(node.interfaces).toEqual(other.interfaces);
        expect(node.routes.length).toBeGreaterThan(0);
      }
    } finally {
      await withHelper.dispose();
      await perNode.dispose();
    }
  });
});

describe('live topology', () => {
  let proxy: DockerFaultProxy;
  let engine: DockerEngineService;
  let service: TopologyService;
  const pushed: ClusterTopology[] = [];

  beforeAll(async () => {
    proxy = await DockerFaultProxy.start();
    const endpoint = resolveDockerEndpoint(defaultEndpointEnvironment({ DOCKER_HOST: proxy.dockerHost }));
    engine = new DockerEngineService({ endpoint, docker: createDockerClient(endpoint), log: createMemoryLogger() });
    service = new TopologyService({ engine, log: createMemoryLogger(), coalesceMs: 100 });
    service.onDidChangeTopology((topology) => pushed.push(topology));
    engine.start();
    await vi.waitFor(() => expect(engine.getStatus().state).toBe('live'), { timeout: 20_000 });
    await service.snapshot(cluster.name);
  });

  afterAll(async () => {
    await service?.dispose();
    engine?.dispose();
    await proxy?.close();
  });

  const latest = (): ClusterTopology | undefined => pushed.at(-1);
  const node = (topology: ClusterTopology | undefined, name: string) => topology?.nodes.find((n) => n.name === name);
  const eventually = (fn: () => void) => vi.waitFor(fn, { timeout: 30_000, interval: 50 });

  it('pushes a stopped node as stopped, then running again, without polling', async () => {
    const worker2 = `${cluster.name}-worker2`;
    const since = Date.now();
    docker(['stop', '-t', '1', worker2]);
    await eventually(() => expect(node(latest(), worker2)).toMatchObject({ state: 'exited', running: false }));
    expect(node(latest(), worker2)!.veth).toBeUndefined();
    expect(node(latest(), worker2)!.problem).toMatch(/exited/);
    docker(['start', worker2]);
    await eventually(() =>
      expect(node(latest(), worker2)).toMatchObject({
        state: 'running',
        running: true,
        veth: expect.objectContaining({ onBridge: true }),
      }),
    );

    // Idle: the topology makes no calls at all (the engine's own re-reads — /version, /info
    // and the list of Kindscope's helpers it leaves out of the counts — answer other test
    // files' containers on the same engine).
    const engineProbe = (c: { path: string; target: string }) =>
      ['/info', '/version'].includes(c.path) ||
      (c.path === '/containers/json' && decodeURIComponent(c.target).includes('io.kindscope.helper'));
    // A started node's routes are re-read until they settle (a bounded back-off, not polling):
    // the idle window begins once that is done.
    await vi.waitFor(() => expect(service.settlingRoutes).toBe(false), { timeout: 60_000, interval: 200 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const idleSince = Date.now();
    // 6 s: long enough to catch polling every 2–5 s, which a 2 s window would miss.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(proxy.calls.filter((c) => c.at >= idleSince && !engineProbe(c))).toEqual([]);
    expect(
      proxy.calls.filter((c) => c.at >= since && c.path === '/containers/json' && !engineProbe(c)).length,
    ).toBeLessThanOrEqual(8);
  });

  it("pushes a node's stop from Docker's event alone, while every read of the engine is stalled", async () => {
    const worker2 = `${cluster.name}-worker2`;
    await vi.waitFor(() => expect(service.settlingRoutes).toBe(false), { timeout: 60_000, interval: 200 });
    expect(node(await service.snapshot(cluster.name), worker2)?.running).toBe(true);
    // Requests made from now on wait 60 s in the proxy; the open events stream still flows.
    proxy.delay(60_000);
    try {
      docker(['stop', '-t', '1', worker2]);
      await vi.waitFor(
        () => expect(node(latest(), worker2)).toMatchObject({ state: 'exited', running: false, routes: [] }),
        { timeout: 20_000, interval: 50 },
      );
      expect(node(latest(), worker2)!.veth).toBeUndefined();
    } finally {
      proxy.delay(0);
      docker(['start', worker2]);
    }
    await vi.waitFor(() => expect(node(latest(), worker2)?.veth?.onBridge).toBe(true), {
      timeout: 120_000,
      interval: 100,
    });
  }, 180_000);

  it('recovers after the events stream is cut: changes during the cut arrive', async () => {
    const worker2 = `${cluster.name}-worker2`;
    const cutAt = Date.now();
    expect(proxy.cutEvents()).toBe(1);
    docker(['stop', '-t', '1', worker2]);
    // The stream opens again (after its backoff) asking from its last event on, so the stop made
    // during the cut arrives. Reads the stalled test above left waiting in the proxy are not it.
    const reopened = () => proxy.calls.filter((c) => c.path === '/events' && c.at >= cutAt);
    await eventually(() => expect(reopened().length).toBeGreaterThan(0));
    expect(reopened().map((c) => c.target)).toEqual(reopened().map(() => expect.stringMatching(/since=/)));
    await eventually(() => expect(node(latest(), worker2)?.state).toBe('exited'));
    docker(['start', worker2]);
    await eventually(() => expect(node(latest(), worker2)?.running).toBe(true));
  });

  it('pushes a removed node as gone', async () => {
    const extra = `${cluster.name}-worker3`;
    const image = docker(['inspect', '--format', '{{.Config.Image}}', `${cluster.name}-worker`]).trim();
    docker([
      'run',
      '-d',
      '--name',
      extra,
      '--hostname',
      extra,
      '--net',
      'kind',
      '--label',
      `io.x-k8s.kind.cluster=${cluster.name}`,
      '--label',
      'io.x-k8s.kind.role=worker',
      '--label',
      'io.kindscope.lab=test',
      image,
    ]);
    await eventually(() => expect(node(latest(), extra)?.running).toBe(true));
    docker(['rm', '-f', extra]);
    await eventually(() => expect(node(latest(), extra)).toBeUndefined());
  });
});
