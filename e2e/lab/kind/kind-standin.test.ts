import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, tryDocker } from '../require-docker.ts';
import { labEnv, run, startLabCluster, type LabCluster } from '../lab-cluster.ts';

interface HostLink {
  ifindex: number;
  ifname: string;
  master?: string;
  operstate: string;
}

let cluster: LabCluster;

beforeAll(async () => {
  cluster = await startLabCluster({ workers: 2 });
});

afterAll(async () => {
  await cluster?.down();
});

const inspect = (name: string) => JSON.parse(docker(['inspect', name]))[0];

describe('kind stand-in: create cluster', () => {
  it('leaves the containers kind leaves, with its labels, hostnames and the API port on 127.0.0.1', () => {
    const [controlPlane, worker, worker2] = cluster.nodeNames.map(inspect);
    expect(controlPlane.Config.Labels).toMatchObject({
      'io.x-k8s.kind.cluster': cluster.name,
      'io.x-k8s.kind.role': 'control-plane',
    });
    expect(worker.Config.Labels).toMatchObject({
      'io.x-k8s.kind.cluster': cluster.name,
      'io.x-k8s.kind.role': 'worker',
    });
    expect(worker2.Name).toBe(`/${cluster.name}-worker2`);
    for (const node of [controlPlane, worker, worker2]) {
      expect(node.Config.Hostname).toBe(node.Name.slice(1));
      expect(node.State.Running).toBe(true);
      expect(Object.keys(node.NetworkSettings.Networks)).toEqual(['kind']);
    }
    const binding = controlPlane.NetworkSettings.Ports['6443/tcp'][0];
    expect(binding.HostIp).toBe('127.0.0.1');
    expect(Number(binding.HostPort)).toBeGreaterThan(0);
    expect(worker.NetworkSettings.Ports['6443/tcp']).toBeUndefined();
    expect(controlPlane.Config.Image).toBe('kindest/node:v1.33.1');
  });

  it('makes network "kind" with a Docker-chosen IPv4 subnet and kind\'s IPv6 ULA /64', () => {
    const network = JSON.parse(docker(['network', 'inspect', 'kind']))[0];
    const subnets: string[] = network.IPAM.Config.map((c: { Subnet: string }) => c.Subnet);
    // Docker's default pools: a /16 from 172.17–172.31, then /20s from 192.168.0.0/16 once those
    // are taken (an engine that made many networks); kind passes no IPv4 subnet either way.
    expect(subnets.some((s) => /^172\.(1[7-9]|2\d|3[01])\.0\.0\/16$|^192\.168\.\d+\.0\/20$/.test(s))).toBe(true);
    expect(subnets).toContain('fc00:f853:ccd:e793::/64');
    expect(network.EnableIPv6).toBe(true);
  });

  it('writes a kubeconfig context kind-<name> pointing at the published port', () => {
    const config = parse(readFileSync(cluster.kubeconfig, 'utf8'));
    const port = inspect(`${cluster.name}-control-plane`).NetworkSettings.Ports['6443/tcp'][0].HostPort;
    expect(config['current-context']).toBe(`kind-${cluster.name}`);
    const entry = config.clusters.find((c: { name: string }) => c.name === `kind-${cluster.name}`);
    expect(entry.cluster.server).toBe(`https://127.0.0.1:${port}`);
    expect(Buffer.from(entry.cluster['certificate-authority-data'], 'base64').toString()).toContain(
      'BEGIN CERTIFICATE',
    );
    const user = config.users.find((u: { name: string }) => u.name === `kind-${cluster.name}`);
    expect(Buffer.from(user.user['client-key-data'], 'base64').toString()).toContain('PRIVATE KEY');
  });

  it('lists the cluster and its nodes, and refuses to create it twice as kind does', async () => {
    const clusters = await run('kind', ['get', 'clusters'], cluster.env);
    expect(clusters.output.split('\n')).toContain(cluster.name);
    const nodes = await run('kind', ['get', 'nodes', '--name', cluster.name], cluster.env);
    expect(nodes.output.trim().split('\n')).toEqual([...cluster.nodeNames].sort());
    const again = await run('kind', ['create', 'cluster', '--name', cluster.name], cluster.env);
    expect(again.code).toBe(1);
    expect(again.output).toContain(
      `ERROR: failed to create cluster: node(s) already exist for a cluster with the name "${cluster.name}"`,
    );
  });

  it('wires each node eth0 to a host veth whose master is the network bridge', () => {
    const networkId: string = JSON.parse(docker(['network', 'inspect', 'kind']))[0].Id;
    const bridge = `br-${networkId.slice(0, 12)}`;
    const links: HostLink[] = JSON.parse(spawnSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' }).stdout);
    expect(links.some((link) => link.ifname === bridge)).toBe(true);
    for (const node of cluster.nodeNames) {
      const iflink = Number(docker(['exec', node, 'cat', '/sys/class/net/eth0/iflink']).trim());
      const peer = links.find((link) => link.ifindex === iflink);
      expect(peer?.ifname).toMatch(/^veth/);
      expect(peer?.master).toBe(bridge);
    }
  });

  it('runs iproute2 inside nodes: `ip -j route` answers JSON', () => {
    const routes = JSON.parse(docker(['exec', `${cluster.name}-worker`, 'ip', '-j', 'route']));
    expect(routes.some((route: { dst: string }) => route.dst === 'default')).toBe(true);
  });

  it("prints kind's kubeconfig for the cluster, and the internal one", async () => {
    const external = await run('kind', ['get', 'kubeconfig', '--name', cluster.name], cluster.env);
    expect(parse(external.output).clusters[0].cluster.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const internal = await run('kind', ['get', 'kubeconfig', '--internal', '--name', cluster.name], cluster.env);
    expect(parse(internal.output).clusters[0].cluster.server).toBe(`https://${cluster.name}-control-plane:6443`);
  });
});

describe('kind stand-in: errors and delete', () => {
  it('rejects an invalid config like kind, leaving nothing behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindscope-kind-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  kubeProxyMode: bpf\n');
    const env = labEnv({ KUBECONFIG: join(dir, 'kubeconfig') });
    const result = await run('kind', ['create', 'cluster', '--name', 'ks-invalid', '--config', file], env);
    expect(result.code).toBe(1);
    expect(result.output).toContain('ERROR: failed to create cluster: invalid kubeProxyMode: bpf');
    expect(tryDocker(['inspect', 'ks-invalid-control-plane']).status).not.toBe(0);
    const unknown = await run('kind', ['create', 'cluster', '--bogus'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.output).toContain('ERROR: unknown flag: --bogus');
  });

  it('rejects a lab node-monitor grace period that is not a duration, naming the variable and the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindscope-kind-'));
    const env = labEnv({ KUBECONFIG: join(dir, 'kubeconfig'), KINDSCOPE_LAB_NODE_MONITOR_GRACE_PERIOD: 'soon' });
    const result = await run('kind', ['create', 'cluster', '--name', 'i12-badgrace'], env);
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      'ERROR: failed to create cluster: KINDSCOPE_LAB_NODE_MONITOR_GRACE_PERIOD="soon" is not a duration. Fix: use a Go-style duration such as 5s or 40s',
    );
    expect(tryDocker(['inspect', 'i12-badgrace-control-plane']).status).not.toBe(0);
  });

  it('delete removes the nodes and kubeconfig entries and keeps the kind network', async () => {
    const doomed = await startLabCluster({ workers: 0 });
    const deleted = await run('kind', ['delete', 'cluster', '--name', doomed.name], doomed.env);
    expect(deleted.output).toContain(`Deleted nodes: ["${doomed.name}-control-plane"]`);
    const kubeconfig = parse(readFileSync(doomed.kubeconfig, 'utf8'));
    expect(kubeconfig.contexts.map((c: { name: string }) => c.name)).not.toContain(`kind-${doomed.name}`);
    expect(kubeconfig.clusters.map((c: { name: string }) => c.name)).not.toContain(`kind-${doomed.name}`);
    expect(kubeconfig['current-context']).toBe('');
    await doomed.down();
    expect(tryDocker(['inspect', `${doomed.name}-control-plane`]).status).not.toBe(0);
    expect(tryDocker(['network', 'inspect', 'kind']).status).toBe(0);
    const clusters = await run('kind', ['get', 'clusters'], doomed.env);
    expect(clusters.output.split('\n')).not.toContain(doomed.name);
  });
});
