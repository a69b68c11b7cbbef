import type { ParseResult } from './ip-route';

/** A row of macOS `netstat -rn` (old format with Refs/Use, or the newer one without). */
export interface NetstatRoute {
  family: 'inet' | 'inet6';
  /** As printed: `172.18`, `default`, `192.168.1.1/32`, `10/24`. */
  destination: string;
  /** Normalised CIDR (`172.18.0.0/16`), or `default`; undefined when not an address. */
  cidr?: string;
  gateway: string;
  flags: string;
  refs?: number;
  use?: number;
  netif: string;
  expire?: string;
  raw: string;
}

/**
 * Parses macOS `netstat -rn` (also `-rnf inet`, grepped excerpts without a header).
 * macOS abbreviates networks by dropping zero octets: `172.18` is 172.18.0.0/16,
 * `127` is 127.0.0.0/8, `224.0.0/4` is 224.0.0.0/4.
 */
export function parseNetstatRoutes(input: string): ParseResult<NetstatRoute> {
  const items: NetstatRoute[] = [];
  const unparsed: string[] = [];
  let family: 'inet' | 'inet6' = 'inet';
  let hasRefs = false;
  for (const line of input.split('\n')) {
    const body = line.trim();
    if (!body) continue;
    if (body === 'Routing tables') continue;
    if (body === 'Internet:') {
      family = 'inet';
      continue;
    }
    if (body === 'Internet6:') {
      family = 'inet6';
      continue;
    }
    if (/^Destination\s+Gateway\s+Flags/.test(body)) {
      hasRefs = /\bRefs\b/.test(body);
      continue;
    }
    const words = body.split(/\s+/);
    const [destination, gateway, flags] = words;
    if (!destination || !gateway || !flags || !/^[A-Za-z0-9]+$/.test(flags) || !looksLikeDestination(destination)) {
      unparsed.push(line);
      continue;
    }
    let rest = words.slice(3);
    let refs: number | undefined;
    let use: number | undefined;
    if (hasRefs && rest.length >= 3 && /^\d+$/.test(rest[0]!) && /^\d+$/.test(rest[1]!)) {
      refs = Number(rest[0]);
      use = Number(rest[1]);
      rest = rest.slice(2);
    }
    const [netif, expire] = rest;
    if (!netif) {
      unparsed.push(line);
      continue;
    }
    const cidr = normaliseDestination(destination, family);
    items.push({
      family,
      destination,
      ...(cidr ? { cidr } : {}),
      gateway,
      flags,
      ...(refs !== undefined ? { refs, use } : {}),
      netif,
      ...(expire ? { expire } : {}),
      raw: line,
    });
  }
  return { items, unparsed };
}

function looksLikeDestination(text: string): boolean {
  return text === 'default' || /^[0-9a-fA-F.:%/a-z]+$/.test(text);
}

/** `172.18` → `172.18.0.0/16`; `10/24` → `10.0.0.0/24`; `192.168.1.1` → `192.168.1.1/32`. */
export function normaliseDestination(destination: string, family: 'inet' | 'inet6' = 'inet'): string | undefined {
  if (destination === 'default') return 'default';
  if (family === 'inet6') return destination.includes(':') ? destination.split('%')[0] : undefined;
  const [address = '', prefix] = destination.split('/');
  const octets = address.split('.');
  if (octets.length === 0 || octets.length > 4 || octets.some((o) => !/^\d{1,3}$/.test(o) || Number(o) > 255))
    return undefined;
  const full = [...octets, '0', '0', '0'].slice(0, 4).join('.');
  return `${full}/${prefix ?? octets.length * 8}`;
}

/** Routes docker-mac-net-connect adds: a Docker subnet sent into its `utun` tunnel. */
export function isDockerMacNetConnectRoute(route: NetstatRoute): boolean {
  return /^utun\d+$/.test(route.netif) && route.gateway === route.netif && route.flags.includes('S');
}
