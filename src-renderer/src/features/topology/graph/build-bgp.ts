import type {
  BgpNodeClaim,
  BgpRouterRoute,
  BgpRouterSession,
  BgpView,
  ClusterTopology,
  ServiceStatus,
  TopologyRouter,
} from '@contract';
import { clockTime, graphNode, nodeId } from './graph-parts';
import type { GraphEdgeSpec, GraphNodeSpec, Tone } from './graph-types';

/**
 * BGP mode's part of the figure (issue 29): the router on the kind bridge and on the pool's own
 * network, one line per BGP session the router has (its state, uptime and prefixes received:
 * measured at the router), each node's claim about its session beside it and worded as a claim,
 * and each LoadBalancer IP with the next hops the router installed for it (an ECMP fan-out when
 * several nodes advertise it). Built from the contract only: the topology (Docker: the router's
 * container and wires) and the BGP view (`cluster:bgp`: the claim and the measurement, apart).
 */

export const routerId = (router: Pick<TopologyRouter, 'name'>) => `router:${router.name}`;
export const bgpBundle = 'bundle:bgp';

/** "42 s", "3 min 5 s", "2 h 4 min": a session's uptime as the router measured it. */
export function uptimeText(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const h = Math.floor(s / 3600);
  return `${h} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ''}`;
}

/** The router's measurement of one session, in words: "Established · up 42 s · 1 received". */
export function sessionMeasured(session: BgpRouterSession): string {
  return [
    session.state,
    session.state === 'Established' && session.uptimeMs !== undefined ? `up ${uptimeText(session.uptimeMs)}` : '',
    session.prefixesReceived !== undefined ? `${session.prefixesReceived} received` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** A node's claim about its session(s) to the router, as its agent wrote it (CiliumBGPNodeConfig status). */
export function claimText(claim: BgpNodeClaim | undefined): string {
  if (!claim) return 'node claims: no CiliumBGPNodeConfig';
  if (claim.peers.length === 0) return 'node claims: no session status yet';
  return `node claims: ${claim.peers
    .map((p) => `${p.peeringState ?? 'no state'}${p.advertised !== undefined ? ` · ${p.advertised} advertised` : ''}`)
    .join(', ')}`;
}

/** The router's box, its wires to the bridges, the pool's bridge, and one line per session. */
export function addBgpPicture(
  topology: ClusterTopology,
  bgp: BgpView | undefined,
  upstream: string,
  bridgeBox: (network: NonNullable<TopologyRouter['poolNetwork']>) => GraphNodeSpec,
  nodes: GraphNodeSpec[],
  edges: GraphEdgeSpec[],
): void {
  const router = topology.router;
  if (!router) return;
  const id = routerId(router);
  const measured = bgp?.measured;
  const sessions = measured?.sessions ?? [];
  const established = sessions.filter((s) => s.state === 'Established').length;
  const lines = [
    `AS ${measured?.asn ?? '?'} · ${router.running ? router.state : `container ${router.state}`}`,
    !router.running
      ? 'not running: no sessions'
      : !measured
        ? 'reading its tables…'
        : measured.running
          ? `${established} of ${sessions.length} session${sessions.length === 1 ? '' : 's'} Established`
          : 'its tables could not be read',
    ...router.attachments.map((a) => `${a.network} ${a.ipv4 ?? 'no IPv4'}`),
    ...(measured?.running ? [`measured ${clockTime(measured.measuredAt)}`] : []),
  ];
  const tone: Tone = !router.running
    ? 'stopped'
    : measured && !measured.running
      ? 'bad'
      : established < sessions.length
        ? 'warn'
        : 'normal';
  nodes.push(graphNode(id, 'router', `Router ${router.name} (BGP)`, router.name, lines, tone));

  const pool = router.poolNetwork;
  if (pool) {
    const poolBridge = `bridge:${pool.name}`;
    nodes.push(bridgeBox(pool));
    const route = router.poolRoutes[0];
    edges.push({
      id: `${upstream}>${poolBridge}`,
      source: upstream,
      target: poolBridge,
      kind: 'link',
      label: route
        ? `This machine → the pool's bridge ${pool.bridge.name}: ${route.raw} (the network's own route; no host route added)`
        : `This machine → the pool's bridge ${pool.bridge.name}: no route${upstream === 'engine-vm' ? " here (inside the engine's VM)" : ''}`,
      text: route ? 'pool: on-link, no host route' : 'no route to the pool',
      tone: route || upstream === 'engine-vm' ? 'normal' : 'bad',
    });
  }
  for (const attachment of router.attachments) {
    const network =
      topology.networks.find((n) => n.name === attachment.network) ??
      (pool?.name === attachment.network ? pool : undefined);
    if (!network) continue;
    edges.push({
      id: `bridge:${network.name}>${id}`,
      source: `bridge:${network.name}`,
      target: id,
      kind: 'link',
      label: `Bridge ${network.bridge.name} → router ${router.name} (${attachment.ipv4 ?? 'no IPv4'})`,
      tone: router.running ? 'normal' : 'stopped',
    });
  }
  addSessions(topology, bgp, id, edges);
}

function addSessions(topology: ClusterTopology, bgp: BgpView | undefined, id: string, edges: GraphEdgeSpec[]): void {
  if (!bgp) return;
  const known = new Map(topology.nodes.map((n) => [n.name, n]));
  const claimOf = (node: string) => bgp.claimed.find((c) => c.node === node);
  const at = clockTime(bgp.measured.measuredAt);
  const withSession = new Set<string>();
  for (const session of bgp.measured.sessions) {
    const node = session.node ? known.get(session.node) : undefined;
    if (!node) continue;
    withSession.add(node.name);
    const claim = claimOf(node.name);
    const measuredText = sessionMeasured(session);
    edges.push({
      id: `session:${session.peer}`,
      source: id,
      target: nodeId(node.name),
      kind: 'session',
      label:
        `BGP session ${bgp.measured.router} ⇄ ${node.name} (${session.peer}): measured at the router ${at}: ${measuredText}` +
        ` · ${claimText(claim)}`,
      text: `router: ${measuredText}\n${claimText(claim)}`,
      tone: !node.running ? 'stopped' : session.state === 'Established' ? 'normal' : 'bad',
    });
  }
  // A node that claims a session the router does not have: drawn apart, as a claim only.
  for (const claim of bgp.claimed) {
    const node = known.get(claim.node);
    if (!node || withSession.has(node.name) || claim.peers.length === 0) continue;
    edges.push({
      id: `claim:${node.name}`,
      source: id,
      target: nodeId(node.name),
      kind: 'session',
      label: `No BGP session at the router ${bgp.measured.router} from ${node.name} (measured ${at}) · ${claimText(claim)}`,
      text: `router: no session\n${claimText(claim)}`,
      tone: node.running ? 'warn' : 'stopped',
    });
  }
}

/** The router's route to an IP (its /32), when it has one. */
export function routeTo(bgp: BgpView | undefined, ip: string): BgpRouterRoute | undefined {
  return bgp?.measured.routes.find((r) => r.prefix === `${ip}/32`);
}

/**
 * A LoadBalancer service in BGP mode: its box, and one line from each node the router has as a
 * next hop for its IP (the ECMP fan-out), each saying whether the router installed it in its FIB.
 */
export function addBgpService(
  service: ServiceStatus,
  routes: { ip: string; route: BgpRouterRoute }[],
  measuredAt: string,
  topology: ClusterTopology,
  nodes: GraphNodeSpec[],
  edges: GraphEdgeSpec[],
): void {
  const id = `svc:${service.namespace}/${service.name}`;
  const known = new Map(topology.nodes.map((n) => [n.name, n]));
  const installed = routes.flatMap((r) => r.route.nextHops.filter((h) => h.installed));
  const perIp = routes.map(({ ip, route }) => {
    const count = route.nextHops.filter((h) => h.installed).length;
    return `router: ${count} next hop${count === 1 ? '' : 's'}${count > 1 ? ' (ECMP)' : ''}${routes.length > 1 ? ` for ${ip}` : ''}`;
  });
  const lines = [
    ...service.externalIPs,
    `${service.ports.join(', ') || 'no ports'} · ${service.readyEndpoints} ready`,
    ...perIp,
    `measured ${clockTime(measuredAt)}`,
  ];
  const tone: Tone = installed.length === 0 ? 'bad' : service.readyEndpoints === 0 ? 'warn' : 'normal';
  nodes.push(
    graphNode(
      id,
      'service',
      `Service ${service.namespace}/${service.name} ${service.externalIPs.join(', ')}`,
      `${service.namespace}/${service.name}`,
      lines,
      tone,
      bgpBundle,
    ),
  );
  for (const { ip, route } of routes)
    for (const hop of route.nextHops) {
      const node = hop.node ? known.get(hop.node) : undefined;
      if (!node) continue;
      edges.push({
        id: `nexthop:${id}:${ip}:${hop.ip}`,
        source: nodeId(node.name),
        target: id,
        kind: 'nexthop',
        label:
          `${ip} — the router's next hop ${hop.ip} (${node.name}), ${hop.installed ? 'installed in its FIB' : 'learned but not installed'}` +
          ` (measured ${clockTime(measuredAt)})`,
        text: hop.installed ? `next hop ${hop.ip}` : `not installed: ${hop.ip}`,
        tone: !node.running ? 'stopped' : hop.installed ? 'normal' : 'warn',
      });
    }
}

const hopName = (hop: { ip: string; node?: string }) => `${hop.ip}${hop.node ? ` (${hop.node})` : ''}`;

/** A list in words: "a", "a and b", "a, b and c". */
function inWords(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * One row of the router's table in plain words: which IP, learned from whom, which next hops it
 * installed, measured when. "10.250.0.1/32 (default/sample): learned from demo-worker and
 * demo-worker2; installed next hops 172.18.0.3 (demo-worker) and 172.18.0.4 (demo-worker2) —
 * ECMP, the router spreads flows across them. Measured at 10:42:07."
 */
export function routeSentence(route: BgpRouterRoute, measuredAt: string): string {
  const learned = route.nextHops.map((h) => h.node ?? h.ip);
  const installed = route.nextHops.filter((h) => h.installed);
  const skipped = route.nextHops.filter((h) => !h.installed);
  return [
    `${route.prefix}${route.service ? ` (${route.service})` : ''}: `,
    learned.length ? `learned from ${inWords(learned)}; ` : 'learned from nobody; ',
    installed.length
      ? `installed next hop${installed.length > 1 ? 's' : ''} ${inWords(installed.map(hopName))}`
      : 'no next hop installed',
    installed.length > 1 ? ' — ECMP, the router spreads flows across them' : '',
    skipped.length ? `; learned but not installed: ${inWords(skipped.map(hopName))}` : '',
    `. Measured at ${clockTime(measuredAt)}.`,
  ].join('');
}
