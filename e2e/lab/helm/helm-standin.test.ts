import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { KubeObject } from '../apiserver/kube-object.ts';
import { kubectl, kubectlOk } from '../lab-api.ts';
import { autoPool, run, startLabCluster, type LabCluster } from '../lab-cluster.ts';
import { docker } from '../require-docker.ts';

const eventually = <T>(fn: () => T, timeout = 30_000) => vi.waitFor(fn, { timeout, interval: 250 });
const base = ['install', 'cilium', 'cilium/cilium', '--namespace', 'kube-system'];

describe('the helm stand-in says no where the chart does, by version', () => {
  let cluster: LabCluster;
  const helm = (args: string[]) => run('helm', args, cluster.env);

  beforeAll(async () => {
    cluster = await startLabCluster({ name: `i12-helm-${process.pid}`, workers: 1 });
    expect((await helm(['repo', 'add', 'cilium', 'https://helm.cilium.io/'])).code).toBe(0);
  });

  afterAll(async () => {
    await cluster?.down();
  });

  it("1.16 refuses kubeProxyReplacement=strict with the chart's message and leaves no release and no object (cilium/cilium#36131)", async () => {
    const result = await helm([
      ...base,
      '--version',
      '1.16.5',
      '--kube-context',
      `kind-${cluster.name}`,
      '--set',
      'kubeProxyReplacement=strict',
    ]);
    expect(result.code).toBe(1);
    expect(result.output.trim()).toBe(
      'Error: INSTALLATION FAILED: execution error at (cilium/templates/cilium-configmap.yaml:71:5): kubeProxyReplacement must be explicitly set to a valid value (true or false) to continue.',
    );
    expect(
      (await helm(['list', '-n', 'kube-system', '--kube-context', `kind-${cluster.name}`, '-o', 'json'])).output.trim(),
    ).toBe('[]');
    expect(kubectl(cluster, ['get', 'configmap', '-n', 'kube-system', 'cilium-config']).code).not.toBe(0);
    expect(kubectl(cluster, ['get', 'crd', 'ciliumloadbalancerippools.cilium.io']).code).not.toBe(0);
  });

  it("1.17 refuses partial too (the chart's line moved to 73:5)", async () => {
    const refused = await helm([
      ...base,
      '--version',
      '1.17.4',
      '--kube-context',
      `kind-${cluster.name}`,
      '--set',
      'kubeProxyReplacement=partial',
    ]);
    expect(refused.output).toContain(
      'cilium-configmap.yaml:73:5): kubeProxyReplacement must be explicitly set to a valid value (true or false) to continue.',
    );
    expect(refused.code).toBe(1);
  });

  it('1.18.12 refuses strict at the position of that minor (cilium-configmap.yaml:82:5), and enableCiliumEndpointSlice=true at validate.yaml:5:5', async () => {
    const context = ['--kube-context', `kind-${cluster.name}`];
    const strict = await helm([...base, '--version', '1.18.12', ...context, '--set', 'kubeProxyReplacement=strict']);
    expect(strict.output.trim()).toBe(
      'Error: INSTALLATION FAILED: execution error at (cilium/templates/cilium-configmap.yaml:82:5): kubeProxyReplacement must be explicitly set to a valid value (true or false) to continue.',
    );
    expect(strict.code).toBe(1);
    const slice = await helm([
      ...base,
      '--version',
      '1.18.12',
      ...context,
      '--set',
      'kubeProxyReplacement=true',
      '--set',
      'enableCiliumEndpointSlice=true',
    ]);
    expect(slice.output.trim()).toMatch(
      /^Error: INSTALLATION FAILED: execution error at \(cilium\/templates\/validate\.yaml:5:5\): enableCiliumEndpointSlice was deprecated in v1\.16 and has been removed in v1\.18\./,
    );
    expect((await helm(['list', '-n', 'kube-system', ...context, '-o', 'json'])).output.trim()).toBe('[]');
  });

  it('takes global flags before the subcommand, as cobra does; with ipam.mode unset pod routes come from 10.0.0.0/8, not spec.podCIDR', async () => {
    const installed = await helm([
      '--kube-context',
      `kind-${cluster.name}`,
      '-n',
      'kube-system',
      'install',
      'cilium',
      'cilium/cilium',
      '--version',
      '1.16.5',
      '--set',
      'kubeProxyReplacement=true',
      '--set',
      'noSuchChartValue.really=1',
      '--wait',
      '--timeout',
      '1m',
    ]);
    expect(installed.output).toContain('STATUS: deployed');
    expect(installed.code).toBe(0);
    const nodes = JSON.parse(kubectlOk(cluster, ['get', 'nodes', '-o', 'json'])).items as KubeObject[];
    const podCidrs = nodes.map((n) => n.spec.podCIDR as string);
    expect(podCidrs.every((cidr) => cidr.startsWith('10.244.'))).toBe(true);
    const config = JSON.parse(
      kubectlOk(cluster, ['get', 'cm', '-n', 'kube-system', 'cilium-config', '-o', 'json']),
    ).data;
    expect(config).toMatchObject({
      ipam: 'cluster-pool',
      'cluster-pool-ipv4-cidr': '10.0.0.0/8',
      'cluster-pool-ipv4-mask-size': '24',
    });
    for (const node of cluster.nodeNames) {
      await eventually(() => {
        const routes = JSON.parse(docker(['exec', node, 'ip', '-j', 'route'])) as KubeObject[];
        const podRoutes = routes.filter((r) => r.dev === 'cilium_host' && String(r.dst).includes('/'));
        expect(podRoutes.map((r) => r.dst).sort()).toEqual(['10.0.0.0/24', '10.0.1.0/24']);
      });
      const routes = JSON.parse(docker(['exec', node, 'ip', '-j', 'route'])) as KubeObject[];
      for (const cidr of podCidrs) expect(routes.find((r) => r.dst === cidr)).toBeUndefined();
    }
  });

  it('upgrade, a refused upgrade, rollback, history and get values keep revisions as helm does; agents roll out; the pool CRD keeps its stored versions', async () => {
    const context = ['--kube-context', `kind-${cluster.name}`, '-n', 'kube-system'];
    const upgrade = (version: string, ...more: string[]) =>
      helm(['upgrade', 'cilium', 'cilium/cilium', '--version', version, ...context, '--reuse-values', ...more]);
    const json = <T>(args: string[]) => JSON.parse(kubectlOk(cluster, args)) as T;
    const storedVersions = () =>
      json<KubeObject>(['get', 'crd', 'ciliumloadbalancerippools.cilium.io', '-o', 'json']).status.storedVersions;
    const ciliumVersion = () =>
      json<KubeObject>(['get', 'cm', '-n', 'kube-system', 'cilium-config', '-o', 'json']).data;

    // The release the test before installed (1.16.5) is revision 1; before 1.18 the pool is stored at v2alpha1.
    expect(storedVersions()).toEqual(['v2alpha1']);
    const toOld = await upgrade(
      '1.17.18',
      '--set',
      'l2podAnnouncements.enabled=true',
      '--set',
      'l2podAnnouncements.interface=eth0',
    );
    expect(toOld.output).toContain('Release "cilium" has been upgraded. Happy Helming!');
    expect(toOld.output).toContain('REVISION: 2');
    expect(toOld.code).toBe(0);

    // A value 1.18 refuses: the chart's message, and nothing changes.
    const refused = await upgrade('1.18.12', '--set', 'enableCiliumEndpointSlice=true');
    expect(refused.output.trim()).toMatch(
      /^Error: UPGRADE FAILED: execution error at \(cilium\/templates\/validate\.yaml:5:5\): enableCiliumEndpointSlice was deprecated/,
    );
    expect(refused.code).toBe(1);
    expect(ciliumVersion()['cilium-version']).toBe('1.17.18');
    expect(storedVersions()).toEqual(['v2alpha1']);

    const upgraded = await upgrade('1.18.12', '--wait', '--timeout', '1m');
    expect(upgraded.output).toContain('REVISION: 3');
    expect(upgraded.code).toBe(0);
    expect(
      kubectlOk(cluster, ['rollout', 'status', 'daemonset/cilium', '-n', 'kube-system', '--timeout=60s']),
    ).toContain('daemon set "cilium" successfully rolled out');
    const agentImages = () =>
      json<{ items: KubeObject[] }>([
        'get',
        'pods',
        '-n',
        'kube-system',
        '-l',
        'k8s-app=cilium',
        '-o',
        'json',
      ]).items.map((p) => p.spec.containers[0].image as string);
    expect(agentImages()).toEqual(cluster.nodeNames.map(() => 'quay.io/cilium/cilium:v1.18.12'));
    // 1.18 stores v2; what was stored at v2alpha1 keeps it listed (a storage migration must come first).
    expect(storedVersions()).toEqual(['v2alpha1', 'v2']);
    expect(ciliumVersion()['l2-pod-announcements-interface']).toBe('eth0');

    // 1.20 reads only interfacePattern: the carried `interface` is ignored silently.
    expect((await upgrade('1.20.0', '--wait', '--timeout', '1m')).code).toBe(0);
    expect(ciliumVersion()).not.toHaveProperty('l2-pod-announcements-interface');
    await eventually(() => expect(agentImages()).toEqual(cluster.nodeNames.map(() => 'quay.io/cilium/cilium:v1.20.0')));

    const history = await helm(['history', 'cilium', ...context, '-o', 'json']);
    expect(history.code).toBe(0);
    const entries = JSON.parse(history.output) as KubeObject[];
    expect(entries.map((e) => Object.keys(e).sort())).toEqual(
      entries.map(() => ['app_version', 'chart', 'description', 'revision', 'status', 'updated']),
    );
    expect(entries.map((e) => [e.revision, e.status, e.chart, e.app_version, e.description])).toEqual([
      [1, 'superseded', 'cilium-1.16.5', '1.16.5', 'Install complete'],
      [2, 'superseded', 'cilium-1.17.18', '1.17.18', 'Upgrade complete'],
      [3, 'superseded', 'cilium-1.18.12', '1.18.12', 'Upgrade complete'],
      [4, 'deployed', 'cilium-1.20.0', '1.20.0', 'Upgrade complete'],
    ]);

    const values = await helm(['get', 'values', 'cilium', ...context, '-o', 'json']);
    expect(JSON.parse(values.output)).toEqual({
      kubeProxyReplacement: true,
      l2podAnnouncements: { enabled: true, interface: 'eth0' },
      noSuchChartValue: { really: 1 },
    });
    const first = await helm(['get', 'values', 'cilium', ...context, '--revision', '1', '-o', 'yaml']);
    expect(first.output).toBe('kubeProxyReplacement: true\nnoSuchChartValue:\n  really: 1\n');
    const all = JSON.parse((await helm(['get', 'values', 'cilium', ...context, '--all', '-o', 'json'])).output);
    // The 1.20 chart's defaults under the user's values.
    expect(all.l2podAnnouncements).toEqual({ enabled: true, interface: 'eth0', interfacePattern: '' });
    expect(all.kubeProxyReplacement).toBe(true);
    expect((await helm(['get', 'values', 'cilium', ...context])).output).toMatch(/^USER-SUPPLIED VALUES:\n/);

    const rolledBack = await helm(['rollback', 'cilium', ...context, '--wait', '--timeout', '1m']);
    expect(rolledBack.output.trim()).toBe('Rollback was a success! Happy Helming!');
    expect(rolledBack.code).toBe(0);
    const after = JSON.parse((await helm(['history', 'cilium', ...context, '-o', 'json'])).output) as KubeObject[];
    expect(after.slice(-2).map((e) => [e.revision, e.status, e.chart, e.description])).toEqual([
      [4, 'superseded', 'cilium-1.20.0', 'Upgrade complete'],
      [5, 'deployed', 'cilium-1.18.12', 'Rollback to 3'],
    ]);
    expect(ciliumVersion()['cilium-version']).toBe('1.18.12');
    expect(ciliumVersion()['l2-pod-announcements-interface']).toBe('eth0');
    await eventually(() =>
      expect(agentImages()).toEqual(cluster.nodeNames.map(() => 'quay.io/cilium/cilium:v1.18.12')),
    );
    // The operator keeps the newer CRDs on a rollback (it never downgrades them).
    expect(storedVersions()).toEqual(['v2alpha1', 'v2']);

    const missing = await helm(['rollback', 'cilium', '9', ...context]);
    expect(missing.output.trim()).toBe('Error: release has no 9 version');
    expect(missing.code).toBe(1);
    const none = await helm(['upgrade', 'nope', 'cilium/cilium', '--version', '1.18.12', ...context]);
    expect(none.output.trim()).toBe('Error: UPGRADE FAILED: "nope" has no deployed releases');
    expect(none.code).toBe(1);
    const noHistory = await helm(['history', 'nope', ...context]);
    expect(noHistory.output.trim()).toBe('Error: release: not found');
    expect(noHistory.code).toBe(1);
  });

  it('a sharing key on L2-announced services: on 1.18 both answer, from 1.19 only one does (cilium/cilium#44222)', async () => {
    const context = ['--kube-context', `kind-${cluster.name}`, '-n', 'kube-system'];
    const upgrade = (version: string, ...more: string[]) =>
      helm(['upgrade', 'cilium', 'cilium/cilium', '--version', version, ...context, '--reuse-values', ...more]);
    const service = (name: string, port: number) =>
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  annotations: { lbipam.cilium.io/sharing-key: shared }\n` +
      `spec:\n  type: LoadBalancer\n  selector: { app: shared }\n  ports: [{ port: ${port}, targetPort: 80 }]\n`;
    kubectlOk(
      cluster,
      ['apply', '-f', '-'],
      `apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: shared\nspec:\n  blocks:\n  - cidr: "${autoPool('kind', cluster.name)}"\n---\n` +
        `${readFileSync(join(import.meta.dirname, '../manifests/seed-l2-policy.yaml'), 'utf8')}\n---\n` +
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shared\nspec:\n  replicas: 1\n  selector:\n    matchLabels: { app: shared }\n` +
        `  template:\n    metadata:\n      labels: { app: shared }\n    spec:\n      containers: [{ name: web, image: nginx:1.27 }]\n---\n` +
        `${service('web', 80)}---\n${service('api', 8080)}`,
    );
    expect((await upgrade('1.18.12', '--set', 'l2announcements.enabled=true', '--wait', '--timeout', '1m')).code).toBe(
      0,
    );
    const ipOf = (name: string) =>
      kubectl(cluster, ['get', 'svc', name, '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']).stdout.trim();
    await eventually(() => expect(ipOf('web')).toMatch(/^\d+\.\d+\.\d+\.\d+$/));
    const ip = ipOf('web');
    await eventually(() => expect(ipOf('api')).toBe(ip));
    const answers = (port: number) =>
      spawnSync('curl', ['-s', '-m', '2', '-o', '/dev/null', '-w', '%{http_code}', `http://${ip}:${port}/`], {
        encoding: 'utf8',
      }).stdout === '200';
    await eventually(() => expect([answers(80), answers(8080)]).toEqual([true, true]));

    expect((await upgrade('1.19.6', '--wait', '--timeout', '1m')).code).toBe(0);
    await eventually(() => expect([answers(80), answers(8080)].filter(Boolean)).toHaveLength(1));
    // Both services keep the shared IP and their leases: only the answer is gone.
    expect(ipOf('api')).toBe(ip);
    kubectlOk(cluster, [
      'get',
      'lease',
      '-n',
      'kube-system',
      'cilium-l2announce-default-web',
      'cilium-l2announce-default-api',
    ]);
  });
});

describe('native routing without ipv4NativeRoutingCIDR: the chart renders, the agents exit at start', () => {
  let cluster: LabCluster;

  beforeAll(async () => {
    cluster = await startLabCluster({ name: `i12-native-${process.pid}`, workers: 1 });
    await run('helm', ['repo', 'add', 'cilium', 'https://helm.cilium.io/'], cluster.env);
  });

  afterAll(async () => {
    await cluster?.down();
  });

  it("helm --wait times out, the agents crash-loop with the agent's error, nodes stay NotReady", async () => {
    const result = await run(
      'helm',
      [
        ...base,
        '--version',
        '1.16.5',
        '--set',
        'kubeProxyReplacement=true',
        '--set',
        'routingMode=native',
        '--set',
        'ipam.mode=kubernetes',
        '--kube-context',
        `kind-${cluster.name}`,
        '--wait',
        '--timeout',
        '8s',
      ],
      cluster.env,
    );
    expect(result.output).toContain('Error: INSTALLATION FAILED: context deadline exceeded');
    expect(result.code).toBe(1);
    const agents = JSON.parse(
      kubectlOk(cluster, ['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=cilium', '-o', 'json']),
    ).items as KubeObject[];
    expect(agents).toHaveLength(2);
    for (const agent of agents) {
      const status = agent.status.containerStatuses[0];
      expect(status.state.waiting.reason).toBe('CrashLoopBackOff');
      expect(status.lastState.terminated.message).toContain(
        'native routing cidr must be configured with option --ipv4-native-routing-cidr',
      );
    }
    expect(kubectlOk(cluster, ['get', 'nodes'])).not.toMatch(/\sReady\s/);
    const status = await run('cilium', ['status', '--context', `kind-${cluster.name}`], cluster.env);
    expect(status.code).toBe(1);
  });
});
