import type { Finding } from '../../contract';
import type { KubeL2Policy, KubeService } from '../kube/kube-types';
import { announcesByBgp } from './bgp-mode';
import { agentDaemonSet, ciliumConfig, ciliumState, containerDown } from './cilium-rules';
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

/**
 * The installed Cilium's version, when known: `cilium-config`'s `cilium-version`, else the tag
 * of the agent DaemonSet's image ("the image tag indicating the exact version of the Cilium
 * docker container", Cilium's Kubernetes deployment concepts), e.g. `quay.io/cilium/cilium:v1.20.2@sha256:…`.
 */
function installedVersion(input: DiagnoseInput): number[] | undefined {
  const agent = agentDaemonSet(input)?.spec?.template?.spec?.containers?.find((c) => c.name === 'cilium-agent');
  const text = ciliumConfig(input)?.['cilium-version'] ?? /:v?(\d+\.\d+\.\d+)/.exec(agent?.image ?? '')?.[1];
  const match = text ? /(\d+)\.(\d+)\.(\d+)/.exec(text) : null;
  return match ? match.slice(1, 4).map(Number) : undefined;
}
const atLeast = (v: number[], [a, b, c]: [number, number, number]) =>
  v[0]! !== a ? v[0]! > a : v[1]! !== b ? v[1]! > b : v[2]! >= c;

function serviceEndpoints(service: KubeService, input: DiagnoseInput) {
  const ns = service.metadata.namespace ?? 'default';
  return (input.kube.endpointSlices ?? [])
    .filter(
      (s) => s.metadata.namespace === ns && s.metadata.labels?.['kubernetes.io/service-name'] === service.metadata.name,
    )
    .flatMap((s) => s.endpoints ?? [])
    .filter((e) => e.conditions?.ready !== false);
}

/**
 * `externalTrafficPolicy: Local` with L2 announcements, by the installed version:
 * - before 1.20.2 any eligible node may take the lease, also one without a local backend, and
 *   then the traffic it receives is dropped (cilium/cilium#27800);
 * - from 1.20.2 only nodes with a local backend take the lease (cilium/cilium#46399, backported
 *   as cilium/cilium#48550: the announcer's `hasLocalBackends` compares each backend's node name
 *   with its own), so a service whose endpoints carry no node name — Gateway API's placeholder
 *   backend — gets no lease and no ARP reply at all, with nothing reported anywhere
 *   (cilium/cilium#48799, open); with node-named endpoints the holder always has a local one.
 * Unknown version: the older, general warning.
 */
function trafficPolicy(service: KubeService, input: DiagnoseInput): Finding[] {
  if (service.spec?.externalTrafficPolicy !== 'Local') return [];
  const version = installedVersion(input);
  const ns = service.metadata.namespace ?? 'default';
  const toCluster = `kubectl --context ${input.context} patch service ${service.metadata.name} -n ${ns} -p '{"spec":{"externalTrafficPolicy":"Cluster"}}'`;
  if (version && atLeast(version, [1, 20, 2])) {
    const endpoints = serviceEndpoints(service, input);
    if (endpoints.length === 0 || endpoints.some((e) => e.nodeName)) return [];
    return [
      {
        code: 'etp-local-no-node-name',
        message: `externalTrafficPolicy: Local on Cilium ${version.join('.')}: from 1.20.2 only a node with a local backend takes the L2 lease (cilium/cilium#46399, #48550), and this service's endpoints name no node (as Gateway API's placeholder backend does), so no node takes the lease and nothing answers ARP — without any error (cilium/cilium#48799)`,
        fix: `Use externalTrafficPolicy: Cluster: ${toCluster} (for Cilium's Gateway API services: helm value gatewayAPI.externalTrafficPolicy=Cluster).`,
      },
    ];
  }
  const holder = input.kube.leases?.find((l) => l.metadata.name === leaseName(service))?.spec?.holderIdentity;
  const endpoints = input.kube.endpointSlices ? serviceEndpoints(service, input) : undefined;
  const holderHasBackend = holder && endpoints?.some((e) => e.nodeName === holder);
  const named = endpoints?.some((e) => e.nodeName);
  // The holder is known to have a local backend: the traffic it takes is served.
  if (holderHasBackend) return [];
  return [
    {
      code: 'etp-local',
      message:
        holder && named
          ? `externalTrafficPolicy: Local with L2 announcements${version ? ` on Cilium ${version.join('.')}` : ''}: the lease holder ${holder} has no local endpoint, so the traffic it receives is dropped (before 1.20.2 any eligible node may hold the lease, cilium/cilium#27800)`
          : `externalTrafficPolicy: Local with L2 announcements${version ? ` on Cilium ${version.join('.')}` : ''}: only a node with a local endpoint may answer; when the lease holder has none, traffic is dropped (cilium/cilium#27800)`,
      fix: `Use externalTrafficPolicy: Cluster (${toCluster}), keep a pod on every eligible node, or upgrade to Cilium 1.20.2+, where only nodes with a local backend take the lease.`,
    },
  ];
}

/**
 * LB-IPAM lets services share one IP through a sharing key; L2 announcements run one leader
 * election per service, so services sharing an IP may each elect a different node and both
 * nodes answer ARP for it (cilium/cilium#48419, open; Cilium's docs mark sharing keys as
 * unsupported with L2 announcements, cilium/cilium#48456).
 */
function sharedIp(service: KubeService, input: DiagnoseInput): Finding[] {
  const annotations = service.metadata.annotations ?? {};
  const key = annotations['lbipam.cilium.io/sharing-key'] ?? annotations['io.cilium/lb-ipam-sharing-key'];
  if (key === undefined || !input.kube.policies || selectingPolicies(service, input.kube.policies).length === 0)
    return [];
  const ips = externalIPs(service);
  const others = (input.kube.services ?? []).filter(
    (s) =>
      s !== service &&
      !(s.metadata.name === service.metadata.name && s.metadata.namespace === service.metadata.namespace) &&
      externalIPs(s).some((ip) => ips.includes(ip)),
  );
  if (others.length === 0) return [];
  const holders = [service, ...others].map(
    (s) => input.kube.leases?.find((l) => l.metadata.name === leaseName(s))?.spec?.holderIdentity,
  );
  const distinct = [...new Set(holders.filter(Boolean))];
  return [
    {
      code: 'lb-ipam-sharing-key-l2',
      message: `${ips.join(', ')} is shared through the LB-IPAM sharing key "${key}" with ${others.map((s) => `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`).join(', ')}: L2 announcements elect a node per service, so two nodes may answer ARP for one IP (cilium/cilium#48419)${distinct.length > 1 ? `; the leases are held by ${distinct.join(' and ')} now` : ''}`,
      fix: 'Give each L2-announced service its own IP (remove the lbipam.cilium.io/sharing-key annotation), or put the ports in one service.',
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
  // BGP mode: no L2 announcement is expected (bgp-mode.ts); only whether anything can answer at all.
  if (cilium === 'installed' && announcesByBgp(input)) return endpoints(service, input);
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
  findings.push(
    ...endpoints(service, input),
    ...trafficPolicy(service, input),
    ...(cilium === 'installed' ? sharedIp(service, input) : []),
    ...outsideNetworks(service, input),
  );
  return findings;
}

function safeRegex(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern);
  } catch {
    return undefined;
  }
}
