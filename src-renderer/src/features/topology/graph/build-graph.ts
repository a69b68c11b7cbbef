import type { BgpView, ClusterStatus, ClusterTopology, TopologyNetwork, TopologyNode } from '@contract';
import { addBgpPicture } from './build-bgp';
import { buildServiceGraph } from './build-services';
import { graphNode, nodeId } from './graph-parts';
import { columns, type GraphEdgeSpec, type GraphNodeSpec, type GraphSpec, type Tone } from './graph-types';

export interface BuildOptions {
  /** Holder nodes whose collapsed service group the user opened. */
  expandedGroups?: ReadonlySet<string>;
  /** BGP mode: the nodes' claim and the router's measurement (`cluster:bgp`), drawn apart. */
  bgp?: BgpView;
}

export type RoutingMode = 'tunnel' | 'native';

/**
 * The figure of one cluster, from the contract only (ClusterTopology from Docker, ClusterStatus
 * from Kubernetes): this machine → bridge → veth pairs → nodes → pod CIDRs → LoadBalancer IPs.
 */
export function buildTopologyGraph(
  topology: ClusterTopology,
  status: ClusterStatus | undefined,
  options: BuildOptions = {},
): GraphSpec {
  const nodes: GraphNodeSpec[] = [];
  const edges: GraphEdgeSpec[] = [];
  nodes.push(hostNode(topology, status));
  let upstream = 'host';
  if (topology.observedFrom === 'engine-vm') {
    nodes.push(
      graphNode('engine-vm', 'engine-vm', "Docker engine's VM", "Engine's VM", [
        'the bridge and veths live here,',
        'not on this machine',
      ]),
    );
    edges.push({
      id: 'host>engine-vm',
      source: 'host',
      target: 'engine-vm',
      kind: 'link',
      label: "This machine → the Docker engine's VM",
      tone: topology.host.reachability.status === 'no' ? 'bad' : 'normal',
    });
    upstream = 'engine-vm';
  }
  for (const network of topology.networks) {
    const bridgeId = `bridge:${network.name}`;
    nodes.push(bridgeNode(network));
    const route = topology.host.routes.find((r) => r.network === network.name);
    edges.push({
      id: `${upstream}>${bridgeId}`,
      source: upstream,
      target: bridgeId,
      kind: 'link',
      label: route
        ? `This machine → bridge ${network.bridge.name}: ${route.raw}`
        : `This machine → bridge ${network.bridge.name}: no route — traffic goes nowhere`,
      ...(route ? {} : { text: 'no route — traffic goes nowhere' }),
      tone: route || upstream === 'engine-vm' ? 'normal' : 'bad',
    });
    for (const node of topology.nodes.filter((n) => n.network === network.name))
      addNode(node, network, status, nodes, edges);
  }
  addBgpPicture(topology, options.bgp, upstream, bridgeNode, nodes, edges);
  const mode = routingMode(topology, status);
  addRouting(topology, status, mode, nodes, edges);
  const services = buildServiceGraph(topology, status, options);
  return {
    nodes: figureOrder([...nodes, ...services.nodes], topology),
    edges: [...edges, ...services.edges],
    epoch: `${topology.name}|${status ? 'docker+kubernetes' : 'docker'}`,
  };
}

/**
 * Boxes in reading order, which the layout keeps (ELK model order): by column, and within the
 * pods/services column each node's pod CIDR followed by the IPs it holds, so lines do not cross.
 */
function figureOrder(nodes: GraphNodeSpec[], topology: ClusterTopology): GraphNodeSpec[] {
  const owner = new Map(topology.nodes.map((n, index) => [n.name, index]));
  const rank = (node: GraphNodeSpec): number => {
    const name = node.kind === 'pods' ? node.id.slice('pods:'.length) : node.bundle?.slice('bundle:'.length);
    return name !== undefined ? (owner.get(name) ?? owner.size) * 2 + (node.kind === 'pods' ? 0 : 1) : -1;
  };
  return nodes
    .map((node, index) => ({ node, index }))
    .sort((a, b) => columns[a.node.kind] - columns[b.node.kind] || rank(a.node) - rank(b.node) || a.index - b.index)
    .map(({ node }) => node);
}

function hostNode(topology: ClusterTopology, status: ClusterStatus | undefined): GraphNodeSpec {
  const lines = topology.networks.map((network) => {
    const route = topology.host.routes.find((r) => r.network === network.name);
    return route
      ? `route ${route.dst} → ${route.dev ?? route.via}`
      : `${network.name}: no route — traffic goes nowhere`;
  });
  // BGP mode: the pool is reached on its own network's bridge (its connected route), not by a host route.
  const pool = topology.router?.poolNetwork;
  if (pool) {
    const route = topology.router!.poolRoutes[0];
    lines.push(route ? `pool ${route.dst} → ${route.dev ?? route.via}` : `pool ${pool.name}: no route`);
  }
  // This machine's neighbour entries for the LoadBalancer IPs: a measurement, with the holder beside it.
  // (BGP mode: nobody holds a lease; the router answers for the pool, so there is no holder to compare with.)
  const measured = topology.router
    ? []
    : (status?.services ?? []).filter((s) => s.answeredBy && s.externalIPs.length > 0);
  for (const service of measured.slice(0, 3)) {
    const answered = service.answeredBy!;
    const holder = service.leaseHolder?.node;
    const verdict =
      answered.node && answered.node === holder
        ? 'the holder'
        : answered.node
          ? `not the holder ${holder ?? ''}`.trim()
          : 'no node';
    lines.push(`ARP ${service.externalIPs[0]} → ${answered.node ?? answered.mac} (${verdict})`);
  }
  if (measured.length > 3) lines.push(`+${measured.length - 3} more neighbour entries`);
  const tone: Tone =
    topology.host.reachability.status === 'no'
      ? 'bad'
      : topology.host.reachability.status === 'unknown'
        ? 'warn'
        : 'normal';
  return graphNode('host', 'host', 'This machine', `This machine (${topology.host.platform})`, lines, tone);
}

export function bridgeNode(network: TopologyNetwork): GraphNodeSpec {
  const lines = network.subnets.map((s) => `${s.subnet}${s.gateway ? ` gw ${s.gateway}` : ''}`);
  lines.push(
    `network “${network.name}”${(network.mtu ?? network.bridge.mtu) ? ` · MTU ${network.mtu ?? network.bridge.mtu}` : ''}`,
  );
  return graphNode(
    `bridge:${network.name}`,
    'bridge',
    `Bridge ${network.bridge.name}`,
    network.bridge.name,
    lines,
    network.bridge.present ? 'normal' : 'warn',
  );
}

function addNode(
  node: TopologyNode,
  network: TopologyNetwork,
  status: ClusterStatus | undefined,
  nodes: GraphNodeSpec[],
  edges: GraphEdgeSpec[],
): void {
  const bridgeId = `bridge:${network.name}`;
  const vethId = `veth:${node.name}`;
  const id = nodeId(node.name);
  const tone: Tone = node.running ? 'normal' : 'stopped';
  if (node.veth) {
    // `ip link` on the host names the veth `vethXXXX@if<eth0's ifindex>`; in the node it is `eth0@if<veth's ifindex>`.
    const hostSide = `${node.veth.ifname}${node.eth0 ? `@if${node.eth0.ifindex}` : ''}`;
    const nodeSide = `eth0@if${node.veth.ifindex}`;
    nodes.push(
      graphNode(
        vethId,
        'veth',
        `veth pair ${node.veth.ifname} ⇄ ${nodeSide} of ${node.name}`,
        node.veth.ifname,
        [`${hostSide} ⇄ ${nodeSide}`, node.veth.onBridge ? `on ${network.bridge.name}` : 'not on the bridge!'],
        node.veth.onBridge ? tone : 'bad',
      ),
    );
  } else {
    nodes.push(
      graphNode(
        vethId,
        'veth',
        `veth pair of ${node.name}: none (container ${node.state})`,
        'no veth',
        [`container ${node.state}:`, 'its veth pair is gone'],
        'stopped',
      ),
    );
  }
  edges.push({
    id: `${bridgeId}>${vethId}`,
    source: bridgeId,
    target: vethId,
    kind: 'veth',
    label: `Bridge ${network.bridge.name} → ${node.veth?.ifname ?? 'no veth'} (${node.name})`,
    tone: node.veth ? tone : 'stopped',
  });
  const kube = status?.nodes.find((n) => n.name === node.name);
  const ready = kube ? (kube.ready ? 'Ready' : 'NotReady') : undefined;
  const lines = [
    [node.role, node.state, ready].filter(Boolean).join(' · '),
    node.ipv4 ?? 'no IPv4',
    node.mac ?? 'no MAC',
  ];
  if (node.problem) lines.push(node.problem.slice(0, 34));
  nodes.push(
    graphNode(
      id,
      'node',
      `Node ${node.name}`,
      node.name,
      lines,
      !node.running ? 'stopped' : kube && !kube.ready ? 'warn' : 'normal',
    ),
  );
  edges.push({
    id: `${vethId}>${id}`,
    source: vethId,
    target: id,
    kind: 'veth',
    label: `${node.veth?.ifname ?? 'no veth'} ⇄ eth0 of ${node.name}`,
    tone: node.veth ? tone : 'stopped',
  });
}

/** The pod CIDR boxes with `cilium_host`, and how traffic between nodes' pods travels. */
function addRouting(
  topology: ClusterTopology,
  status: ClusterStatus | undefined,
  mode: RoutingMode | undefined,
  nodes: GraphNodeSpec[],
  edges: GraphEdgeSpec[],
): void {
  const podsIds: { node: TopologyNode; id: string }[] = [];
  for (const node of topology.nodes) {
    const cidrs = status?.nodes.find((n) => n.name === node.name)?.podCIDRs ?? [];
    const ciliumHost = node.interfaces.find((i) => i.ifname === 'cilium_host');
    if (cidrs.length === 0 && !ciliumHost) continue;
    const id = `pods:${node.name}`;
    const lines = [ciliumHost ? `cilium_host ${ciliumHost.addresses[0] ?? ''}`.trim() : 'no cilium_host'];
    if (ciliumHost?.mtu) lines.push(`MTU ${ciliumHost.mtu}`);
    nodes.push(
      graphNode(
        id,
        'pods',
        `Pod CIDR ${cidrs.join(', ') || 'unknown'} of ${node.name}`,
        cidrs.length ? `pods ${cidrs.join(', ')}` : 'pods',
        lines,
        node.running ? 'normal' : 'stopped',
      ),
    );
    edges.push({
      id: `${nodeId(node.name)}>${id}`,
      source: nodeId(node.name),
      target: id,
      kind: 'pods',
      label: `${node.name} → its pods ${cidrs.join(', ')}`,
      tone: node.running ? 'normal' : 'stopped',
    });
    podsIds.push({ node, id });
  }
  if (!mode || podsIds.length < 2) return;
  const bridge = topology.networks[0]?.bridge.name ?? 'the bridge';
  if (mode === 'tunnel') {
    const mtu = topology.nodes.flatMap((n) => n.routes).find((r) => r.dev === 'cilium_host' && r.mtu)?.mtu;
    const outer = topology.networks[0]?.mtu ?? 1500;
    const lines = [
      'pod CIDRs via cilium_host, encapsulated',
      mtu ? `MTU ${mtu} (${outer - mtu} bytes for the tunnel header)` : 'MTU unknown',
      `carried between node IPs on ${bridge}`,
    ];
    nodes.push(
      graphNode(
        'overlay',
        'overlay',
        `Tunnel overlay between nodes${mtu ? `, MTU ${mtu}` : ''}`,
        'Tunnel overlay (VXLAN)',
        lines,
      ),
    );
  } else {
    nodes.push(
      graphNode('overlay', 'overlay', `Native routing over ${bridge}`, 'Native routing', [
        'other nodes’ pod CIDRs',
        `via their node IPs on ${bridge}`,
        'no encapsulation, full MTU',
      ]),
    );
  }
  for (const { node, id } of podsIds) {
    const remote =
      mode === 'native'
        ? node.routes.filter((r) => r.via && topology.nodes.some((n) => n.ipv4 === r.via && n.name !== node.name))
        : node.routes.filter((r) => r.dev === 'cilium_host' && r.mtu);
    const routes = remote.map((r) => `${r.dst} via ${r.via ?? r.dev}`);
    edges.push({
      id: `${id}>overlay`,
      source: id,
      target: 'overlay',
      kind: mode === 'tunnel' ? 'overlay' : 'native',
      label: `${mode === 'tunnel' ? 'Tunnel' : 'Native'} routes of ${node.name}: ${routes.join(', ') || 'none yet'}`,
      tone: routes.length === 0 ? 'warn' : node.running ? 'normal' : 'stopped',
    });
  }
}

/** Cilium's routing mode as the release declares it, else as the nodes' routes show it. */
export function routingMode(topology: ClusterTopology, status: ClusterStatus | undefined): RoutingMode | undefined {
  const declared = status?.cilium.routingMode;
  if (declared === 'tunnel' || declared === 'native') return declared;
  const routes = topology.nodes.flatMap((n) => n.routes);
  if (routes.some((r) => r.dev === 'cilium_host' && r.mtu !== undefined)) return 'tunnel';
  const nodeIPs = new Set(topology.nodes.map((n) => n.ipv4).filter(Boolean));
  if (routes.some((r) => r.via && nodeIPs.has(r.via))) return 'native';
  return undefined;
}
