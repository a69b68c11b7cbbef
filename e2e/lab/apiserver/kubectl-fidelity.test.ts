import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { docker } from '../require-docker.ts';
import { startLabCluster, type LabCluster } from '../lab-cluster.ts';
import { kubectl, kubectlOk } from '../lab-api.ts';
import type { KubeObject } from './kube-object.ts';

const manifests = join(import.meta.dirname, '../manifests');
let cluster: LabCluster;

beforeAll(async () => {
  cluster = await startLabCluster({ workers: 1 });
});

afterAll(async () => {
  await cluster?.down();
});

/** The real kubectl (the machine's dispatcher picks 1.33 from /version) against the lab. */
describe('kubectl against the lab API server', () => {
  it('get nodes -o json: NotReady nodes with pod CIDRs in order and InternalIPs of the containers', () => {
    const nodes = JSON.parse(kubectlOk(cluster, ['get', 'nodes', '-o', 'json'])).items;
    expect(nodes.map((n: { metadata: { name: string } }) => n.metadata.name)).toEqual(cluster.nodeNames);
    nodes.forEach((node: KubeObject, index: number) => {
      expect(node.spec.podCIDR).toBe(`10.244.${index}.0/24`);
      const ready = node.status.conditions.find((c: { type: string }) => c.type === 'Ready');
      expect(ready.status).toBe('False');
      const internal = node.status.addresses.find(
        (a: { type: string; address: string }) => a.type === 'InternalIP' && a.address.includes('.'),
      );
      expect(internal.address).toBe(
        docker(['inspect', '--format', '{{.NetworkSettings.Networks.kind.IPAddress}}', node.metadata.name]).trim(),
      );
    });
    const table = kubectlOk(cluster, ['get', 'nodes']);
    expect(table).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
    expect(table).toMatch(new RegExp(`${cluster.name}-control-plane\\s+NotReady\\s+control-plane\\s+\\S+\\s+v1\\.33`));
  });

  it('get ns lists the system namespaces', () => {
    expect(kubectlOk(cluster, ['get', 'ns'])).toMatch(/default\s+Active[\s\S]*kube-system\s+Active/);
  });

  it('create deployment (a protobuf body), patch it three ways, delete it', () => {
    expect(kubectlOk(cluster, ['create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2'])).toContain(
      'deployment.apps/web created',
    );
    const created = JSON.parse(kubectlOk(cluster, ['get', 'deploy', 'web', '-o', 'json']));
    expect(created.spec).toMatchObject({ replicas: 2, selector: { matchLabels: { app: 'web' } } });
    expect(created.spec.template.spec.containers).toEqual([
      expect.objectContaining({ name: 'nginx', image: 'nginx:1.27' }),
    ]);

    kubectlOk(cluster, ['patch', 'deploy', 'web', '--type=merge', '-p', '{"spec":{"replicas":3}}']);
    kubectlOk(cluster, [
      'patch',
      'deploy',
      'web',
      '--type=json',
      '-p',
      '[{"op":"add","path":"/metadata/labels/tier","value":"front"}]',
    ]);
    kubectlOk(cluster, [
      'patch',
      'deploy',
      'web',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}',
    ]);
    const patched = JSON.parse(kubectlOk(cluster, ['get', 'deploy', 'web', '-o', 'json']));
    expect(patched.spec.replicas).toBe(3);
    expect(patched.metadata.labels).toEqual({ app: 'web', tier: 'front' });
    expect(patched.spec.template.spec.containers).toEqual([
      expect.objectContaining({ name: 'nginx', image: 'nginx:1.28' }),
    ]);
    expect(patched.metadata.generation).toBe(3);

    expect(kubectlOk(cluster, ['delete', 'deploy', 'web'])).toContain('deployment.apps "web" deleted');
    expect(kubectl(cluster, ['get', 'deploy', 'web']).stderr).toContain('deployments.apps "web" not found');
  });

  it('apply (client- and server-side) of the Cilium CRDs, the seed pool and policy, and a v2 pool; wait for Established', () => {
    kubectlOk(cluster, ['apply', '-f', join(manifests, 'cilium-crds.yaml')]);
    expect(
      kubectlOk(cluster, [
        'wait',
        '--for=condition=Established',
        'crd/ciliumloadbalancerippools.cilium.io',
        '--timeout=20s',
      ]),
    ).toContain('condition met');
    expect(kubectlOk(cluster, ['apply', '-f', join(manifests, 'seed-pool-v2alpha1.yaml')])).toContain(
      'ciliumloadbalancerippool.cilium.io/kind-pool created',
    );
    expect(kubectlOk(cluster, ['apply', '-f', join(manifests, 'seed-l2-policy.yaml')])).toContain(
      'ciliuml2announcementpolicy.cilium.io/policy1 created',
    );
    expect(kubectlOk(cluster, ['apply', '--server-side', '-f', join(manifests, 'pool-v2.yaml')])).toContain(
      'serverside-applied',
    );
    expect(kubectlOk(cluster, ['apply', '-f', join(manifests, 'seed-pool-v2alpha1.yaml')])).toContain('unchanged');

    expect(kubectlOk(cluster, ['get', 'ippools'])).toMatch(
      /^NAME\s+DISABLED\s+CONFLICTING\s+IPS AVAILABLE\s+AGE\nkind-pool\s[\s\S]*v2-pool\s/,
    );
    // One stored pool, served in both versions.
    expect(
      JSON.parse(kubectlOk(cluster, ['get', 'ciliumloadbalancerippools.v2alpha1.cilium.io', 'kind-pool', '-o', 'json']))
        .apiVersion,
    ).toBe('cilium.io/v2alpha1');
    expect(
      JSON.parse(kubectlOk(cluster, ['get', 'ciliumloadbalancerippools.v2.cilium.io', 'kind-pool', '-o', 'json'])).spec,
    ).toEqual({ blocks: [{ cidr: '172.18.250.0/24' }] });
    expect(kubectlOk(cluster, ['get', 'ciliuml2announcementpolicies'])).toMatch(/^NAME\s+AGE\npolicy1\s/);
  });

  it('get svc and get leases -n kube-system print their columns', () => {
    kubectlOk(cluster, ['create', 'service', 'loadbalancer', 'lb', '--tcp=80:8080']);
    expect(kubectlOk(cluster, ['get', 'svc', 'lb'])).toMatch(
      /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE\nlb\s+LoadBalancer\s+10\.96\.\d+\.\d+\s+<pending>\s+80:3\d{4}\/TCP\s/,
    );
    const lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'cilium-l2announce-default-lb', namespace: 'kube-system' },
      spec: { holderIdentity: `${cluster.name}-worker`, leaseDurationSeconds: 15 },
    };
    kubectlOk(cluster, ['apply', '-f', '-'], JSON.stringify(lease));
    expect(kubectlOk(cluster, ['get', 'leases', '-n', 'kube-system'])).toMatch(
      new RegExp(`^NAME\\s+HOLDER\\s+AGE\\ncilium-l2announce-default-lb\\s+${cluster.name}-worker\\s`),
    );
  });

  it('get --watch sees a change as it happens', async () => {
    const watcher = spawn(
      'kubectl',
      ['--context', `kind-${cluster.name}`, 'get', 'configmaps', '--watch', '--output-watch-events'],
      { env: cluster.env },
    );
    let output = '';
    watcher.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      // Whether the watch starts before or after the create, the object shows as ADDED.
      kubectlOk(cluster, ['create', 'configmap', 'watched', '--from-literal=a=b']);
      await vi.waitFor(() => expect(output).toMatch(/ADDED\s+watched/), { timeout: 20_000 });
      kubectlOk(cluster, ['delete', 'configmap', 'watched']);
      await vi.waitFor(() => expect(output).toMatch(/DELETED\s+watched/), { timeout: 20_000 });
    } finally {
      watcher.kill();
    }
  });

  it('docker stop of the control-plane makes the API unreachable; docker start brings it back with the same objects', async () => {
    kubectlOk(cluster, ['create', 'configmap', 'survivor', '--from-literal=k=v']);
    docker(['stop', `${cluster.name}-control-plane`]);
    const down = kubectl(cluster, ['get', 'ns', '--request-timeout=5s']);
    expect(down.code).not.toBe(0);
    expect(down.stderr).toMatch(/refused|EOF|reset|Unable to connect/);
    docker(['start', `${cluster.name}-control-plane`]);
    await vi.waitFor(
      () => expect(kubectl(cluster, ['get', 'configmap', 'survivor', '-o', 'jsonpath={.data.k}']).stdout).toBe('v'),
      { timeout: 30_000, interval: 250 },
    );
  });
});
