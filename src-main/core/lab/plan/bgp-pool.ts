/**
 * BGP mode's pool: outside the kind network, on a Docker network of its own.
 *
 * In BGP mode no node answers ARP for a LoadBalancer IP: the router learns a route to it from
 * the nodes' BGP sessions. A pool inside the kind subnet would make this machine (and every
 * node) take the IPs as on-link and ARP for them on the kind bridge, where nobody answers. So
 * the pool lies outside it, in private space no route on this machine or the engine uses.
 *
 * To reach it from this machine without a host route (and so without a prompt), Kindscope
 * makes a Docker network `<cluster>-lb` whose subnet holds the pool: Linux routes it to its
 * bridge like any Docker network, and docker-mac-net-connect routes every Docker network's
 * subnets through its tunnel on macOS (its README). The router joins it and answers ARP there
 * for the addresses it has a BGP route to (proxy ARP), then forwards to the next hops it chose.
 *
 * The network is the pool's block widened by one bit: the pool is one half, Docker's own
 * addresses (the bridge's gateway, the router) come from the other half (`--ip-range`), so the
 * LB-IPAM never hands out the bridge's or the router's address.
 */
import { carvePool, ipv4Range, isCanonicalIPv4Cidr, type UsedRange } from './pool-carve';

/**
 * Private space the pool is carved from, first preferred: clear of kind's 10.244/16 and 10.96/12 and of Docker's
 * default pools (172.17–31/16, 192.168/16).
 */
export const bgpPoolSpace = ['10.250.0.0/16', '10.251.0.0/16', '10.252.0.0/16'];

const formatIPv4 = (value: number) => [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');

export interface LbNetwork {
  /** The Docker network's subnet: the pool and its other half. */
  subnet: string;
  /** The half Docker hands addresses from (gateway, router). */
  ipRange: string;
  /** The bridge's address on this machine. */
  gateway: string;
}

/** The Docker network that carries a BGP pool (see the file's comment); undefined for a block that cannot be widened. */
export function lbNetworkFor(poolCidr: string): LbNetwork | undefined {
  const pool = ipv4Range(poolCidr);
  const bits = Number(poolCidr.split('/')[1]);
  if (!pool || !isCanonicalIPv4Cidr(poolCidr) || bits < 2 || bits > 29) return undefined;
  const size = pool.last - pool.first + 1;
  const parentFirst = Math.floor(pool.first / (size * 2)) * size * 2;
  const otherFirst = parentFirst === pool.first ? pool.first + size : parentFirst;
  return {
    subnet: `${formatIPv4(parentFirst)}/${bits - 1}`,
    ipRange: `${formatIPv4(otherFirst)}/${bits}`,
    gateway: formatIPv4(otherFirst + 1),
  };
}

export type BgpPoolResult = { ok: true; cidr: string } | { ok: false; reason: string };

/** A pool for BGP mode: the upper half of the first free /24 of `bgpPoolSpace` that nothing routed overlaps. */
export function carveBgpPool(routed: readonly UsedRange[]): BgpPoolResult {
  for (const space of bgpPoolSpace) {
    const carved = carvePool(space, routed);
    if (carved.ok && carved.cidr.endsWith('/24')) return { ok: true, cidr: carved.cidr.replace(/\.0\/24$/, '.128/25') };
  }
  return { ok: false, reason: `no free /24 is left in ${bgpPoolSpace.join(', ')} (each overlaps a route in use)` };
}

export interface BgpPoolProblem {
  code: 'pool-invalid' | 'pool-inside-kind-network' | 'pool-overlaps-route';
  message: string;
}

/** Why a given pool cannot be used in BGP mode, or nothing when it can. */
export function checkBgpPool(
  cidr: string,
  kindSubnet: string | undefined,
  routed: readonly UsedRange[],
): BgpPoolProblem | undefined {
  const network = isCanonicalIPv4Cidr(cidr) ? lbNetworkFor(cidr) : undefined;
  if (!network)
    return {
      code: 'pool-invalid',
      message: `${cidr} is not a canonical IPv4 CIDR of /2 to /29 (network address with prefix, e.g. 10.250.250.128/25)`,
    };
  const overlaps = (a: string, b: string) => {
    const [x, y] = [ipv4Range(a), ipv4Range(b)];
    return !!x && !!y && x.first <= y.last && y.first <= x.last;
  };
  if (kindSubnet && overlaps(network.subnet, kindSubnet))
    return {
      code: 'pool-inside-kind-network',
      message:
        `${cidr} lies inside the kind network ${kindSubnet}${network.subnet !== cidr ? ` (with the half its Docker network ${network.subnet} needs)` : ''}` +
        `: in BGP mode nobody answers ARP for LoadBalancer IPs` +
        `, so this machine and the nodes, which take those addresses as on the kind bridge, would ask there and get no answer`,
    };
  const clash = routed.find((r) => overlaps(network.subnet, r.cidr));
  if (clash)
    return {
      code: 'pool-overlaps-route',
      message: `${cidr} (its Docker network ${network.subnet}) overlaps ${clash.what} (${clash.cidr}): the route there would win or collide`,
    };
  return undefined;
}
