import { cidrContains, parseCidr } from './cidr';
import type { IpRoute } from './ip-route';
import type { NetstatRoute } from './netstat';

/** What the model knows around a node's routes, to say what each one is for. */
export interface RouteContext {
  /** The node whose table this is (`kind-worker`), or `host`. */
  node: string;
  /** Pod CIDRs and the node each belongs to (learned from Kubernetes, or from routes). */
  podCidrs: { cidr: string; node: string }[];
  /** Node addresses on the Docker network. */
  nodeIps: { ip: string; node: string }[];
  /** Docker networks with their bridge on the engine's host. */
  networks: { name: string; subnet: string; bridge?: string; gateway?: string }[];
  /** MTU of the node's uplink (eth0), 1500 when unknown. */
  uplinkMtu?: number;
}

const podCidrOwner = (dst: string, ctx: RouteContext) =>
  ctx.podCidrs.find((p) => p.cidr === dst || cidrContains(p.cidr, dst));
const networkOf = (address: string, ctx: RouteContext) => ctx.networks.find((n) => cidrContains(n.subnet, address));
const nodeWithIp = (ip: string, ctx: RouteContext) => ctx.nodeIps.find((n) => n.ip === ip)?.node;

/**
 * One sentence per route, the way the seed article explains each line: where the
 * traffic goes, through which interface and why (tunnel MTU, native routing, the bridge).
 */
export function explainRoute(route: IpRoute, ctx: RouteContext): string {
  const dev = route.dev ? `\`${route.dev}\`` : 'the default interface';
  if (route.type === 'local')
    return `${route.dst} is an address of this machine itself (local table): packets to it never leave.`;
  if (route.type === 'broadcast') return `${route.dst} is a broadcast address on ${dev}.`;
  if (route.type === 'blackhole' || route.type === 'unreachable' || route.type === 'prohibit')
    return `Traffic to ${route.dst} is dropped (${route.type}).`;

  if (route.dst === 'default') {
    const network = route.via ? networkOf(route.via, ctx) : undefined;
    if (network) {
      return (
        `Everything else leaves through ${dev} to ${route.via}, ` +
        'the gateway of the Docker network ' +
        `"${network.name}"${network.bridge ? ` — the bridge \`${network.bridge}\` on the engine's host` : ''}, ` +
        'which masquerades it out.'
      );
    }
    return `Everything else leaves through ${dev}${route.via ? ` to ${route.via}` : ''}${ctx.node === 'host' ? " (this machine's way out)" : ''}.`;
  }

  if (route.dev === 'cilium_host' && route.scope === 'link' && !route.dst.includes('/')) {
    return `${route.dst} is \`cilium_host\`'s own address — the gateway this node's pods use — reachable directly on \`cilium_host\`.`;
  }
  const owner = podCidrOwner(route.dst, ctx);
  const mtuNote =
    route.mtu && route.mtu < (ctx.uplinkMtu ?? 1500)
      ? `, MTU ${route.mtu} because of the tunnel's overhead (${(ctx.uplinkMtu ?? 1500) - route.mtu} bytes of encapsulation per packet)`
      : route.mtu
        ? `, MTU ${route.mtu}`
        : '';
  if (owner && route.dev === 'cilium_host') {
    if (owner.node === ctx.node) {
      return (
        `Traffic to ${route.dst} — this node's own pods — ` +
        `is handed to \`cilium_host\`${route.src ? ` with source ${route.src}` : ''}; ` +
        `Cilium's BPF programs deliver each packet to the pod's lxc interface${mtuNote}.`
      );
    }
    return (
      `Traffic to ${route.dst} — the pods of ${owner.node} — ` +
      `leaves through \`cilium_host\`${route.src ? ` with source ${route.src}` : ''}${mtuNote}: ` +
      'Cilium encapsulates it to that node.'
    );
  }
  if (owner && route.via) {
    const viaNode = nodeWithIp(route.via, ctx);
    return (
      `Traffic to ${route.dst} — the pods of ${owner.node} — ` +
      `goes straight to ${viaNode ?? route.via}${viaNode ? ` (${route.via})` : ''} over ${dev}: ` +
      `native routing, no tunnel${mtuNote}.`
    );
  }
  if (route.dev?.startsWith('lxc')) {
    return `${route.dst} is a pod on this node (an endpoint route): delivered through its host-side interface ${dev}.`;
  }
  if (route.dev === 'cilium_host') {
    return `Traffic to ${route.dst} is handed to \`cilium_host\`${route.src ? ` with source ${route.src}` : ''}${mtuNote}.`;
  }
  const network = ctx.networks.find((n) => n.subnet === normalised(route.dst));
  if (network && route.scope === 'link') {
    if (ctx.node === 'host') {
      return (
        `The Docker network "${network.name}" ` +
        `(${route.dst}) is directly attached on ` +
        `${dev}${route.dev === network.bridge ? ', its bridge' : ''}: ` +
        'this machine reaches every node' +
        (route.flags.includes('linkdown')
          ? ' (linkdown: nothing is attached right now)'
          : ' — and LoadBalancer IPs carved from it — without a tunnel') +
        '.'
      );
    }
    return (
      `The Docker network "${network.name}" ` +
      `(${route.dst}) is directly on ${dev}${route.src ? `, where this node is ${route.src}` : ''}: ` +
      `the other nodes and the host's bridge are one hop away.`
    );
  }
  if (route.dev === 'docker0') {
    return (
      `Docker's default bridge network ` +
      `(${route.dst}) on \`docker0\`${route.flags.includes('linkdown') ? '; linkdown: no container uses it now' : ''}. ` +
      'kind does not use it.'
    );
  }
  if (route.scope === 'link') {
    return (
      `${route.dst} is directly reachable on ` +
      `${dev}${route.src ? ` (source ${route.src})` : ''}${route.flags.includes('linkdown') ? '; the link is down' : ''}.`
    );
  }
  return `Traffic to ${route.dst} goes${route.via ? ` via ${route.via}` : ''} through ${dev}${route.src ? ` with source ${route.src}` : ''}${mtuNote}.`;
}

/** macOS host routes: what makes Docker networks reachable (or not) from the Mac. */
export function explainNetstatRoute(route: NetstatRoute, ctx: Pick<RouteContext, 'networks'>): string {
  const network = route.cidr ? ctx.networks.find((n) => n.subnet === route.cidr) : undefined;
  if (/^utun\d+$/.test(route.netif) && route.gateway === route.netif && route.cidr) {
    return (
      `docker-mac-net-connect sends ${network ? `the Docker network "${network.name}" (${route.cidr})` : route.cidr} ` +
      `into its tunnel \`${route.netif}\`, to the engine's VM: ` +
      'this is what makes container IPs reachable from this Mac.'
    );
  }
  if (route.destination === 'default')
    return `Everything else leaves through \`${route.netif}\`${/^\d/.test(route.gateway) ? ` to ${route.gateway}` : ''}.`;
  if (route.flags.includes('H') && /^utun/.test(route.netif))
    return `${route.destination} is the far end of the tunnel \`${route.netif}\`.`;
  return `Traffic to ${route.cidr ?? route.destination} goes through \`${route.netif}\`${/^\d/.test(route.gateway) ? ` via ${route.gateway}` : ''}.`;
}

function normalised(dst: string): string {
  return parseCidr(dst)?.text ?? dst;
}
