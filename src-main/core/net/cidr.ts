/** IPv4/IPv6 parsing and CIDR containment, without dependencies. */

export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

export function formatIPv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export function parseIPv6(text: string): bigint | undefined {
  const address = text.split('%')[0]!;
  if (!address.includes(':')) return undefined;
  const [head, tail, ...extra] = address.split('::');
  if (extra.length > 0) return undefined;
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  let headGroups = groups(head);
  let tailGroups = groups(tail);
  // An embedded IPv4 tail (::ffff:1.2.3.4).
  const last = (tail !== undefined ? tailGroups : headGroups).at(-1);
  if (last?.includes('.')) {
    const v4 = parseIPv4(last);
    if (v4 === undefined) return undefined;
    const replacement = [(v4 >>> 16).toString(16), (v4 & 0xffff).toString(16)];
    if (tail !== undefined) tailGroups = [...tailGroups.slice(0, -1), ...replacement];
    else headGroups = [...headGroups.slice(0, -1), ...replacement];
  }
  const missing = 8 - headGroups.length - tailGroups.length;
  if ((tail === undefined && missing !== 0) || missing < 0) return undefined;
  const all = [...headGroups, ...Array(tail === undefined ? 0 : missing).fill('0'), ...tailGroups];
  let value = 0n;
  for (const group of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return value;
}

export interface Cidr {
  family: 4 | 6;
  /** Network address as text, normalised (host bits cleared). */
  network: string;
  prefix: number;
  text: string;
  base: bigint;
}

export function parseCidr(text: string): Cidr | undefined {
  const [address = '', prefixText] = text.trim().split('/');
  const v4 = parseIPv4(address);
  if (v4 !== undefined) {
    const prefix = prefixText === undefined ? 32 : Number(prefixText);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    const base = (v4 & mask) >>> 0;
    return { family: 4, network: formatIPv4(base), prefix, text: `${formatIPv4(base)}/${prefix}`, base: BigInt(base) };
  }
  const v6 = parseIPv6(address);
  if (v6 !== undefined) {
    const prefix = prefixText === undefined ? 128 : Number(prefixText);
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > 128) return undefined;
    const mask = prefix === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - prefix)) - 1n);
    const base = v6 & mask;
    return { family: 6, network: address, prefix, text: `${address}/${prefix}`, base };
  }
  return undefined;
}

/** Does `cidr` contain the address or the whole other CIDR? */
export function cidrContains(cidr: Cidr | string, inner: Cidr | string): boolean {
  const outer = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
  const other = typeof inner === 'string' ? parseCidr(inner) : inner;
  if (!outer || !other || outer.family !== other.family || other.prefix < outer.prefix) return false;
  const bits = outer.family === 4 ? 32 : 128;
  const shift = BigInt(bits - outer.prefix);
  return other.base >> shift === outer.base >> shift;
}

export function cidrsOverlap(a: Cidr | string, b: Cidr | string): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/** Number of addresses in an IPv4 CIDR (IPv6: capped at Number.MAX_SAFE_INTEGER). */
export function cidrSize(cidr: Cidr): number {
  const bits = (cidr.family === 4 ? 32 : 128) - cidr.prefix;
  return bits > 52 ? Number.MAX_SAFE_INTEGER : 2 ** bits;
}
