/**
 * Which values the Cilium chart has, as data with where it came from. helm ignores a
 * value a chart does not have, silently, so Kindscope must say it.
 *
 * Two snapshots were read (the search index holds no tagged values.yaml for 1.18):
 * - chart 1.16.0-rc.1: the chart README's Values table, which helm-docs renders from
 *   values.yaml at that tag (cilium/cilium install/kubernetes/cilium/README.md, badge
 *   "Version: 1.16.0-rc.1").
 * - a 1.17-line values.yaml: aviral-agarwal/cilium_1.17.3 @ 59b7aecdcf0f (a copy named for
 *   1.17.3; its image tag reads `latest`, so the exact tag is not confirmed).
 * helm-docs leaves out keys that values.yaml only mentions in comments although the
 * templates read them (`kubeProxyReplacement`, `devices`, `externalIPs.enabled`, the lease
 * timings); those are listed in `commentedKeys`, seen commented in both snapshots.
 *
 * Only the sections in `checkedSections` were read in full; a key in another section is
 * checked only for its top-level name (a near miss of a known name is reported).
 */
import { closestName } from '../../util/closest';
import { versionAtLeast } from './compat-table';

export interface ChartKeySource {
  /** Oldest chart version this list is used for. */
  from: string;
  source: string;
  keys: readonly string[];
}

const keys116 = [
  'ipam.mode',
  'ipam.ciliumNodeUpdateRate',
  'ipam.operator.autoCreateCiliumPodIPPools',
  'ipam.operator.clusterPoolIPv4MaskSize',
  'ipam.operator.clusterPoolIPv4PodCIDRList',
  'ipam.operator.clusterPoolIPv6MaskSize',
  'ipam.operator.clusterPoolIPv6PodCIDRList',
  'ipam.operator.externalAPILimitBurstSize',
  'ipam.operator.externalAPILimitQPS',
  'k8s.requireIPv4PodCIDR',
  'k8s.requireIPv6PodCIDR',
  'k8sClientRateLimit.qps',
  'k8sClientRateLimit.burst',
  'l2announcements.enabled',
  'l2podAnnouncements.enabled',
  'l2podAnnouncements.interface',
  'l2NeighDiscovery.enabled',
  'l2NeighDiscovery.refreshPeriod',
  'nodePort.addresses',
  'nodePort.autoProtectPortRange',
  'nodePort.bindProtection',
  'nodePort.enableHealthCheck',
  'nodePort.enableHealthCheckLoadBalancerIP',
  'nodePort.enabled',
  'k8sServiceHost',
  'k8sServicePort',
  'kubeConfigPath',
  'kubeProxyReplacementHealthzBindAddr',
  'keepDeprecatedLabels',
  'keepDeprecatedProbes',
  'k8sNetworkPolicy.enabled',
  'routingMode',
  'ipv4NativeRoutingCIDR',
  'ipv6NativeRoutingCIDR',
  'ipv4.enabled',
  'ipv6.enabled',
  'autoDirectNodeRoutes',
  'directRoutingSkipUnreachable',
  'annotateK8sNode',
  'enableIPv4Masquerade',
  'enableIPv6Masquerade',
  'enableIPv4BIGTCP',
  'enableIPv6BIGTCP',
  'enableCiliumEndpointSlice',
  'enableCriticalPriorityClass',
  'enableK8sTerminatingEndpoint',
  'enableMasqueradeRouteSource',
  'enableRuntimeDeviceDetection',
  'enableXTSocketFallback',
  'installNoConntrackIptablesRules',
  'ipMasqAgent',
  'identityAllocationMode',
  'identityChangeGracePeriod',
  'image',
  'imagePullSecrets',
  'initResources',
  'ingressController',
  'hubble',
  'operator',
  'loadBalancer',
  'localRedirectPolicy',
  'logSystemLoad',
  'maglev',
  'monitor',
  'name',
  'nat46x64Gateway.enabled',
  'nodeIPAM.enabled',
  'nodeSelector',
  'nodeSelectorLabels',
  'nodeinit',
  'pmtuDiscovery.enabled',
  'podAnnotations',
  'podLabels',
  'podSecurityContext',
  'policyCIDRMatchMode',
  'policyEnforcementMode',
  'pprof',
  'preflight',
  'priorityClassName',
  'prometheus',
  'rbac.create',
  'readinessProbe',
  'resourceQuotas',
  'resources',
  'rollOutCiliumPods',
  'sctp.enabled',
  'securityContext',
  'serviceAccounts',
  'serviceNoBackendResponse',
  'sleepAfterInit',
  'socketLB.enabled',
  'startupProbe',
  'svcSourceRangeCheck',
  'synchronizeK8sNodes',
  'sysctlfix.enabled',
  'terminationGracePeriodSeconds',
  'tls',
  'cni',
  'conntrackGCInterval',
  'conntrackGCMaxInterval',
  'crdWaitTimeout',
  'customCalls.enabled',
  'daemon',
  'dashboards',
  'debug.enabled',
  'debug.verbose',
  'disableEndpointCRD',
  'dnsPolicy',
  'dnsProxy',
  'egressGateway',
  'encryption',
  'endpointHealthChecking.enabled',
  'endpointRoutes.enabled',
  'eni',
  'clustermesh',
  'cluster.name',
  'cluster.id',
  'bpf',
  'bgpControlPlane',
  'bandwidthManager',
  'authentication',
  'azure.enabled',
  'aksbyocni.enabled',
  'alibabacloud.enabled',
  'affinity',
  'agent',
  'agentNotReadyTaintKey',
  'annotations',
  'apiRateLimit',
  'MTU',
  'envoy',
  'gatewayAPI',
  'extraArgs',
  'extraConfig',
  'extraContainers',
  'extraEnv',
  'extraHostPathMounts',
  'extraInitContainers',
  'extraVolumeMounts',
  'extraVolumes',
  'tolerations',
  'tunnelProtocol',
  'updateStrategy',
  'upgradeCompatibility',
  'l7Proxy',
  'livenessProbe',
  'lbIPAM',
];

// Read by the templates but only commented in values.yaml (both snapshots).
const commentedKeys = [
  'kubeProxyReplacement',
  'devices',
  'externalIPs.enabled',
  'hostPort.enabled',
  'l2announcements.leaseDuration',
  'l2announcements.leaseRenewDeadline',
  'l2announcements.leaseRetryPeriod',
];

// Added in the 1.17-line snapshot's sections that were read.
const keys117 = [
  'l2podAnnouncements.interfacePattern',
  'k8sClientRateLimit.operator.qps',
  'k8sClientRateLimit.operator.burst',
  'scheduling.mode',
];

export const chartKeySources: readonly ChartKeySource[] = [
  {
    from: '1.16.0',
    source: 'cilium/cilium install/kubernetes/cilium/README.md Values table, chart 1.16.0-rc.1',
    keys: [...keys116, ...commentedKeys],
  },
  {
    from: '1.17.0',
    source: 'install/kubernetes/cilium/values.yaml, aviral-agarwal/cilium_1.17.3 @ 59b7aecdcf0f',
    keys: [...keys116, ...commentedKeys, ...keys117],
  },
];

/** Sections whose every key was read: anything else under them is not a chart value. */
export const checkedSections = [
  'ipam',
  'k8s',
  'k8sClientRateLimit',
  'l2announcements',
  'l2podAnnouncements',
  'l2NeighDiscovery',
  'nodePort',
  'externalIPs',
  'hostPort',
];

/** Values the chart no longer has (from `removedIn`), with what replaced them. */
export const replacedKeys: Readonly<Record<string, { replacement: string; why: string; removedIn: string }>> = {
  tunnel: {
    replacement: 'routingMode=tunnel and tunnelProtocol=vxlan|geneve',
    why: 'removed in 1.15; not in the 1.16 chart',
    removedIn: '1.15.0',
  },
  'l2podAnnouncements.interface': {
    replacement: 'l2podAnnouncements.interfacePattern',
    why: 'replaced in 1.19 (--l2-pod-announcements-interface-pattern)',
    removedIn: '1.19.0',
  },
  'containerRuntime.integration': {
    replacement: 'bpf.autoMount.enabled',
    why: 'deprecated in 1.14, removed in 1.15',
    removedIn: '1.15.0',
  },
  'l2announcements.interface': {
    replacement: 'devices, and the CiliumL2AnnouncementPolicy `interfaces`',
    why: 'the chart has no such value: interfaces are chosen by the policy',
    removedIn: '0.0.0',
  },
};

export function chartKeySourceFor(version: string): ChartKeySource {
  return [...chartKeySources].reverse().find((s) => versionAtLeast(version, s.from)) ?? chartKeySources[0]!;
}

/** Every dotted leaf path of a values object (`{ a: { b: 1 } }` → `a.b`); lists are leaves. */
export function valuePaths(values: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(values).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0
      ? valuePaths(value as Record<string, unknown>, path)
      : [path];
  });
}

export interface UnknownKey {
  path: string;
  replacement?: string;
  why: string;
}

/**
 * The paths of `values` the chart does not have. A path is known when it, or one of its
 * parents, is listed (an object value such as `hubble` covers what is under it).
 */
export function unknownChartKeys(values: Record<string, unknown>, version: string): UnknownKey[] {
  const source = chartKeySourceFor(version);
  const known = new Set(source.keys);
  const topLevel = [...new Set(source.keys.map((k) => k.split('.')[0]!))];
  const unknown: UnknownKey[] = [];
  for (const path of valuePaths(values)) {
    const replaced = Object.keys(replacedKeys).find(
      (old) => (path === old || path.startsWith(`${old}.`)) && versionAtLeast(version, replacedKeys[old]!.removedIn),
    );
    if (replaced) {
      unknown.push({ path, replacement: replacedKeys[replaced]!.replacement, why: replacedKeys[replaced]!.why });
      continue;
    }
    const parts = path.split('.');
    if (parts.some((_, i) => known.has(parts.slice(0, i + 1).join('.')))) continue;
    const section = parts[0]!;
    if (checkedSections.includes(section)) {
      const suggestion = closestName(
        path,
        source.keys.filter((k) => k.startsWith(`${section}.`)),
      );
      unknown.push({
        path,
        ...(suggestion ? { replacement: suggestion } : {}),
        why: `not a value of the ${section} section (${source.source})`,
      });
    } else if (!topLevel.includes(section)) {
      const suggestion = closestName(section, topLevel);
      if (suggestion)
        unknown.push({
          path,
          replacement: [suggestion, ...parts.slice(1)].join('.'),
          why: `no top-level value "${section}" (${source.source})`,
        });
    }
  }
  return unknown;
}
