import type { TopologyNetwork, TopologyNode } from '../../contract';
import { cidrContains, explainRoute, type RouteContext } from '../net';

/**
 * Gives every node route its meaning. Pod CIDRs are learned from the nodes themselves:
 * a node owns the CIDR its own `cilium_host` address falls in; with native routing a
 * CIDR routed via a node's IP belongs to that node.
 */
export function explainNodeRoutes(nodes: TopologyNode[], networks: TopologyNetwork[]): void {
  const podCidrs: RouteContext['podCidrs'] = [];
  for (const node of nodes) {
    const hostAddress = node.interfaces
      .find((i) => i.ifname === 'cilium_host')
      ?.addresses.find((a) => !a.includes(':'))
      ?.split('/')[0];
    if (!hostAddress) continue;
    const own = node.routes.find(
      (r) => r.dst.includes('/') && r.dev === 'cilium_host' && cidrContains(r.dst, hostAddress),
    );
    if (own) podCidrs.push({ cidr: own.dst, node: node.name });
  }
  const nodeIps = nodes.filter((n) => n.ipv4).map((n) => ({ ip: n.ipv4!, node: n.name }));
  for (const node of nodes) {
    for (const route of node.routes) {
      if (route.via && route.dst.includes('/') && !podCidrs.some((p) => p.cidr === route.dst)) {
        const owner = nodeIps.find((n) => n.ip === route.via);
        if (owner && route.dst.startsWith('10.')) podCidrs.push({ cidr: route.dst, node: owner.node });
      }
    }
  }
  const contextNetworks = networks.flatMap((n) =>
    n.subnets.map((s) => ({
      name: n.name,
      subnet: s.subnet,
      ...(n.bridge.name ? { bridge: n.bridge.name } : {}),
      ...(s.gateway ? { gateway: s.gateway } : {}),
    })),
  );
  for (const node of nodes) {
    const ctx: RouteContext = {
      node: node.name,
      podCidrs,
      nodeIps,
      networks: contextNetworks,
      uplinkMtu: node.eth0?.mtu ?? 1500,
    };
    for (const route of node.routes) route.explanation = explainRoute({ ...route, flags: route.flags }, ctx);
  }
}
