import { describe, expect, it } from 'vitest';
import { LabPlan, untestedPairingOf, type LabPlanInput } from '../../../contract';
import type { LabEnvironment } from '../environment/lab-environment';
import { toolSpecs } from '../../tools/tool-specs';
import { defaultCompatRow, pairingOf } from '../../../contract/compat-table';
import { defaultPlan } from './plan';
import { validatePlan } from './validate-plan';

/** An engine as readLabEnvironment reports it: the kind network and one other cluster. */
const env = (): LabEnvironment => ({
  networkName: 'kind',
  network: { subnet: '172.18.0.0/16', gateway: '172.18.0.1' },
  used: [
    { cidr: '172.18.0.1/32', what: 'the network gateway (this machine)' },
    { cidr: '172.18.0.2/32', what: 'node other-control-plane' },
    { cidr: '172.18.0.3/32', what: 'node other-worker' },
  ],
  clusters: new Map([['other', ['other-control-plane', 'other-worker']]]),
  clustersOnNetwork: ['other'],
  problems: [],
});

function plan(overrides: (p: LabPlanInput) => void): LabPlan {
  const input = structuredClone(defaultPlan('demo')) as LabPlanInput;
  overrides(input);
  return LabPlan.parse(input);
}

describe('the default plan for demo', () => {
  it('has what the issue asks for, and validates with an auto pool inside the network', () => {
    const p = defaultPlan('demo');
    expect(p.cluster).toMatchObject({ disableDefaultCNI: true, kubeProxyMode: 'none', controlPlanes: 1, workers: 2 });
    expect(p.cluster.nodeImage).toMatch(/^kindest\/node:v1\.36\.4@sha256:[0-9a-f]{64}$/);
    expect(p.cilium.version).toBe('1.20.2');
    expect(p.cilium).toMatchObject({ kubeProxyReplacement: true, ipamMode: 'kubernetes', devices: ['eth0'] });
    const result = validatePlan(p, env());
    expect(result.findings).toEqual([]);
    expect(result.poolCidr).toBe('172.18.250.0/24');
  });

  it("names one kind release everywhere: the compatibility table's default, the contract's, the managed download's", () => {
    const kind = toolSpecs.find((spec) => spec.name === 'kind')!;
    expect(defaultPlan('demo').cluster.kindVersion).toBe(defaultCompatRow.kind);
    expect(LabPlan.parse({ cluster: { name: 'demo' } }).cluster.kindVersion).toBe(defaultCompatRow.kind);
    expect(`v${kind.download!.version}`).toBe(defaultCompatRow.kind);
  });
});

describe('refusals name the field and the fix', () => {
  const cases: {
    title: string;
    change: (p: LabPlanInput) => void;
    code: string;
    field: string;
    message: RegExp;
    fix: RegExp;
  }[] = [
    {
      title: 'a name that is no DNS-1123 label',
      change: (p) => void (p.cluster.name = 'My_Lab'),
      code: 'name-invalid',
      field: 'cluster.name',
      message: /DNS-1123/,
      fix: /"my-lab"/,
    },
    {
      title: 'a name that makes a node name longer than 63',
      change: (p) => void (p.cluster.name = 'a'.repeat(50)),
      code: 'name-too-long',
      field: 'cluster.name',
      message: /-control-plane.*64 characters/,
      fix: /at most 49/,
    },
    {
      title: 'a name too long for the external load balancer of two control planes',
      change: (p) => Object.assign(p.cluster, { name: 'b'.repeat(45), controlPlanes: 2 }),
      code: 'name-too-long',
      field: 'cluster.name',
      message: /-external-load-balancer" \(68 characters\)/,
      fix: /at most 40/,
    },
    {
      title: 'a name already taken on the engine',
      change: (p) => void (p.cluster.name = 'other'),
      code: 'name-taken',
      field: 'cluster.name',
      message: /already exists.*other-control-plane/,
      fix: /kind delete cluster --name other/,
    },
    {
      title: 'a pool outside the kind network',
      change: (p) => void (p.pool!.cidr = '192.168.1.0/24'),
      code: 'pool-outside-network',
      field: 'pool.cidr',
      message: /outside the kind network 172\.18\.0\.0\/16: ARP from this machine can never reach it/,
      fix: /pool\.cidr: auto \(here 172\.18\.250\.0\/24\)/,
    },
    {
      title: 'a pool over a node address',
      change: (p) => void (p.pool!.cidr = '172.18.0.0/29'),
      code: 'pool-overlaps-in-use',
      field: 'pool.cidr',
      message: /network or broadcast/,
      fix: /auto/,
    },
    {
      title: 'a pool over a node address (not the network address)',
      change: (p) => void (p.pool!.cidr = '172.18.0.2/31'),
      code: 'pool-overlaps-node',
      field: 'pool.cidr',
      message: /overlaps node other-control-plane/,
      fix: /auto/,
    },
    {
      title: 'inverted lease timings',
      change: (p) =>
        void (p.cilium!.l2announcements = { leaseDuration: '1s', leaseRenewDeadline: '3s', leaseRetryPeriod: '500ms' }),
      code: 'lease-timings-inverted',
      field: 'cilium.l2announcements',
      message: /leaseDuration > leaseRenewDeadline > leaseRetryPeriod; got 1s \/ 3s \/ 500ms/,
      fix: /3s \/ 1s \/ 500ms/,
    },
    {
      title: 'equal lease timings',
      change: (p) => void (p.cilium!.l2announcements = { leaseRenewDeadline: '2s', leaseRetryPeriod: '2s' }),
      code: 'lease-timings-inverted',
      field: 'cilium.l2announcements',
      message: /got 3s \/ 2s \/ 2s/,
      fix: /failover/,
    },
    {
      title: 'an L2 interface not in devices',
      change: (p) => void (p.l2Policy!.interfaces = ['^enp0s[0-9]+']),
      code: 'policy-interface-not-in-devices',
      field: 'l2Policy.interfaces',
      message: /"\^enp0s\[0-9\]\+" matches none of Cilium's devices \(eth0\)/,
      fix: /\^eth\[0-9\]\+/,
    },
    {
      title: 'a device kind nodes do not have',
      change: (p) => void (p.cilium!.devices = ['eth0', 'net0']),
      code: 'device-not-on-nodes',
      field: 'cilium.devices',
      message: /no interface "net0"/,
      fix: /\[eth0\]/,
    },
    {
      title: 'native routing without its CIDR',
      change: (p) => void (p.cilium!.routingMode = 'native'),
      code: 'native-routing-without-cidr',
      field: 'cilium.ipv4NativeRoutingCIDR',
      message: /routingMode native needs ipv4NativeRoutingCIDR/,
      fix: /10\.244\.0\.0\/16/,
    },
    {
      title: 'more operator replicas than nodes',
      change: (p) => void (p.cilium!.operatorReplicas = 4),
      code: 'operator-replicas-above-nodes',
      field: 'cilium.operatorReplicas',
      message: /4 is more than the 3 nodes/,
      fix: /at most 3/,
    },
    {
      title: 'an API host that is no control plane',
      change: (p) => void (p.cilium!.k8sServiceHost = 'demo-control-plan'),
      code: 'k8s-service-host-unknown',
      field: 'cilium.k8sServiceHost',
      message: /names no control-plane node/,
      fix: /demo-control-plane/,
    },
    {
      title: 'a pod subnet inside the kind network',
      change: (p) => void (p.cluster.podSubnet = '172.18.128.0/17'),
      code: 'subnet-overlaps-network',
      field: 'cluster.podSubnet',
      message: /overlaps the kind network 172\.18\.0\.0\/16/,
      fix: /10\.244\.0\.0\/16/,
    },
    {
      title: 'an image not pinned by digest',
      change: (p) => void (p.cluster.nodeImage = 'kindest/node:v1.33.1'),
      code: 'image-not-pinned',
      field: 'cluster.nodeImage',
      message: /not pinned by digest/,
      fix: /@sha256/,
    },
    {
      title: 'an end-of-life Cilium release',
      change: (p) => void (p.cilium!.version = '1.15.4'),
      code: 'cilium-version-unsupported',
      field: 'cilium.version',
      message: /1\.15\.4 is not a supported release \(supported: 1\.20\.2, 1\.19\.8, 1\.18\.14/,
      fix: /Use Cilium 1\.20\.2/,
    },
    {
      title: 'a Cilium release not tested on the image, not acknowledged',
      change: (p) => void (p.cilium!.version = '1.18.14'),
      code: 'cilium-not-tested',
      field: 'cilium.version',
      message:
        /lists Kubernetes 1\.30, 1\.31, 1\.32, 1\.33 as e2e tested, not 1\.36\.4.*untested, not unsupported; tested there: 1\.20\.2/,
      fix: /--allow-untested.*kind v0\.33\.0 with kindest\/node:v1\.34\.11|--allow-untested.*v1\.33/,
    },
    {
      title: "kind v0.33.0's default image (Kubernetes 1.37.0), which no Cilium lists",
      change: (p) =>
        void (p.cluster.nodeImage =
          'kindest/node:v1.37.0@sha256:a1ed56cfb0e7b93589bdf97c8cd566405a265939e3620fc4f5de89adff580ae5'),
      code: 'cilium-not-tested',
      field: 'cilium.version',
      message: /not 1\.37\.0 .*no Cilium release lists it yet/,
      fix: /--allow-untested/,
    },
    {
      title: 'a value the chart refuses (enableCiliumEndpointSlice: true on 1.18+)',
      change: (p) => void (p.cilium!.extraValues = { enableCiliumEndpointSlice: true }),
      code: 'chart-refuses-value',
      field: 'cilium.extraValues.enableCiliumEndpointSlice',
      message: new RegExp(
        String.raw`^helm install fails: enableCiliumEndpointSlice was deprecated in v1\.16 and has been removed in v1\.18.*` +
          String.raw`\(cilium\/templates\/validate\.yaml:5:5, Cilium chart 1\.20\.2\)\.$`,
      ),
      fix: /^Remove enableCiliumEndpointSlice/,
    },
  ];
  it.each(cases)('$title', ({ change, code, field, message, fix }) => {
    const findings = validatePlan(plan(change), env()).findings;
    const found = findings.find((f) => f.code === code);
    expect(found, JSON.stringify(findings)).toBeDefined();
    expect(found).toMatchObject({ field, severity: 'error' });
    expect(found!.message).toMatch(message);
    expect(found!.fix).toMatch(fix);
  });

  it('warns about chart values the chart does not have (helm ignores them), and refuses what the chart refuses', () => {
    const findings = validatePlan(
      plan(
        (p) =>
          void (p.cilium!.extraValues = {
            hubble: { relay: { enabled: true } },
            l2podAnnouncements: { interfacePatern: 'eth0' },
            tunnel: 'vxlan',
            enableK8sEventHandover: false,
          }),
      ),
      env(),
    ).findings;
    expect(findings.map((f) => [f.code, f.field, f.severity, f.message, f.fix])).toEqual([
      [
        'chart-refuses-value',
        'cilium.extraValues.tunnel',
        'error',
        expect.stringMatching(/^helm install fails: tunnel was deprecated in v1\.14 and has been removed in v1\.15/),
        'Remove tunnel (chart 1.20.2 no longer has it).',
      ],
      [
        'chart-value-unknown',
        'cilium.extraValues.l2podAnnouncements.interfacePatern',
        'warning',
        'l2podAnnouncements.interfacePatern: chart 1.20.2 has no such value: helm ignores it (keys read from chart 1.20.0).',
        'Use l2podAnnouncements.interfacePattern, or remove l2podAnnouncements.interfacePatern.',
      ],
      // A removed value the chart's check lets pass (false) is really ignored.
      [
        'chart-value-unknown',
        'cilium.extraValues.enableK8sEventHandover',
        'warning',
        'enableK8sEventHandover: chart 1.20.2 has no such value (it was removed): helm ignores it (keys read from chart 1.20.0).',
        'Remove enableK8sEventHandover.',
      ],
    ]);
  });

  it('an untested pairing acknowledged is a warning that says so, with the reason', () => {
    const findings = validatePlan(
      plan((p) => {
        p.cluster.nodeImage =
          'kindest/node:v1.37.0@sha256:a1ed56cfb0e7b93589bdf97c8cd566405a265939e3620fc4f5de89adff580ae5';
        p.cilium!.allowUntested = true;
        p.cilium!.untestedReason = 'trying Kubernetes 1.37';
      }),
      env(),
    ).findings;
    expect(findings).toEqual([
      expect.objectContaining({
        code: 'cilium-untested-acknowledged',
        severity: 'warning',
        message: expect.stringMatching(/^Untested pairing, acknowledged \(trying Kubernetes 1\.37\)/),
      }),
    ]);
  });

  it('with several control planes the API host is the external load balancer', () => {
    const p = plan((x) => void (x.cluster.controlPlanes = 3));
    expect(validatePlan(p, env()).findings).toEqual([]);
    expect(
      validatePlan(
        plan(
          (x) =>
            Object.assign(x.cluster, { controlPlanes: 3 }) && void (x.cilium!.k8sServiceHost = 'demo-control-plane'),
        ),
        env(),
      ).findings,
    ).toEqual([]);
  });

  it('without the engine an auto pool is refused with the reason, a manual one kept', () => {
    expect(validatePlan(defaultPlan('demo'), undefined).findings.map((f) => [f.code, f.field])).toEqual([
      ['pool-not-resolved', 'pool.cidr'],
    ]);
    expect(
      validatePlan(
        plan((p) => void (p.pool!.cidr = '172.18.250.0/24')),
        undefined,
      ),
    ).toEqual({ poolCidr: '172.18.250.0/24', findings: [] });
  });

  it('without the kind network an auto pool is carved at run time (said, not refused), a manual one noted as unchecked', () => {
    const noNetwork = { ...env(), network: undefined };
    const auto = validatePlan(defaultPlan('demo'), noNetwork);
    expect(auto.poolCidr).toBeUndefined();
    expect(auto.findings.map((f) => [f.code, f.severity, f.field])).toEqual([
      ['pool-carved-at-run', 'info', 'pool.cidr'],
    ]);
    expect(auto.findings[0]!.message).toBe(
      'pool.cidr is auto: the pool is carved from the `kind` network once kind creates it — ' +
        'on a fresh Docker that is usually 172.18.0.0/16, giving 172.18.250.0/24.',
    );
    expect(
      validatePlan(
        plan((p) => void (p.pool!.cidr = '172.18.250.1/24')),
        noNetwork,
      ).findings.map((f) => [f.code, f.severity]),
    ).toEqual([['pool-invalid', 'error']]);
    const manual = validatePlan(
      plan((p) => void (p.pool!.cidr = '172.18.250.0/24')),
      noNetwork,
    );
    expect(manual.poolCidr).toBe('172.18.250.0/24');
    expect(manual.findings.map((f) => [f.code, f.severity])).toEqual([['network-not-checked', 'warning']]);
  });
});

describe('an IPv6 pool block (dual stack)', () => {
  const codes = (over: (p: LabPlanInput) => void) =>
    validatePlan(plan(over), env()).findings.map((f) => [f.code, f.field, f.severity]);
  it("is accepted on a dual-stack plan with Cilium 1.19+, outside kind's IPv6 subnets", () => {
    expect(codes((p) => ((p.cluster!.ipFamily = 'dual'), (p.pool!.ipv6Cidr = 'fd00:10:250::/112')))).toEqual([]);
  });
  it("is refused on an IPv4-only cluster, and inside kind's IPv6 pod or service subnet", () => {
    expect(codes((p) => (p.pool!.ipv6Cidr = 'fd00:10:250::/112'))).toEqual([
      ['pool-ipv6-single-stack', 'pool.ipv6Cidr', 'error'],
    ]);
    expect(codes((p) => ((p.cluster!.ipFamily = 'dual'), (p.pool!.ipv6Cidr = 'fd00:10:96::/120')))).toEqual([
      ['pool-ipv6-overlaps-cluster', 'pool.ipv6Cidr', 'error'],
    ]);
  });
  it('is a warning on Cilium 1.18, which answers no NDP for it (cilium/cilium#39648 came in 1.19)', () => {
    const findings = validatePlan(
      plan((p) => {
        p.cluster!.ipFamily = 'dual';
        p.pool!.ipv6Cidr = 'fd00:10:250::/112';
        p.cilium!.version = '1.18.14';
        p.cluster!.kindVersion = 'v0.29.0';
        p.cluster!.nodeImage =
          'kindest/node:v1.33.1@sha256:050072256b9a903bd914c0b2866828150cb229cea0efe5892e2b644d5dd3b34f';
      }),
      env(),
    ).findings;
    expect(findings.map((f) => [f.code, f.severity])).toEqual([['pool-ipv6-not-announced', 'warning']]);
  });
});

describe('an acknowledged untested pairing is marked in the run (untestedPairingOf reads the plan the run keeps)', () => {
  it('names the pairing and the reason; a tested or unacknowledged plan is not marked', () => {
    const runOf = (over: (p: LabPlanInput) => void) => {
      const p = plan(over);
      return { facts: { rendering: { plan: p, pairing: pairingOf(p) } } };
    };
    expect(
      untestedPairingOf(
        runOf((p) => {
          p.cilium!.version = '1.18.14';
          p.cilium!.allowUntested = true;
          p.cilium!.untestedReason = 'acknowledged in the create-lab wizard';
        }),
      ),
    ).toEqual({ kubernetes: '1.36.4', cilium: '1.18.14', reason: 'acknowledged in the create-lab wizard' });
    expect(untestedPairingOf(runOf(() => undefined))).toBeUndefined();
    expect(untestedPairingOf(runOf((p) => (p.cilium!.version = '1.18.14')))).toBeUndefined();
  });
});
