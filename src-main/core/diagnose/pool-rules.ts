import { announcesByBgp } from './bgp-mode';
import { carvePool } from '../lab/plan/pool-carve';
import type { Finding } from '../../contract';
import type { KubeIpPool } from '../kube/kube-types';
import { cidrContains, cidrsOverlap } from '../net';
import type { DiagnoseInput } from './diagnose-input';

/**
 * A pool's ranges and what cilium-operator writes in its status. The condition types are
 * `cilium.io/IPsTotal`, `cilium.io/IPsAvailable`, `cilium.io/IPsUsed` (counts in `message`)
 * and `cilium.io/PoolConflict` (https://docs.cilium.io/en/stable/network/lb-ipam/, "Pool
 * conflicts" and the `kubectl describe ippools` output there); older releases prefixed
 * `io.cilium/`.
 */
export function poolFacts(pool: KubeIpPool): {
  ranges: string[];
  disabled: boolean;
  total?: number;
  available?: number;
  used?: number;
  conflict: boolean;
  conflictMessage?: string;
} {
  const ranges = [...(pool.spec?.blocks ?? []), ...(pool.spec?.cidrs ?? [])].map(
    (b) => b.cidr ?? `${b.start ?? '?'}-${b.stop ?? b.start ?? '?'}`,
  );
  const condition = (type: string) =>
    (pool.status?.conditions ?? []).find((c) => c.type === `cilium.io/${type}` || c.type === `io.cilium/${type}`);
  const count = (type: string) => {
    const value = Number(condition(type)?.message);
    return condition(type) && Number.isFinite(value) ? value : undefined;
  };
  const conflict = condition('PoolConflict');
  const total = count('IPsTotal');
  const available = count('IPsAvailable');
  const used = count('IPsUsed');
  return {
    ranges,
    disabled: pool.spec?.disabled === true,
    ...(total !== undefined ? { total } : {}),
    ...(available !== undefined ? { available } : {}),
    ...(used !== undefined ? { used } : {}),
    conflict: conflict?.status === 'True',
    ...(conflict?.status === 'True' && conflict.message ? { conflictMessage: conflict.message } : {}),
  };
}

/** The Docker network a pool's addresses fall in (ARP from the host reaches only those). */
export function poolNetwork(pool: KubeIpPool, input: DiagnoseInput): string | undefined {
  const ranges = poolFacts(pool).ranges;
  return input.topology?.networks.find((n) =>
    ranges.some((r) => (r.includes('/') ? cidrContains(n.subnet, r) : cidrContains(n.subnet, r.split('-')[0]!))),
  )?.name;
}

export function poolOutsideDockerNetwork(pool: KubeIpPool, input: DiagnoseInput): Finding[] {
  const networks = input.topology?.networks;
  // BGP mode's pool lies outside the kind network by design (its own network, where the router answers).
  if (!networks || networks.length === 0 || poolNetwork(pool, input) || announcesByBgp(input)) return [];
  const ranges = poolFacts(pool).ranges;
  if (!ranges.some((r) => r.includes('.'))) return [];
  return [
    {
      code: 'pool-outside-docker-network',
      message:
        `The pool ${pool.metadata.name} ` +
        `(${ranges.join(', ')}) is outside every Docker network of this cluster: ` +
        'ARP from the host can never reach its addresses',
      fix: `Use a range inside ${networks.map((n) => n.subnet).join(', ')}, e.g. ${suggestPool(networks[0]!.subnet)}.`,
    },
  ];
}

export function poolOverlapsOtherCluster(pool: KubeIpPool, input: DiagnoseInput): Finding[] {
  if (!input.otherPools) return [];
  const ranges = poolFacts(pool).ranges.filter((r) => r.includes('/'));
  return input.otherPools
    .filter((other) => ranges.some((a) => other.ranges.some((b) => b.includes('/') && cidrsOverlap(a, b))))
    .map((other) => ({
      code: 'pool-overlap-other-cluster' as const,
      message:
        `The pool ${pool.metadata.name} overlaps the pool ${other.name} of cluster ` +
        `"${other.cluster}" on the same Docker network: ` +
        'both can hand out the same IP, and two nodes then answer ARP for it',
      fix: 'Give each cluster its own range, e.g. a different /24 of the kind network.',
    }));
}

/** Rules whose findings belong to the pool itself. */
export const poolRules = [poolOutsideDockerNetwork];

/** Overlaps with other clusters concern both clusters: listed with the cluster's findings. */
export function poolOverlaps(input: DiagnoseInput): Finding[] {
  return (input.kube.pools ?? []).flatMap((pool) => poolOverlapsOtherCluster(pool, input));
}

/**
 * A pool to suggest inside `subnet`: the block `create` would carve there (a /24 where there is
 * room). Not "x.y.250.0/24": Docker hands out /20s from 192.168.0.0/16 once its 172.x /16s are
 * used, and x.y.250 is then outside the network.
 */
export function suggestPool(subnet: string): string {
  const carved = carvePool(subnet, []);
  return carved.ok ? carved.cidr : '172.18.250.0/24';
}
