import ipaddr from 'ipaddr.js';
import type { HostPlatform } from '../../contract';
import { parseIpRoute } from '../net/ip-route';
import { parseNetstatRoutes } from '../net/netstat';
import { runTool } from '../tools/run-tool';

/** One row of this machine's routing table, on either OS, as prefix matching needs it. */
export interface HostRoute {
  /** `172.18.0.0/16`; `default` is `0.0.0.0/0`. */
  cidr: string;
  /** The interface: `br-0123456789ab`, `utun0`, `en0`. */
  dev: string;
  gateway?: string;
  /** Linux: among equal prefixes the lowest metric wins (0 when absent, as the kernel). */
  metric?: number;
  /** unreachable/blackhole/prohibit routes match but carry nothing. */
  blocks: boolean;
  /** A route docker-mac-net-connect adds: exactly a Docker subnet into a `utun`, gateway = the interface. */
  tunnel: boolean;
  raw: string;
}

const blockingTypes = new Set(['unreachable', 'blackhole', 'prohibit', 'throw']);

function ipv4Cidr(text: string): string | undefined {
  const cidr = text === 'default' ? '0.0.0.0/0' : text.includes('/') ? text : `${text}/32`;
  try {
    const [address, prefix] = ipaddr.parseCIDR(cidr);
    return address.kind() === 'ipv4' ? `${ipaddr.IPv4.networkAddressFromCIDR(cidr).toString()}/${prefix}` : undefined;
  } catch {
    return undefined;
  }
}

/** Linux `ip -j route show` (the main table). */
export function linuxRoutes(json: string): HostRoute[] {
  return parseIpRoute(json).items.flatMap((route) => {
    const cidr = ipv4Cidr(route.dst);
    if (!cidr || !['unicast', ...blockingTypes].includes(route.type)) return [];
    return [
      {
        cidr,
        dev: route.dev ?? '',
        ...(route.via ? { gateway: route.via } : {}),
        ...(route.metric !== undefined ? { metric: route.metric } : {}),
        blocks: blockingTypes.has(route.type),
        tunnel: false,
        raw: route.raw,
      },
    ];
  });
}

/** macOS `netstat -rn -f inet`, utun routes included. */
export function macRoutes(text: string): HostRoute[] {
  return parseNetstatRoutes(text).items.flatMap((route) => {
    const cidr = route.family === 'inet' && route.cidr ? ipv4Cidr(route.cidr) : undefined;
    if (!cidr) return [];
    const tunnel = /^utun\d+$/.test(route.netif) && route.gateway === route.netif && route.flags.includes('S');
    return [
      {
        cidr,
        dev: route.netif,
        gateway: route.gateway,
        blocks: route.flags.includes('B') || route.flags.includes('R'),
        tunnel,
        raw: route.raw.trim(),
      },
    ];
  });
}

/**
 * The route that carries a whole Docker subnet: the longest prefix among the routes that
 * contain it (a route narrower than the subnet carries only part of it, so it does not count),
 * the lowest metric among equal prefixes.
 */
export function routeForSubnet(routes: readonly HostRoute[], subnet: string): HostRoute | undefined {
  const [network, prefix] = ipaddr.parseCIDR(subnet);
  let best: { route: HostRoute; prefix: number } | undefined;
  for (const route of routes) {
    const range = ipaddr.parseCIDR(route.cidr);
    if (range[0].kind() !== network.kind() || range[1] > prefix || !network.match(range)) continue;
    if (!best || range[1] > best.prefix || (range[1] === best.prefix && (route.metric ?? 0) < (best.route.metric ?? 0)))
      best = { route, prefix: range[1] };
  }
  return best?.route;
}

export interface RouteReader {
  table(): Promise<{ routes: HostRoute[]; command: string }>;
  /** The interface that owns the route to one address (macOS `route -n get`), undefined where not asked. */
  interfaceFor(ip: string): Promise<string | undefined>;
}

/** Reads the table through the run policy: `ip -j route show` or `netstat -rn -f inet` + `route -n get`. */
export function hostRouteReader(platform: HostPlatform): RouteReader {
  if (platform === 'darwin') {
    return {
      table: async () => ({
        routes: macRoutes((await runTool('netstat', 'netstat', ['-rn', '-f', 'inet'])).stdout),
        command: 'netstat -rn -f inet',
      }),
      interfaceFor: async (ip) => {
        const result = await runTool('route', 'route', ['-n', 'get', ip], { allowFailure: true });
        return /^\s*interface:\s*(\S+)/m.exec(result.stdout)?.[1];
      },
    };
  }
  return {
    table: async () => ({
      routes: linuxRoutes((await runTool('ip', 'ip', ['-j', 'route', 'show'])).stdout),
      command: 'ip -j route show',
    }),
    interfaceFor: () => Promise.resolve(undefined),
  };
}
