import type { Finding } from '../../contract';
import type { KubeService } from '../kube/kube-types';
import { ciliumState } from './cilium-rules';
import type { DiagnoseInput } from './diagnose-input';
import { poolFacts, suggestPool } from './pool-rules';
import { selectorMatches } from './selector';

/**
 * The service condition cilium-operator writes: `cilium.io/IPAMRequestSatisfied` (1.15+)
 * or `io.cilium/lb-ipam-request-satisfied` (older). The same type can appear twice, the
 * stale `no_pool` entry before the satisfied one (cilium/cilium#24945): the last one counts.
 */
const requestSatisfied = ['cilium.io/IPAMRequestSatisfied', 'io.cilium/lb-ipam-request-satisfied'];

export function lbCondition(service: KubeService) {
  return [...(service.status?.conditions ?? [])].reverse().find((c) => requestSatisfied.includes(c.type));
}

export const externalIPs = (service: KubeService) =>
  (service.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter((ip): ip is string => Boolean(ip));

/**
 * Labels a pool's serviceSelector sees: the service's own plus the two LB-IPAM adds
 * (https://docs.cilium.io/en/stable/network/lb-ipam/#service-selectors).
 */
function selectableLabels(service: KubeService): Record<string, string | undefined> {
  return {
    ...service.metadata.labels,
    'io.kubernetes.service.namespace': service.metadata.namespace,
    'io.kubernetes.service.name': service.metadata.name,
  };
}

/**
 * Why a LoadBalancer service has no IP (`<pending>`): one cause, the first that applies.
 * Nothing when the cluster's Cilium state or its pools are not known yet.
 */
export function pendingReasons(service: KubeService, input: DiagnoseInput): Finding[] {
  if (externalIPs(service).length > 0) return [];
  const cilium = ciliumState(input);
  if (cilium === 'not-installed')
    return [
      {
        code: 'lb-ipam-not-running',
        message: 'LB-IPAM is not running: Cilium (its operator) is not installed, so no LoadBalancer gets an IP',
        fix: 'Install Cilium (Create lab) and wait for cilium-operator.',
      },
    ];
  const pools = input.kube.pools;
  if (cilium !== 'installed' || !pools) return [];
  if (pools.length === 0) {
    const network = input.topology?.networks[0];
    const cidr = network ? suggestPool(network.subnet) : '172.18.250.0/24';
    return [
      {
        code: 'no-pool',
        message: 'No CiliumLoadBalancerIPPool exists',
        fix:
          `Create one from the ${network ? `"${network.name}" network (${network.subnet})` : 'kind network'}: ` +
          `kubectl --context ${input.context} apply -f - with kind: ` +
          `CiliumLoadBalancerIPPool, spec.blocks: [{ cidr: "${cidr}" }]`,
      },
    ];
  }
  const matching = pools.filter((p) => selectorMatches(p.spec?.serviceSelector, selectableLabels(service)));
  if (matching.length === 0) {
    const labels =
      Object.entries(service.metadata.labels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') || 'none';
    return [
      {
        code: 'no-pool-matches',
        message: `No pool's serviceSelector matches this service (labels: ${labels})`,
        fix:
          'Label the service to match a pool ' +
          `(\`kubectl --context ${input.context} -n ${service.metadata.namespace ?? 'default'} label ` +
          `service ${service.metadata.name} …\`), or add a pool without a serviceSelector.`,
      },
    ];
  }
  const facts = matching.map((pool) => ({ name: pool.metadata.name, ...poolFacts(pool) }));
  if (facts.every((p) => p.disabled))
    return [
      {
        code: 'pool-disabled',
        message: `The matching pool${facts.length > 1 ? 's are' : ' is'} disabled (${facts.map((p) => p.name).join(', ')})`,
        fix: `kubectl --context ${input.context} patch ippool ${facts[0]!.name} --type=merge -p '{"spec":{"disabled":false}}'`,
      },
    ];
  const conflicting = facts.find((p) => p.conflict);
  if (conflicting)
    return [
      {
        code: 'pool-conflict',
        message: `The matching pool ${conflicting.name} conflicts with another pool${conflicting.conflictMessage ? `: ${conflicting.conflictMessage}` : ''}`,
        fix: "Make the pools' ranges disjoint.",
      },
    ];
  if (facts.every((p) => p.available === 0))
    return [
      {
        code: 'pool-exhausted',
        message: 'The matching pools have no free addresses',
        fix: 'Widen the pool or delete unused LoadBalancer services.',
      },
    ];
  const condition = lbCondition(service);
  return [
    {
      code: 'lb-ipam-pending',
      message: condition?.message
        ? `LB-IPAM: ${condition.message}${condition.reason ? ` (${condition.reason})` : ''}`
        : 'LB-IPAM has not assigned an address yet',
      fix: `Wait a moment; if it stays <pending>, kubectl --context ${input.context} -n kube-system logs deployment/cilium-operator`,
    },
  ];
}
