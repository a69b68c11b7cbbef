import type { Finding } from '../../contract';
import type { KubeL2Policy, KubeService } from '../kube/kube-types';
import { ciliumConfig, ciliumState, containerDown } from './cilium-rules';
import type { DiagnoseInput } from './diagnose-input';
import { kubeProxyStrict } from './kube-proxy-strict';
import { externalIPs } from './lb-ipam-rules';
import { selectorArgument, selectorMatches } from './selector';
import { cidrContains } from '../net';

const helmUpgrade = (context: string, set: string) =>
  `helm upgrade cilium cilium/cilium -n kube-system --kube-context ${context} --reuse-values --set ${set}`;
export const leaseName = (service: KubeService) =>
  `cilium-l2announce-${service.metadata.namespace ?? 'default'}-${service.metadata.name}`;

/**
 * L2 announcements need kube-proxy replacement and `enable-l2-announcements`
 * (https://docs.cilium.io/en/stable/network/l2-announcements/#prerequisites); `strict` is
 * not enough (kube-proxy-strict.ts).
 */
function releaseSettings(service: KubeService, input: DiagnoseInput): Finding[] {
  const config = ciliumConfig(input);
  if (!config) return [];
  const findings: Finding[] = [];
  const kpr = config['kube-proxy-replacement'];
  if (kubeProxyStrict.is(kpr))
    findings.push({
      code: kubeProxyStrict.code,
      message: kubeProxyStrict.message('kubeProxyReplacement is "strict"'),
      fix: helmUpgrade(input.context, kubeProxyStrict.set),
    });
  else if (kpr !== 'true')
    findings.push({
      code: 'kube-proxy-replacement-off',
      message: `kube-proxy replacement is ${kpr ?? 'not set'}: L2 announcements need it`,
      fix: helmUpgrade(input.context, 'kubeProxyReplacement=true'),
    });
  if (config['enable-l2-announcements'] !== 'true')
    findings.push({
      code: 'l2-announcements-disabled',
      message: `L2 announcements are not enabled in the Cilium release: no node answers ARP for ${externalIPs(service).join(', ')}`,
      fix: helmUpgrade(input.context, 'l2announcements.enabled=true'),
    });
  return findings;
}

export function selectingPolicies(service: KubeService, policies: KubeL2Policy[]): KubeL2Policy[] {
  return policies.filter(
    (p) => p.spec?.loadBalancerIPs === true && selectorMatches(p.spec?.serviceSelector, service.metadata.labels ?? {}),
  );
}

/** Cilium reports a selector it cannot build as the policy condition `io.cilium/bad-service-selector` (docs, "Status"). */
function badSelector(policy: KubeL2Policy) {
  return (policy.status?.conditions ?? []).find(
    (c) => /bad-(service|node)-selector$/.test(c.type) && c.status === 'True',
  );
}

function policies(service: KubeService, input: DiagnoseInput, enabled: boolean): Finding[] {
  const { policies: all, nodes } = input.kube;
  if (!all) return [];
  const findings: Finding[] = [];
  for (const policy of all) {
    const bad = badSelector(policy);
    if (bad)
      findings.push({
        code: 'policy-bad-selector',
        message: `The policy ${policy.metadata.name} has an invalid selector: ${bad.message ?? bad.type}`,
        fix: `kubectl --context ${input.context} edit ciliuml2announcementpolicy ${policy.metadata.name}`,
      });
  }
  const selecting = selectingPolicies(service, all);
  if (enabled && selecting.length === 0)
    findings.push({
      code: 'no-l2-policy',
      message: 'No CiliumL2AnnouncementPolicy with loadBalancerIPs: true selects this service',
      fix: 'Apply an L2 announcement policy (serviceSelector empty or matching, loadBalancerIPs: true).',
    });
  for (const policy of selecting) {
    if (nodes && !nodes.some((n) => selectorMatches(policy.spec?.nodeSelector, n.metadata.labels ?? {})))
      findings.push({
        code: 'policy-no-nodes',
        message: `The policy ${policy.metadata.name}'s nodeSelector matches no node`,
        fix: 'Loosen the nodeSelector (kind workers have no role label).',
      });
    const interfaces = policy.spec?.interfaces ?? [];
    // kind nodes have one uplink, eth0; Cilium matches the policy's regexes against device names.
    if (interfaces.length > 0 && !interfaces.some((pattern) => safeRegex(pattern)?.test('eth0')))
      findings.push({
        code: 'policy-interfaces',
        message: `The policy ${policy.metadata.name}'s interfaces (${interfaces.join(', ')}) match no device of the nodes (eth0)`,
        fix: 'Use interfaces: ["^eth[0-9]+"].',
      });
  }
  return findings;
}

function lease(service: KubeService, input: DiagnoseInput, announcing: boolean): Finding[] {
  const leases = input.kube.leases;
  if (!leases) return [];
  const holder = leases.find((l) => l.metadata.name === leaseName(service))?.spec?.holderIdentity;
  if (!holder)
    return announcing
      ? [
          {
            code: 'no-lease',
            message: `No node holds the lease ${leaseName(service)}`,
            fix: `kubectl --context ${input.context} -n kube-system get pods -l k8s-app=cilium (are the agents running?)`,
          },
        ]
      : [];
  const container = input.topology?.nodes.find((n) => n.name === holder);
  if (container && containerDown(container))
    return [
      {
        code: 'lease-holder-stopped',
        message: `The lease is held by ${holder}, whose container is ${container.state}: nobody answers ARP until the lease expires and another node takes it`,
        fix: `docker start ${holder}, or wait for the lease duration to pass`,
      },
    ];
  return [];
}

function endpoints(service: KubeService, input: DiagnoseInput): Finding[] {
  const slices = input.kube.endpointSlices;
  if (!slices) return [];
  const ns = service.metadata.namespace ?? 'default';
  const ready = slices
    .filter(
      (s) => s.metadata.namespace === ns && s.metadata.labels?.['kubernetes.io/service-name'] === service.metadata.name,
    )
    .flatMap((s) => s.endpoints ?? [])
    .filter((e) => e.conditions?.ready !== false);
  if (ready.length > 0) return [];
  const selector = service.spec?.selector;
  const fix =
    selector && Object.keys(selector).length > 0
      ? `kubectl --context ${input.context} get pods -n ${ns} -l ${selectorArgument(selector)}`
      : `kubectl --context ${input.context} get endpointslices -n ${ns} -l kubernetes.io/service-name=${service.metadata.name} (the service has no selector)`;
  return [
    { code: 'no-ready-endpoints', message: 'The service has no ready endpoints: nothing answers behind the IP', fix },
  ];
}

function trafficPolicy(service: KubeService): Finding[] {
  if (service.spec?.externalTrafficPolicy !== 'Local') return [];
  return [
    {
      code: 'etp-local',
      message:
        'externalTrafficPolicy: Local with L2 announcements: only a node with a local endpoint may answer; when the lease holder has none, traffic is dropped',
      fix: 'Use externalTrafficPolicy: Cluster, or keep a pod on every eligible node.',
    },
  ];
}

function outsideNetworks(service: KubeService, input: DiagnoseInput): Finding[] {
  const networks = input.topology?.networks;
  if (!networks || networks.length === 0) return [];
  return externalIPs(service)
    .filter((ip) => ip.includes('.') && !networks.some((n) => cidrContains(n.subnet, ip)))
    .map((ip) => ({
      code: 'vip-outside-docker-network' as const,
      message: `${ip} is outside the cluster's Docker networks (${networks.map((n) => n.subnet).join(', ')}): ARP from the host can never reach it`,
      fix: 'Carve the pool from the kind network.',
    }));
}

/** Why nobody may answer ARP for a service's IP. Nothing for what is not known yet. */
export function announcementReasons(service: KubeService, input: DiagnoseInput): Finding[] {
  if (externalIPs(service).length === 0) return [];
  const cilium = ciliumState(input);
  if (cilium === 'not-installed')
    return [
      {
        code: 'cilium-not-installed',
        message: 'Cilium is not installed: nothing announces this IP',
        fix:
          `helm install cilium cilium/cilium --namespace kube-system --kube-context ${input.context} ` +
          '--set kubeProxyReplacement=true --set l2announcements.enabled=true',
      },
    ];
  const findings: Finding[] = [];
  if (cilium === 'installed') {
    const settings = releaseSettings(service, input);
    const config = ciliumConfig(input);
    const enabled = Boolean(config) && settings.length === 0;
    findings.push(...settings, ...policies(service, input, enabled));
    const announcing =
      enabled && Boolean(input.kube.policies && selectingPolicies(service, input.kube.policies).length > 0);
    findings.push(...lease(service, input, announcing));
  }
  findings.push(...endpoints(service, input), ...trafficPolicy(service), ...outsideNetworks(service, input));
  return findings;
}

function safeRegex(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern);
  } catch {
    return undefined;
  }
}
