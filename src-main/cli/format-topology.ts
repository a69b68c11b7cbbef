import type { ClusterStatus, ClusterTopology, KindClusterSummary } from '../contract';
import { formatLoadBalancers } from './commands/cluster-summary';

export interface TopologyTextOptions {
  /** Print every route (this machine's and each node's) with its meaning; off by default. */
  routes?: boolean;
  /** The cluster's model, to lead with its LoadBalancer IPs and who holds / answered them. */
  status?: ClusterStatus;
}

/**
 * The data path as a tree, led by what people ask first — each LoadBalancer IP and who holds
 * and answered it —, then host → bridge → veth ⇄ node eth0; routes (each with its meaning)
 * only when asked, since a 3-node lab has dozens of them.
 */
export function formatTopology(topology: ClusterTopology, options: TopologyTextOptions = {}): string {
  const lines: string[] = [];
  const api = topology.apiServer ? `, API server ${topology.apiServer.address}:${topology.apiServer.port}` : '';
  lines.push(
    `kind cluster "${topology.name}" — seen from ${topology.observedFrom === 'host' ? 'this machine' : "the engine's VM (helper container)"}${api}`,
  );
  if (options.status) lines.push(...formatLoadBalancers(options.status));
  const routes = options.routes === true;
  lines.push(
    `host (${topology.host.platform}): reachable ${topology.host.reachability.status} — ${topology.host.reachability.reason}`,
  );
  if (routes)
    for (const route of topology.host.routes) lines.push(`│  route ${route.raw.trim()}\n│    ↳ ${route.explanation}`);
  topology.networks.forEach((network, networkIndex) => {
    const lastNetwork = networkIndex === topology.networks.length - 1;
    const subnets = network.subnets.map((s) => `${s.subnet}${s.gateway ? ` gw ${s.gateway}` : ''}`).join(', ');
    const bridge = network.bridge;
    lines.push(
      `${lastNetwork ? '└' : '├'}─ bridge ` +
        `${bridge.name || '(none)'}${bridge.present ? ` ${bridge.state ?? ''}`.trimEnd() : ' (not visible)'} — ` +
        `network "${network.name}" ${subnets}${network.mtu ? `, MTU ${network.mtu}` : ''}`,
    );
    const nodes = topology.nodes.filter((node) => node.network === network.name);
    const indent = lastNetwork ? '   ' : '│  ';
    nodes.forEach((node, nodeIndex) => {
      const lastNode = nodeIndex === nodes.length - 1;
      const veth = node.veth
        ? `${node.veth.ifname} (if${node.veth.ifindex}${node.veth.onBridge ? '' : `, master ${node.veth.master ?? 'none'}`})`
        : 'no veth';
      const eth0 = node.eth0 ? `eth0 (if${node.eth0.ifindex})` : 'eth0';
      lines.push(
        `${indent}${lastNode ? '└' : '├'}─ ${veth} ⇄ ${node.name} ${eth0} ${node.ipv4 ?? ''} ${node.mac ?? ''} [${node.role}, ${node.state}]`.replace(
          /\s+\[/,
          ' [',
        ),
      );
      const nodeIndent = `${indent}${lastNode ? '   ' : '│  '}`;
      if (node.problem) lines.push(`${nodeIndent}! ${node.problem}`);
      if (!routes) return;
      node.routes.forEach((route, routeIndex) => {
        const lastRoute = routeIndex === node.routes.length - 1;
        lines.push(`${nodeIndent}${lastRoute ? '└' : '├'}─ ${route.raw.trim()}`);
        lines.push(`${nodeIndent}${lastRoute ? ' ' : '│'}    ↳ ${route.explanation}`);
      });
    });
  });
  for (const problem of topology.problems) lines.push(`! ${problem}`);
  if (!routes) {
    const count = topology.host.routes.length + topology.nodes.reduce((n, node) => n + node.routes.length, 0);
    lines.push(`(${count} routes, each explained: kindscope topology --cluster ${topology.name} --routes)`);
  }
  return `${lines.join('\n')}\n`;
}

export function formatClusterList(clusters: KindClusterSummary[]): string {
  if (clusters.length === 0) return 'No kind clusters on this Docker engine.\n';
  const rows = clusters.map((c) => [
    c.name,
    `${c.running}/${c.nodes}`,
    c.networks.join(','),
    c.apiServer ? `${c.apiServer.address}:${c.apiServer.port}` : '-',
  ]);
  const header = ['NAME', 'RUNNING', 'NETWORK', 'API SERVER'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return (
    [header, ...rows]
      .map((r) =>
        r
          .map((cell, i) => cell.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
