import ipaddr from 'ipaddr.js';

/**
 * Whether an address falls in one of a pool's ranges: CIDRs ("172.18.250.0/24") or
 * start-stop blocks ("172.18.250.10-172.18.250.20"), as CiliumLoadBalancerIPPool allows.
 * ipaddr.js does the arithmetic (IPv4 and IPv6) instead of a private parser.
 */
export function rangeContains(range: string, address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const ip = ipaddr.parse(address);
  if (range.includes('/')) {
    try {
      const cidr = ipaddr.parseCIDR(range);
      return ip.kind() === cidr[0].kind() && ip.match(cidr);
    } catch {
      return false;
    }
  }
  const [start, stop] = range.split('-').map((part) => part.trim());
  if (!start || !stop || !ipaddr.isValid(start) || !ipaddr.isValid(stop)) return false;
  const [low, high, value] = [ipaddr.parse(start), ipaddr.parse(stop), ip].map((a) =>
    BigInt(`0x${hexOf(a.toByteArray())}`),
  );
  return low! <= value! && value! <= high!;
}

function hexOf(bytes: number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join('') || '0';
}
