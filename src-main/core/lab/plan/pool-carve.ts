/**
 * LoadBalancer pool arithmetic on the kind network: carve a free block, or check a given
 * one. Pure functions over strings so they are table-tested without Docker.
 *
 * Parsing and validation are ipaddr.js's (well kept, already a dependency, IPv4 and IPv6,
 * strict about malformed input); the carving itself is a walk over aligned candidate
 * blocks, which neither ipaddr.js nor cidr-tools offers directly and which stays a few
 * lines on top of exact 32-bit ranges. core/net/cidr.ts is left as it is.
 */
import ipaddr from 'ipaddr.js';

/** Something in use on the network, with why (shown when a manual pool collides with it). */
export interface UsedRange {
  cidr: string;
  what: string;
}

interface Range {
  first: number;
  last: number;
}

/** An IPv4 CIDR or address as an inclusive integer range; undefined when it is not IPv4. */
export function ipv4Range(text: string): Range | undefined {
  const withPrefix = text.includes('/') ? text : `${text}/32`;
  if (!ipaddr.isValidCIDR(withPrefix)) return undefined;
  const [address, bits] = ipaddr.parseCIDR(withPrefix);
  if (address.kind() !== 'ipv4') return undefined;
  const value = address.toByteArray().reduce((acc, byte) => acc * 256 + byte, 0);
  const size = 2 ** (32 - bits);
  const first = Math.floor(value / size) * size;
  return { first, last: first + size - 1 };
}

function formatIPv4(value: number): string {
  return ipaddr
    .fromByteArray([(value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255])
    .toString();
}

const overlaps = (a: Range, b: Range) => a.first <= b.last && b.first <= a.last;
const contains = (outer: Range, inner: Range) => outer.first <= inner.first && inner.last <= outer.last;

/** Whether `cidr` is a canonical IPv4 CIDR (no host bits set). */
export function isCanonicalIPv4Cidr(cidr: string): boolean {
  const range = ipv4Range(cidr);
  return !!range && cidr.includes('/') && `${formatIPv4(range.first)}/${cidr.split('/')[1]}` === cidr;
}

/**
 * The network's own reserved addresses: its network and broadcast address. Docker hands
 * out container addresses from the bottom of the subnet upwards.
 */
function reserved(network: Range): Range[] {
  return [
    { first: network.first, last: network.first },
    { first: network.last, last: network.last },
  ];
}

/**
 * Candidate block indexes, most preferred first. For /24 blocks in a /16 the walk starts
 * at the 250th (the article's `172.18.250.0/24`): high, far from the containers Docker
 * numbers from the bottom, and clear of the last /24 that holds the broadcast address;
 * then downwards, then the few above. Smaller blocks are tried from the top down.
 */
function candidateOrder(count: number, blockBits: number): number[] {
  const start = blockBits === 24 ? Math.min(250, count - 1) : count - 1;
  const order: number[] = [];
  for (let i = start; i >= 0; i--) order.push(i);
  for (let i = start + 1; i < count; i++) order.push(i);
  return order;
}

export type CarveResult = { ok: true; cidr: string } | { ok: false; reason: string };

/**
 * A free block inside `network` overlapping nothing in `used`: a /24 where there is room,
 * else the largest smaller block down to a /29 (8 addresses, 6 usable without the first
 * and last).
 */
export function carvePool(network: string, used: readonly UsedRange[]): CarveResult {
  const net = ipv4Range(network);
  if (!net) return { ok: false, reason: `${network} is not an IPv4 subnet` };
  const netBits = Number(network.split('/')[1]);
  const taken = [...reserved(net), ...used.map((u) => ipv4Range(u.cidr)).filter((r): r is Range => !!r)];
  for (let blockBits = Math.max(24, netBits + 1); blockBits <= 29; blockBits++) {
    const size = 2 ** (32 - blockBits);
    const count = (net.last - net.first + 1) / size;
    for (const index of candidateOrder(count, blockBits)) {
      const block = { first: net.first + index * size, last: net.first + (index + 1) * size - 1 };
      if (!taken.some((t) => overlaps(t, block))) return { ok: true, cidr: `${formatIPv4(block.first)}/${blockBits}` };
    }
  }
  return { ok: false, reason: `no free block of 8 or more addresses is left in ${network}` };
}

export interface PoolProblem {
  code: 'pool-invalid' | 'pool-outside-network' | 'pool-overlaps-node' | 'pool-overlaps-in-use';
  message: string;
}

/** Why a given pool cannot be used on `network`, or nothing when it can. */
export function checkPool(cidr: string, network: string, used: readonly UsedRange[]): PoolProblem | undefined {
  const pool = ipv4Range(cidr);
  const net = ipv4Range(network);
  if (!pool || !cidr.includes('/') || !isCanonicalIPv4Cidr(cidr)) {
    return {
      code: 'pool-invalid',
      message: `${cidr} is not a canonical IPv4 CIDR (network address with prefix, e.g. 172.18.250.0/24)`,
    };
  }
  if (!net || !contains(net, pool)) {
    return {
      code: 'pool-outside-network',
      message: `${cidr} is outside the kind network ${network}: ARP from this machine can never reach it, so the LoadBalancer IPs would not answer`,
    };
  }
  if (reserved(net).some((r) => overlaps(r, pool))) {
    return { code: 'pool-overlaps-in-use', message: `${cidr} holds the network or broadcast address of ${network}` };
  }
  for (const item of used) {
    const range = ipv4Range(item.cidr);
    if (range && overlaps(range, pool)) {
      return {
        code: item.what.startsWith('node ') ? 'pool-overlaps-node' : 'pool-overlaps-in-use',
        message: `${cidr} overlaps ${item.what} (${item.cidr})`,
      };
    }
  }
  return undefined;
}
