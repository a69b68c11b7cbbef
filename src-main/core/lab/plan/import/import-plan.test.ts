import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LabEnvironment } from '../../environment/lab-environment';
import { renderHelmValues } from '../render';
import { validatePlan } from '../validate-plan';
import { importPlan } from './import-plan';

const fixtures = join(import.meta.dirname, '../../../../../../shared/fixtures/article');
/** The article's kind config and helm command in one file, as pasted. */
const article = `${readFileSync(join(fixtures, 'kind-config.yaml'), 'utf8')}\n${readFileSync(join(fixtures, 'helm-install.txt'), 'utf8')}`;

const env = (): LabEnvironment => ({
  networkName: 'kind',
  network: { subnet: '172.18.0.0/16', gateway: '172.18.0.1' },
  used: [
    { cidr: '172.18.0.1/32', what: 'the network gateway (this machine)' },
    { cidr: '172.18.0.2/32', what: 'node x-control-plane' },
  ],
  clusters: new Map(),
  clustersOnNetwork: [],
  problems: [],
});

describe("importing the article's kind config and helm command", () => {
  const { plan, findings } = importPlan([{ name: 'article.txt', text: article }], { env: env() });
  const byCode = (code: string) => findings.find((f) => f.code === code);

  it.each([
    [
      'k8s-service-host-unknown',
      'k8sServiceHost',
      /k8sServiceHost=kind-control-plan names no node of cluster "kind".*did you mean kind-control-plane\?.*cannot reach the API server/,
      /k8sServiceHost=kind-control-plane/,
    ],
    [
      'kube-proxy-replacement-strict',
      'kubeProxyReplacement',
      /set 2 times \(true, then strict\).*"strict".*cilium\/cilium#32711.*cilium\/cilium#36131/,
      /kubeProxyReplacement=true, once/,
    ],
    [
      'helm-reuse-values-on-install',
      '--reuse-values',
      /--reuse-values on helm install \(the command at article\.txt:10\).*fails/,
      /Drop --reuse-values/,
    ],
    ['ipam-mode-unset', 'ipam.mode', /ipam\.mode is unset.*10\.0\.0\.0\/8.*kind pod subnet/, /ipam\.mode=kubernetes/],
    ['device-not-on-nodes', 'devices', /"net0", an interface kind nodes do not have/, /Remove net0: devices=eth0/],
  ])('finds %s with its fix, applied', (code, field, message, fix) => {
    const found = byCode(code);
    expect(found, JSON.stringify(findings, null, 1)).toBeDefined();
    expect(found).toMatchObject({ field, applied: true });
    expect(found!.message).toMatch(message);
    expect(found!.fix).toMatch(fix);
  });

  it('returns a plan that validates and contains none of those mistakes', () => {
    expect(validatePlan(plan, env()).findings).toEqual([]);
    const values = renderHelmValues(plan);
    expect(values).toMatchObject({
      kubeProxyReplacement: true,
      k8sServiceHost: 'kind-control-plane',
      ipam: { mode: 'kubernetes' },
      devices: ['eth0'],
      operator: { replicas: 2 },
    });
    expect(values.l2announcements).toEqual({
      enabled: true,
      leaseDuration: '3s',
      leaseRenewDeadline: '1s',
      leaseRetryPeriod: '500ms',
    });
    expect(JSON.stringify(plan)).not.toMatch(/strict|net0|control-plan"|reuse/);
    expect(plan.cluster).toMatchObject({
      name: 'kind',
      controlPlanes: 1,
      workers: 1,
      disableDefaultCNI: true,
      kubeProxyMode: 'none',
    });
  });

  it('with --name the API host follows the new name', () => {
    const renamed = importPlan([{ name: 'article.txt', text: article }], { name: 'demo', env: env() });
    expect(renderHelmValues(renamed.plan).k8sServiceHost).toBe('demo-control-plane');
    expect(renamed.findings.find((f) => f.code === 'k8s-service-host-unknown')!.fix).toBe(
      'Set k8sServiceHost=demo-control-plane.',
    );
  });
});

describe('importing the other mistakes articles make', () => {
  const paste = [
    'helm upgrade --install cilium cilium/cilium --version 1.16.5 -n kube-system \\',
    '  --set kubeProxyReplacement=true --set k8sServiceHost=lab-control-plane --set k8sServicePort=6443 \\',
    "  --set ipam.mode=kubernetes --set l2announcements.enabled=true --set 'devices=eth+' \\",
    '  --set l2announcements.leaseDuraton=3s --set tunnel=vxlan --set k8sClientRateLimit.qps=20',
    'kind create cluster --name lab --config kind.yaml',
    'apiVersion: cilium.io/v2alpha1',
    'kind: CiliumLoadBalancerIPPool',
    'metadata:',
    '  name: seed-pool',
    'spec:',
    '  cidrs:',
    '    - cidr: 192.168.100.0/24',
    '---',
    'apiVersion: cilium.io/v2alpha1',
    'kind: CiliumL2AnnouncementPolicy',
    'metadata: { name: seed-l2 }',
    'spec:',
    '  interfaces: ["^enp[0-9]s[0-9]+"]',
    '  loadBalancerIPs: true',
  ].join('\n');
  const { plan, findings } = importPlan([{ name: 'paste', text: paste }], { env: env() });
  const codes = findings.map((f) => f.code);

  it('a pool at cilium.io/v2alpha1, which the chosen Cilium serves only as deprecated, is said and written at v2', () => {
    // The paste asks for Cilium 1.16.5 (not supported): its values are judged by the default release.
    const deprecated = findings.find((f) => f.code === 'pool-api-deprecated');
    expect(deprecated).toMatchObject({ field: 'apiVersion', severity: 'warning', applied: true });
    expect(deprecated!.message).toMatch(
      /^The pool is written at cilium\.io\/v2alpha1 \(paste:\d+\), which Cilium 1\.20\.2 serves only as deprecated/,
    );
    expect(deprecated!.message).toContain('cilium/cilium#39090');
    const atV2 = importPlan(
      [
        {
          name: 'paste',
          text: paste.replace(
            'apiVersion: cilium.io/v2alpha1\nkind: CiliumLoadBalancerIPPool',
            'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool',
          ),
        },
      ],
      { env: env() },
    );
    expect(atV2.findings.map((f) => f.code)).not.toContain('pool-api-deprecated');
  });

  it('finds cidrs, a pool outside the network, a policy interface not in devices, unknown chart values', () => {
    expect(codes).toEqual(
      expect.arrayContaining([
        'pool-cidrs-removed',
        'pool-outside-network',
        'policy-interface-not-in-devices',
        'chart-value-unknown',
      ]),
    );
    const unknown = findings.filter((f) => f.code === 'chart-value-unknown');
    expect(unknown.map((f) => [f.field, f.message, f.fix])).toEqual([
      [
        'l2announcements.leaseDuraton',
        'l2announcements.leaseDuraton: chart 1.20.2 has no such value: helm ignores it (keys read from chart 1.20.0).',
        'Use l2announcements.leaseDuration (removed l2announcements.leaseDuraton).',
      ],
    ]);
    // 1.16 is end-of-life: recognised, mapped to the default release, its values judged by that chart.
    expect(findings.find((f) => f.code === 'cilium-version-replaced')).toMatchObject({ applied: true });
    // tunnel is not ignored: the chart refuses it, so helm install would fail. Dropped.
    expect(findings.find((f) => f.code === 'chart-refuses-value')).toMatchObject({
      field: 'tunnel',
      severity: 'error',
      applied: true,
      message: expect.stringMatching(
        /^helm install fails: tunnel was deprecated in v1\.14.*\(cilium\/templates\/validate\.yaml:41:5, chart 1\.20\.2\)\.$/,
      ),
      fix: 'Remove tunnel (chart 1.20.2 no longer has it).',
    });
    expect(plan.cilium.extraValues).not.toHaveProperty('tunnel');
    expect(findings.find((f) => f.code === 'pool-outside-network')!.message).toMatch(
      /192\.168\.100\.0\/24 is outside the kind network 172\.18\.0\.0\/16: ARP from this machine can never reach it/,
    );
    expect(codes).not.toContain('helm-reuse-values-on-install');
    expect(codes).not.toContain('k8s-service-host-unknown');
  });

  it('returns a plan without them that validates', () => {
    expect(validatePlan(plan, env()).findings).toEqual([]);
    expect(plan.pool).toMatchObject({ name: 'seed-pool', cidr: 'auto' });
    expect(plan.l2Policy).toMatchObject({ name: 'seed-l2', interfaces: ['^eth[0-9]+'] });
    expect(plan.cilium.devices).toEqual(['eth+']);
    expect(plan.cilium.k8sClientRateLimit).toEqual({ qps: 20, burst: 40 });
    expect(plan.cilium.extraValues).toEqual({});
  });

  it('keeps a pool that fits the network', () => {
    const fitting = paste.replace('192.168.100.0/24', '172.18.240.0/28').replace('cidrs:', 'blocks:');
    const result = importPlan([{ name: 'paste', text: fitting }], { env: env() });
    expect(result.plan.pool.cidr).toBe('172.18.240.0/28');
    expect(result.findings.map((f) => f.code)).not.toContain('pool-outside-network');
  });
});

it('a kind config that keeps kindnet and kube-proxy, with an image not pinned by digest', () => {
  const config =
    'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n    image: kindest/node:v1.29.2\n  - role: worker\n  - role: worker\n';
  const { plan, findings } = importPlan([{ name: 'kind.yaml', text: config }], { name: 'k' });
  expect(findings.map((f) => f.code)).toEqual(
    expect.arrayContaining(['kind-default-cni', 'kind-kube-proxy', 'image-replaced', 'no-helm-command']),
  );
  expect(plan.cluster).toMatchObject({
    workers: 2,
    disableDefaultCNI: true,
    kubeProxyMode: 'none',
    nodeImage: expect.stringMatching(/@sha256:/),
  });
});

it('never throws on arbitrary text, and always returns a plan that parses', async () => {
  const fc = (await import('fast-check')).default;
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.string(),
          fc.constantFrom(
            'helm install a b --set ',
            'kind: Cluster',
            '---',
            '\\',
            '"',
            "'",
            '<<EOF',
            'spec:',
            '  cidrs:',
            '{a,b}',
          ),
        ),
        { maxLength: 30 },
      ),
      (parts) => {
        const { plan } = importPlan([{ name: 'fuzz', text: parts.join(' \n') }], { name: 'fuzz' });
        return plan.cluster.name === 'fuzz';
      },
    ),
    { numRuns: 300 },
  );
});

it('a values file, imported beside the command, is merged before --set as helm does', () => {
  const values = 'kubeProxyReplacement: "false"\nipam:\n  mode: cluster-pool\nhubble:\n  relay:\n    enabled: true\n';
  const command =
    'helm install cilium cilium/cilium --version 1.18.14 -n kube-system -f values.yaml --set kubeProxyReplacement=true';
  const { plan, findings } = importPlan(
    [
      { name: 'values.yaml', text: values },
      { name: 'cmd.sh', text: command },
    ],
    { name: 'v' },
  );
  expect(findings.map((f) => f.code)).toEqual(expect.arrayContaining(['ipam-mode-not-kubernetes']));
  expect(findings.map((f) => f.code)).not.toContain('kube-proxy-replacement-off');
  expect(findings.map((f) => f.code)).not.toContain('values-file-not-pasted');
  const alone = importPlan([{ name: 'cmd.sh', text: command }], { name: 'v' });
  expect(alone.findings.find((f) => f.code === 'values-file-not-pasted')?.message).toMatch(
    /values\.yaml \(cmd\.sh:1\), which was not among the imported files/,
  );
  expect(plan.cilium.extraValues).toEqual({ hubble: { relay: { enabled: true } } });
});

describe('chart values are judged by the chosen chart', () => {
  it('a value of the chart survives import unchanged; a supported version is kept', () => {
    const { plan, findings } = importPlan(
      [
        {
          name: 'paste',
          text:
            'helm install cilium cilium/cilium --version 1.19.8 --set kubeProxyReplacement=true --set ipam.mode=kubernetes ' +
            '--set l2announcements.enabled=true --set ipam.operator.clusterPoolIPv4MaskSize=26 --set extraConfig.some-flag=x',
        },
      ],
      { env: env() },
    );
    expect(plan.cilium.version).toBe('1.19.8');
    expect(plan.cilium.extraValues).toMatchObject({
      ipam: { operator: { clusterPoolIPv4MaskSize: 26 } },
      extraConfig: { 'some-flag': 'x' },
    });
    expect(findings.filter((f) => f.code.startsWith('chart-'))).toEqual([]);
    // No image given: the newest image 1.19 lists as tested.
    expect(plan.cluster.nodeImage).toMatch(/^kindest\/node:v1\.35\.8@/);
  });

  it('enableCiliumEndpointSlice: true is what helm refuses from 1.18; the fix drops it', () => {
    const { plan, findings } = importPlan(
      [
        {
          name: 'paste',
          text: 'helm install cilium cilium/cilium --version 1.18.14 --set enableCiliumEndpointSlice=true',
        },
      ],
      { env: env() },
    );
    expect(findings.find((f) => f.code === 'chart-refuses-value')).toMatchObject({
      field: 'enableCiliumEndpointSlice',
      severity: 'error',
      message: expect.stringMatching(/^helm install fails: enableCiliumEndpointSlice was deprecated in v1\.16/),
    });
    expect(plan.cilium.extraValues).not.toHaveProperty('enableCiliumEndpointSlice');
  });
});
