import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureToolsImage } from '../images.ts';
import { kubectl, kubectlOk } from '../lab-api.ts';
import { autoPool, run, startLabCluster, type LabCluster } from '../lab-cluster.ts';
import { docker } from '../require-docker.ts';
import type { KubeObject } from '../apiserver/kube-object.ts';

const sample = (name: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{ containerPort: 80 }]
---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  type: LoadBalancer
  selector: { app: ${name} }
  ports: [{ port: 80, targetPort: 80 }]
`;

const eventually = <T>(fn: () => T, timeout = 30_000) => vi.waitFor(fn, { timeout, interval: 200 });
const curl = (ip: string) =>
  spawnSync('curl', ['-s', '-m', '2', '-o', '-', '-w', '\n%{http_code}', `http://${ip}/`], { encoding: 'utf8' }).stdout;
const neighbourMac = (ip: string) =>
  /lladdr (\S+)/.exec(spawnSync('ip', ['neigh', 'show', ip], { encoding: 'utf8' }).stdout)?.[1];
const macOf = (node: string) =>
  docker(['inspect', '--format', '{{.NetworkSettings.Networks.kind.MacAddress}}', node]).trim();
const lease = (cluster: LabCluster, svc: string) =>
  JSON.parse(
    kubectlOk(cluster, ['get', 'lease', '-n', 'kube-system', `cilium-l2announce-default-${svc}`, '-o', 'json']),
  ) as KubeObject;
const externalIp = (cluster: LabCluster, svc: string) =>
  kubectl(cluster, ['get', 'svc', svc, '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']).stdout.trim();

describe('simulated Cilium with kube-proxy replacement and L2 announcements (tunnel routing)', () => {
  let cluster: LabCluster;

  beforeAll(async () => {
    cluster = await startLabCluster({ workers: 2, cilium: { pool: 'auto' } });
  });

  afterAll(async () => {
    await cluster?.down();
  });

  it("turns the nodes Ready and gives every node the seed article's route shape", () => {
    const nodes = JSON.parse(kubectlOk(cluster, ['get', 'nodes', '-o', 'json'])).items as KubeObject[];
    for (const node of nodes)
      expect(node.status.conditions.find((c: KubeObject) => c.type === 'Ready').status).toBe('True');
    const cidrs = new Map(nodes.map((n) => [n.metadata.name as string, n.spec.podCIDR as string]));
    for (const node of cluster.nodeNames) {
      const routes = JSON.parse(docker(['exec', node, 'ip', '-j', 'route'])) as KubeObject[];
      const hostRoute = routes.find(
        (r) => r.dev === 'cilium_host' && r.scope === 'link' && !String(r.dst).includes('/'),
      )!;
      expect(hostRoute).toBeDefined();
      for (const [owner, cidr] of cidrs) {
        const route = routes.find((r) => r.dst === cidr)!;
        expect(route).toMatchObject({
          dev: 'cilium_host',
          gateway: hostRoute.dst,
          prefsrc: hostRoute.dst,
          protocol: 'kernel',
        });
        if (owner === node) expect(route.metrics).toBeUndefined();
        else expect(route.metrics).toEqual([{ mtu: 1450 }]);
      }
    }
    expect(kubectlOk(cluster, ['get', 'pods', '-n', 'kube-system'])).toMatch(/cilium-operator-\S+\s+1\/1\s+Running/);
    expect(
      spawnSync('cilium', ['status', '--context', `kind-${cluster.name}`], { env: cluster.env, encoding: 'utf8' })
        .stdout,
    ).toMatch(/Cilium:\s+OK[\s\S]*Operator:\s+OK/);
  });

  it("the sample LoadBalancer gets the pool's first usable address and answers from the host through the lease holder", async () => {
    kubectlOk(cluster, ['apply', '-f', '-'], sample('sample', 2));
    const pool = autoPool('kind', cluster.name);
    const first = pool.replace(/\.0\/24$/, '.1');
    await eventually(() => expect(externalIp(cluster, 'sample')).toBe(first));
    expect(kubectlOk(cluster, ['get', 'svc', 'sample'])).toMatch(
      new RegExp(`sample\\s+LoadBalancer\\s+\\S+\\s+${first.replace(/\./g, '\\.')}\\s+80:`),
    );
    await eventually(() => expect(curl(first)).toMatch(/Hello from sample-\S+\s+200$/));
    const pods = JSON.parse(kubectlOk(cluster, ['get', 'pods', '-l', 'app=sample', '-o', 'json'])).items.map(
      (p: KubeObject) => p.metadata.name,
    );
    expect(pods).toContain(/Hello from (\S+)/.exec(curl(first))![1]);
    const holder = lease(cluster, 'sample').spec.holderIdentity as string;
    expect(holder).toMatch(/-worker2?$/);
    expect(kubectlOk(cluster, ['get', 'leases', '-n', 'kube-system'])).toMatch(
      new RegExp(`cilium-l2announce-default-sample\\s+${holder}`),
    );
    expect(neighbourMac(first)).toBe(macOf(holder));
    // The VIP is on the holder's lo, never on eth0 (Cilium answers ARP without the address on the interface).
    expect(docker(['exec', holder, 'ip', '-br', 'addr', 'show', 'eth0'])).not.toContain(first);
  });

  it("tcpdump in the holder's namespace sees the ARP request and the reply with the holder's MAC", async () => {
    const ip = externalIp(cluster, 'sample');
    const holder = lease(cluster, 'sample').spec.holderIdentity as string;
    const capture = spawn('docker', [
      'run',
      '--rm',
      '--net',
      `container:${holder}`,
      '--cap-add',
      'NET_RAW',
      '--cap-add',
      'NET_ADMIN',
      ensureToolsImage(),
      'tcpdump',
      '-n',
      '-l',
      '-e',
      '-i',
      'eth0',
      '-c',
      '2',
      `arp and host ${ip}`,
    ]);
    let output = '';
    capture.stdout.on('data', (c: Buffer) => (output += c.toString()));
    capture.stderr.on('data', (c: Buffer) => (output += c.toString()));
    await eventually(() => expect(output).toMatch(/listening on eth0/));
    const bridge = `br-${(JSON.parse(docker(['network', 'inspect', 'kind']))[0].Id as string).slice(0, 12)}`;
    spawnSync('ip', ['neigh', 'del', ip, 'dev', bridge]);
    curl(ip);
    await eventually(() => expect(output).toMatch(/Reply/));
    capture.kill();
    expect(output).toMatch(new RegExp(`Request who-has ${ip.replace(/\./g, '\\.')} tell`));
    expect(output).toMatch(new RegExp(`Reply ${ip.replace(/\./g, '\\.')} is-at ${macOf(holder)}`));
  });

  it('a VIP answers TCP on the service port but not ICMP echo, while the holder node still answers ping (cilium/cilium#14118)', async () => {
    const ip = externalIp(cluster, 'sample');
    await eventually(() => expect(curl(ip)).toMatch(/Hello from sample-\S+\s+200$/));
    const ping = (target: string) => spawnSync('ping', ['-c', '2', '-W', '1', target], { encoding: 'utf8' });
    const toVip = ping(ip);
    expect(toVip.stdout).toMatch(/2 packets transmitted, 0 received/);
    expect(toVip.status).not.toBe(0);
    const holder = lease(cluster, 'sample').spec.holderIdentity as string;
    const holderIp = docker(['inspect', '--format', '{{.NetworkSettings.Networks.kind.IPAddress}}', holder]).trim();
    expect(ping(holderIp).stdout).toMatch(/2 packets transmitted, 2 received/);
  });

  it('gives an IP but no answer while the Deployment has no ready pods', async () => {
    kubectlOk(cluster, ['apply', '-f', '-'], sample('empty', 0));
    // From the cluster's pool (its /24 of the kind network, whatever size Docker gave that network).
    const pool = autoPool('kind', cluster.name).replace(/0\/24$/, '');
    await eventually(() => expect(externalIp(cluster, 'empty').startsWith(pool)).toBe(true));
    const ip = externalIp(cluster, 'empty');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(curl(ip)).not.toMatch(/200$/);
    kubectlOk(cluster, ['patch', 'deployment', 'empty', '--type=merge', '-p', '{"spec":{"replicas":1}}']);
    await eventually(() => expect(curl(ip)).toMatch(/Hello from empty-\S+\s+200$/));
  });

  it('a paused holder loses the lease to the other worker; unpaused, it no longer answers for the VIP', async () => {
    const ip = externalIp(cluster, 'sample');
    const before = lease(cluster, 'sample').spec.holderIdentity as string;
    const successor = cluster.nodeNames.find((n) => n.includes('-worker') && n !== before)!;
    docker(['pause', before]);
    try {
      await eventually(() => expect(lease(cluster, 'sample').spec.holderIdentity).toBe(successor));
      await eventually(() => expect(neighbourMac(ip)).toBe(macOf(successor)));
      await eventually(() => expect(curl(ip)).toMatch(/Hello from sample-\S+\s+200$/));
    } finally {
      docker(['unpause', before]);
    }
    // The agent back from the pause withdraws the VIP it lost (two nodes must not answer ARP).
    await eventually(() => expect(docker(['exec', before, 'ip', '-br', 'addr', 'show', 'lo'])).not.toContain(ip));
    const bridge = `br-${(JSON.parse(docker(['network', 'inspect', 'kind']))[0].Id as string).slice(0, 12)}`;
    spawnSync('ip', ['neigh', 'del', ip, 'dev', bridge]);
    await eventually(() => expect(curl(ip)).toMatch(/Hello from sample-\S+\s+200$/));
    expect(neighbourMac(ip)).toBe(macOf(successor));
    expect(lease(cluster, 'sample').spec.holderIdentity).toBe(successor);
  });

  it("fails over: the holder stops, the lease moves, the new holder's gratuitous ARP updates the host, curl answers", async () => {
    const ip = externalIp(cluster, 'sample');
    const before = lease(cluster, 'sample').spec;
    // The other worker will take over: capture what its eth0 sends for the VIP.
    const successor = cluster.nodeNames.find((n) => n.includes('-worker') && n !== before.holderIdentity)!;
    const capture = spawn('docker', [
      'run',
      '--rm',
      '--net',
      `container:${successor}`,
      '--cap-add',
      'NET_RAW',
      '--cap-add',
      'NET_ADMIN',
      ensureToolsImage(),
      'tcpdump',
      '-n',
      '-l',
      '-e',
      '-i',
      'eth0',
      `arp and host ${ip}`,
    ]);
    let arp = '';
    capture.stdout.on('data', (c: Buffer) => (arp += c.toString()));
    capture.stderr.on('data', (c: Buffer) => (arp += c.toString()));
    try {
      await eventually(() => expect(arp).toMatch(/listening on eth0/));
      docker(['stop', '-t', '1', before.holderIdentity]);
      await eventually(() => expect(lease(cluster, 'sample').spec.holderIdentity).not.toBe(before.holderIdentity));
      const after = lease(cluster, 'sample').spec;
      expect(after.holderIdentity).toBe(successor);
      expect(after.leaseTransitions).toBe((before.leaseTransitions ?? 0) + 1);
      // The takeover is a gratuitous ARP reply (opcode 2, "Reply" in tcpdump) broadcast by the new holder (cilium/cilium#25933).
      const mac = macOf(successor);
      await eventually(() =>
        expect(arp).toMatch(
          new RegExp(
            `${mac} > ff:ff:ff:ff:ff:ff, ethertype ARP \\(0x0806\\), length \\d+: Reply ${ip.replace(/\./g, '\\.')} is-at ${mac}`,
          ),
        ),
      );
      expect(arp).not.toMatch(
        new RegExp(
          `${mac} > ff:ff:ff:ff:ff:ff.*Request who-has ${ip.replace(/\./g, '\\.')} tell ${ip.replace(/\./g, '\\.')}`,
        ),
      );
      await eventually(() => expect(neighbourMac(ip)).toBe(macOf(after.holderIdentity)));
      await eventually(() => expect(curl(ip)).toMatch(/Hello from sample-\S+\s+200$/));
      const backend = /Hello from (\S+)/.exec(curl(ip))![1];
      const pod = JSON.parse(kubectlOk(cluster, ['get', 'pod', backend!, '-o', 'json']));
      expect(docker(['inspect', '-f', '{{.State.Running}}', pod.spec.nodeName]).trim()).toBe('true');
    } finally {
      capture.kill();
      docker(['start', before.holderIdentity]);
    }
  });
});

describe("the seed's own install command: kubeProxyReplacement=strict (Cilium 1.15), native routing", () => {
  let cluster: LabCluster;

  beforeAll(async () => {
    cluster = await startLabCluster({
      workers: 1,
      cilium: { routing: 'native', version: '1.15.6', pool: 'auto', set: ['kubeProxyReplacement=strict'] },
    });
  });

  afterAll(async () => {
    await cluster?.down();
  });

  it('installs, gives the service an IP, but no node answers ARP for it (cilium/cilium#32711)', async () => {
    kubectlOk(cluster, ['apply', '-f', '-'], sample('strict', 1));
    const pool = autoPool('kind', cluster.name).replace(/0\/24$/, '');
    await eventually(() => expect(externalIp(cluster, 'strict').startsWith(pool)).toBe(true));
    const ip = externalIp(cluster, 'strict');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(kubectl(cluster, ['get', 'lease', '-n', 'kube-system', 'cilium-l2announce-default-strict']).code).not.toBe(
      0,
    );
    // A stale host entry from an earlier cluster that used this IP would hide the answer (or its absence): ask afresh.
    const bridge = `br-${(JSON.parse(docker(['network', 'inspect', 'kind']))[0].Id as string).slice(0, 12)}`;
    spawnSync('ip', ['neigh', 'del', ip, 'dev', bridge]);
    expect(curl(ip)).not.toMatch(/200$/);
    expect(neighbourMac(ip)).toBeUndefined();
    expect(
      JSON.parse(kubectlOk(cluster, ['get', 'cm', '-n', 'kube-system', 'cilium-config', '-o', 'json'])).data[
        'kube-proxy-replacement'
      ],
    ).toBe('strict');
  });

  it('routes remote pod CIDRs straight to the other node (native routing)', () => {
    const nodes = JSON.parse(kubectlOk(cluster, ['get', 'nodes', '-o', 'json'])).items as KubeObject[];
    const [cp, worker] = nodes as [KubeObject, KubeObject];
    const routes = JSON.parse(docker(['exec', worker.metadata.name, 'ip', '-j', 'route'])) as KubeObject[];
    const cpIp = cp.status.addresses.find(
      (a: KubeObject) => a.type === 'InternalIP' && a.address.includes('.'),
    ).address;
    expect(routes.find((r) => r.dst === cp.spec.podCIDR)).toMatchObject({ gateway: cpIp, dev: 'eth0' });
    expect(routes.find((r) => r.dst === worker.spec.podCIDR)).toMatchObject({ dev: 'cilium_host' });
  });

  it('rejects --reuse-values on install, as real helm does', async () => {
    const result = await run(
      'helm',
      [
        'install',
        'again',
        'cilium/cilium',
        '--namespace',
        'kube-system',
        '--kube-context',
        `kind-${cluster.name}`,
        '--reuse-values',
      ],
      cluster.env,
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain('Error: unknown flag: --reuse-values');
  });
});
