import type { AnsweredBy, ClusterStatus, StreamState } from '../../contract';
import type { DiagnoseInput } from '../diagnose/diagnose-input';
import { agentDaemonSet, ciliumConfig, ciliumState, clusterRules } from '../diagnose/cilium-rules';
import { announcementReasons, leaseName } from '../diagnose/l2-rules';
import { externalIPs, pendingReasons } from '../diagnose/lb-ipam-rules';
import { poolFacts, poolNetwork, poolOverlaps, poolRules } from '../diagnose/pool-rules';
import type { StreamStatus } from '../kube/kube-state';
import type { KubeNode, KubeService } from '../kube/kube-types';
import { parseCidr } from '../net';

export interface ModelInput extends DiagnoseInput {
  cluster: string;
  streams: StreamStatus[];
  /** The last measurement of each IP by any view (measurements.ts), by IP: the only source of `answeredBy`. */
  probes: ReadonlyMap<string, AnsweredBy>;
  /** Why the topology is unknown, when it is. */
  topologyProblem?: string;
}

/** The joined cluster status: Kubernetes state + topology + findings. Pure: same input, same model. */
export function buildClusterStatus(input: ModelInput): ClusterStatus {
  const { kube } = input;
  const config = ciliumConfig(input);
  const agents = agentDaemonSet(input);
  const operator = kube.deployments?.find((d) => d.metadata.name === 'cilium-operator');
  const state = ciliumState(input);
  const nodes = (kube.nodes ?? []).map((node) => nodeStatus(node, input));
  const clusterCIDR = clusterCidr(
    input,
    nodes.flatMap((n) => n.podCIDRs),
  );
  return {
    cluster: input.cluster,
    context: input.context,
    ...(clusterCIDR ? { clusterCIDR } : {}),
    connection: connection(input.streams),
    nodes,
    cilium: {
      installed: state === 'installed',
      state,
      ...(config?.['cilium-version'] ? { version: config['cilium-version'] } : {}),
      agents: { ready: agents?.status?.numberReady ?? 0, desired: agents?.status?.desiredNumberScheduled ?? 0 },
      operator: { ready: operator?.status?.readyReplicas ?? 0, desired: operator?.spec?.replicas ?? 0 },
      ...(config?.['kube-proxy-replacement'] ? { kubeProxyReplacement: config['kube-proxy-replacement'] } : {}),
      l2Announcements: config?.['enable-l2-announcements'] === 'true',
      ...(config?.['routing-mode'] ? { routingMode: config['routing-mode'] } : {}),
      ...(config?.['l2-announcements-lease-duration']
        ? { leaseDuration: config['l2-announcements-lease-duration'] }
        : {}),
    },
    services: (kube.services ?? [])
      .filter((s) => s.spec?.type === 'LoadBalancer')
      .map((service) => serviceStatus(service, input))
      .sort(byName),
    pools: (kube.pools ?? [])
      .map((pool) => {
        const facts = poolFacts(pool);
        const network = poolNetwork(pool, input);
        return {
          name: pool.metadata.name,
          apiVersion: pool.apiVersion ?? 'cilium.io/v2alpha1',
          ranges: facts.ranges,
          disabled: facts.disabled,
          ...(pool.spec?.serviceSelector ? { serviceSelector: pool.spec.serviceSelector } : {}),
          ...(facts.total !== undefined ? { total: facts.total } : {}),
          ...(facts.available !== undefined ? { available: facts.available } : {}),
          ...(facts.used !== undefined ? { used: facts.used } : {}),
          conflict: facts.conflict,
          ...(network ? { dockerNetwork: network } : {}),
          findings: poolRules.flatMap((rule) => rule(pool, input)),
        };
      })
      .sort(byName),
    policies: (kube.policies ?? [])
      .map((p) => ({
        name: p.metadata.name,
        interfaces: p.spec?.interfaces ?? [],
        loadBalancerIPs: p.spec?.loadBalancerIPs === true,
        externalIPs: p.spec?.externalIPs === true,
        ...(p.spec?.nodeSelector ? { nodeSelector: p.spec.nodeSelector } : {}),
        ...(p.spec?.serviceSelector ? { serviceSelector: p.spec.serviceSelector } : {}),
      }))
      .sort(byName),
    leases: (kube.leases ?? [])
      .filter((l) => l.metadata.name.startsWith('cilium-l2announce-'))
      .map((l) => ({
        name: l.metadata.name,
        ...(l.spec?.holderIdentity ? { holder: l.spec.holderIdentity } : {}),
        ...(l.spec?.renewTime ? { renewTime: l.spec.renewTime } : {}),
        ...(l.spec?.leaseDurationSeconds ? { leaseDurationSeconds: l.spec.leaseDurationSeconds } : {}),
      }))
      .sort(byName),
    findings: [...clusterRules.flatMap((rule) => rule(input)), ...poolOverlaps(input)],
    streams: input.streams.map((s) => ({
      resource: s.resource,
      state: s.state,
      ...(s.reason ? { reason: s.reason } : {}),
    })),
    complete: input.streams.every((s) => s.state === 'live' || s.state === 'absent'),
    generatedAt: new Date().toISOString(),
  };
}

const byName = (a: { name: string; namespace?: string }, b: { name: string; namespace?: string }) =>
  `${a.namespace ?? ''}/${a.name}`.localeCompare(`${b.namespace ?? ''}/${b.name}`);

/** offline when any stream is; connecting while any is unknown; otherwise live. */
export function connection(streams: StreamStatus[]): { state: StreamState; reason?: string } {
  const offline = streams.find((s) => s.state === 'offline');
  if (offline) return { state: 'offline', reason: offline.reason ?? `${offline.resource}: offline` };
  const unknown = streams.filter((s) => s.state === 'unknown');
  if (unknown.length > 0) {
    const reason = unknown.find((s) => s.reason)?.reason;
    return {
      state: 'connecting',
      reason: `not listed yet: ${unknown.map((s) => s.resource).join(', ')}${reason ? ` (${reason})` : ''}`,
    };
  }
  return { state: 'live' };
}

function nodeStatus(node: KubeNode, input: ModelInput): ClusterStatus['nodes'][number] {
  const name = node.metadata.name;
  const container = input.topology?.nodes.find((n) => n.name === name);
  const internalIP = node.status?.addresses?.find((a) => a.type === 'InternalIP' && !a.address.includes(':'))?.address;
  return {
    name,
    roles: Object.keys(node.metadata.labels ?? {})
      .filter((k) => k.startsWith('node-role.kubernetes.io/'))
      .map((k) => k.split('/')[1]!)
      .filter(Boolean),
    ready: (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    ...(internalIP ? { internalIP } : {}),
    podCIDRs: node.spec?.podCIDRs ?? (node.spec?.podCIDR ? [node.spec.podCIDR] : []),
    ...(container?.mac ? { mac: container.mac } : {}),
    ...(container?.running && container.ipv4 ? { containerIP: container.ipv4 } : {}),
    ...(container ? { container: { state: container.state, running: container.running } } : {}),
  };
}

function serviceStatus(service: KubeService, input: ModelInput): ClusterStatus['services'][number] {
  const ns = service.metadata.namespace ?? 'default';
  const name = service.metadata.name;
  const lease = input.kube.leases?.find((l) => l.metadata.name === leaseName(service));
  const holder = lease?.spec?.holderIdentity;
  const holderMac = holder ? input.topology?.nodes.find((n) => n.name === holder)?.mac : undefined;
  const slices =
    input.kube.endpointSlices?.filter(
      (s) => s.metadata.namespace === ns && s.metadata.labels?.['kubernetes.io/service-name'] === name,
    ) ?? [];
  const ip = externalIPs(service)[0];
  const probe = ip ? input.probes.get(ip) : undefined;
  const ports = service.spec?.ports ?? [];
  return {
    namespace: ns,
    name,
    type: service.spec?.type ?? 'ClusterIP',
    ...(service.spec?.clusterIP ? { clusterIP: service.spec.clusterIP } : {}),
    ports: ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`),
    servicePorts: ports.map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      port: p.port,
      ...(p.nodePort ? { nodePort: p.nodePort } : {}),
      protocol: p.protocol ?? 'TCP',
    })),
    externalIPs: externalIPs(service),
    readyEndpoints: slices.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready !== false).length,
    ...(holder ? { holder } : {}),
    ...(holderMac ? { holderMac } : {}),
    ...(holder
      ? {
          leaseHolder: {
            node: holder,
            lease: leaseName(service),
            ...(holderMac ? { mac: holderMac } : {}),
            ...(lease?.spec?.renewTime ? { renewTime: lease.spec.renewTime } : {}),
          },
        }
      : {}),
    ...(probe ? { answeredBy: probe } : {}),
    ...(sampleTokenOf(service) ? { sampleToken: sampleTokenOf(service)! } : {}),
    findings: [...pendingReasons(service, input), ...announcementReasons(service, input)],
  };
}

/** kubeadm's podSubnet (kube-system/kubeadm-config), else the smallest supernet of the nodes' IPv4 pod CIDRs. */
function clusterCidr(input: ModelInput, podCidrs: string[]): ClusterStatus['clusterCIDR'] {
  const kubeadm = input.kube.configMaps?.find((cm) => cm.metadata.name === 'kubeadm-config')?.data
    ?.ClusterConfiguration;
  const podSubnet = kubeadm ? /podSubnet:\s*(\S+)/.exec(kubeadm)?.[1] : undefined;
  if (podSubnet) return { cidr: podSubnet, source: 'kubeadm-config' };
  const v4 = podCidrs.map((c) => parseCidr(c)).filter((c) => c?.family === 4);
  if (v4.length === 0) return undefined;
  let prefix = Math.min(...v4.map((c) => c!.prefix));
  const base = Number(v4[0]!.base);
  while (prefix > 0 && !v4.every((c) => Number(c!.base) >>> (32 - prefix) === base >>> (32 - prefix))) prefix -= 1;
  const supernet = parseCidr(`${[24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join('.')}/${prefix}`)!;
  return { cidr: supernet.text, source: 'node pod CIDRs' };
}

/** The sample app's token, as Kindscope put it on the Service (core/lab/plan/render.ts). */
function sampleTokenOf(service: KubeService): string | undefined {
  const token = service.metadata.annotations?.['kindscope.dev/sample-token'];
  return typeof token === 'string' && /^[a-z0-9]{8,64}$/.test(token) ? token : undefined;
}
