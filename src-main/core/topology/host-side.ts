import type { ClusterTopology, HostRoute, TopologyNetwork } from '../../contract';
import { cidrContains, explainNetstatRoute, explainRoute, isDockerMacNetConnectRoute } from '../net';
import type { HostView } from './host-view';

/**
 * This machine's side of a cluster's data path: the host routes that concern its Docker
 * networks (each explained), and whether node and LoadBalancer IPs are reachable from here.
 */
export function hostSide(host: HostView, networks: TopologyNetwork[]): ClusterTopology['host'] {
  const contextNetworks = networks.flatMap((n) =>
    n.subnets.map((s) => ({ name: n.name, subnet: s.subnet, ...(n.bridge.name ? { bridge: n.bridge.name } : {}) })),
  );
  const subnets = contextNetworks.filter((n) => !n.subnet.includes(':'));
  const routes: HostRoute[] = [];
  if (host.platform === 'darwin') {
    for (const route of host.netstatRoutes) {
      const network = subnets.find(
        (n) =>
          route.cidr && route.cidr !== 'default' && (route.cidr === n.subnet || cidrContains(route.cidr, n.subnet)),
      );
      if (!network && route.destination !== 'default' && !isDockerMacNetConnectRoute(route)) continue;
      routes.push({
        dst: route.cidr ?? route.destination,
        dev: route.netif,
        ...(network ? { network: network.name } : {}),
        raw: route.raw,
        explanation: explainNetstatRoute(route, { networks: contextNetworks }),
      });
    }
    const tunnelled = subnets.filter((n) =>
      host.netstatRoutes.some((r) => isDockerMacNetConnectRoute(r) && r.cidr && cidrContains(r.cidr, n.subnet)),
    );
    return {
      platform: host.platform,
      routes,
      reachability:
        subnets.length === 0
          ? { status: 'unknown', reason: 'The cluster has no IPv4 Docker network.' }
          : tunnelled.length > 0
            ? {
                status: 'yes',
                reason: `docker-mac-net-connect routes ${tunnelled.map((n) => n.subnet).join(', ')} into the engine's VM.`,
              }
            : {
                status: 'no',
                reason:
                  `No route sends ${subnets.map((n) => n.subnet).join(', ')} into the engine's VM: ` +
                  'container and LoadBalancer IPs cannot be reached from this Mac. ' +
                  `Install docker-mac-net-connect (\`brew install chipmk/tap/docker-mac-net-connect\`).`,
              },
    };
  }
  for (const route of host.routes) {
    const network = subnets.find(
      (n) => route.dst === n.subnet || (route.dst !== 'default' && cidrContains(route.dst, n.subnet)),
    );
    if (!network && route.dst !== 'default') continue;
    routes.push({
      dst: route.dst,
      ...(route.via ? { via: route.via } : {}),
      ...(route.dev ? { dev: route.dev } : {}),
      ...(network ? { network: network.name } : {}),
      raw: route.raw,
      explanation: explainRoute(route, { node: 'host', podCidrs: [], nodeIps: [], networks: contextNetworks }),
    });
  }
  const attached = subnets.filter((n) => host.routes.some((r) => r.dst === n.subnet && r.dev === n.bridge));
  const conflicts = subnets.filter((n) => host.routes.filter((r) => r.dst === n.subnet).length > 1);
  return {
    platform: host.platform,
    routes,
    reachability:
      host.observedFrom === 'engine-vm'
        ? {
            status: 'no',
            reason: "The Docker networks live inside the engine's VM; this machine has no route to them.",
          }
        : conflicts.length > 0
          ? {
              status: 'no',
              reason:
                `${conflicts.map((n) => n.subnet).join(', ')} is also routed to another interface on this ` +
                'machine (e.g. your Wi-Fi): traffic may go the wrong way. ' +
                'Recreate the kind network on a free subnet.',
            }
          : attached.length > 0
            ? {
                status: 'yes',
                reason: `The bridge of ${attached.map((n) => `"${n.name}"`).join(', ')} is on this machine: node and LoadBalancer IPs are one hop away.`,
              }
            : { status: 'unknown', reason: 'No route to the Docker networks was found on this machine.' },
  };
}
