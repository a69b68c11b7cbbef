import type { ClusterStatus, ClusterTopology, PoolStatus, ServiceStatus } from '@contract';
import type { BuildOptions } from './build-graph';
import { addBgpService, routeTo } from './build-bgp';
import { clockTime, graphNode, nodeId } from './graph-parts';
import type { GraphEdgeSpec, GraphNodeSpec, GraphSpec, Tone } from './graph-types';
import { rangeContains } from './pool-match';

/** Beyond this many services on one node they collapse into a group (500 must not become a hairball). */
export const groupThreshold = 20;
/** Above this many services, pool → service lines are drawn only for the highlighted path. */
export const poolEdgeLimit = 40;

export const serviceId = (service: Pick<ServiceStatus, 'namespace' | 'name'>) =>
  `svc:${service.namespace}/${service.name}`;
export const groupId = (holder: string) => `group:${holder}`;
export const poolId = (name: string) => `pool:${name}`;

/** The claim, worded as a claim; the measurement, worded as a measurement (never merged). */
export function leaseWording(ip: string, service: ServiceStatus): string {
  const claim = `${ip} — lease held by ${service.leaseHolder?.node ?? 'nobody'}`;
  const measured = service.answeredBy;
  if (!measured) return claim;
  return `${claim} · answered ARP: ${measured.node ?? measured.mac} (checked ${clockTime(measured.checkedAt)})`;
}

/**
 * The lease line's visible label, one fact a line: the claim, then the measurement once a
 * probe made one ("answered ARP: worker · 10:42:07"), never merged into one statement.
 */
export function leaseText(service: ServiceStatus): string {
  const claim = `lease held by ${service.leaseHolder?.node ?? 'nobody'}`;
  const measured = service.answeredBy;
  return measured
    ? `${claim}\nanswered ARP: ${measured.node ?? measured.mac} · ${clockTime(measured.checkedAt)}`
    : claim;
}

export function poolOf(pools: readonly PoolStatus[], ip: string): PoolStatus | undefined {
  return pools.find((pool) => pool.ranges.some((range) => rangeContains(range, ip)));
}

/** LoadBalancer services by lease holder (collapsed past the threshold), unattached ones with their reason, and pools. */
export function buildServiceGraph(
  topology: ClusterTopology,
  status: ClusterStatus | undefined,
  options: BuildOptions,
): GraphSpec {
  const nodes: GraphNodeSpec[] = [];
  const edges: GraphEdgeSpec[] = [];
  if (!status) return { nodes, edges };
  const known = new Set(topology.nodes.map((n) => n.name));
  const services = status.services
    .filter((s) => s.type === 'LoadBalancer')
    .sort((a, b) => serviceId(a).localeCompare(serviceId(b)));
  const byHolder = new Map<string, ServiceStatus[]>();
  const bgp = topology.router ? options.bgp : undefined;
  for (const service of services) {
    const holder = service.leaseHolder?.node;
    // BGP mode: an IP is attached to the nodes the router has as its next hops (measured), not to a lease.
    const routes = service.externalIPs
      .map((ip) => ({ ip, route: routeTo(bgp, ip) }))
      .filter((r): r is { ip: string; route: NonNullable<typeof r.route> } => r.route !== undefined);
    if (service.externalIPs.length > 0 && holder && known.has(holder))
      byHolder.set(holder, [...(byHolder.get(holder) ?? []), service]);
    else if (bgp && routes.length > 0) addBgpService(service, routes, bgp.measured.measuredAt, topology, nodes, edges);
    else nodes.push(unattachedNode(service, topology.router ? bgpReason(service, options) : undefined));
  }
  const drawPoolEdges = services.length <= poolEdgeLimit;
  for (const [holder, held] of byHolder) {
    if (held.length > groupThreshold && !options.expandedGroups?.has(holder)) {
      addGroup(holder, held, nodes, edges);
      continue;
    }
    for (const service of held) addHeldService(service, holder, topology, nodes, edges);
  }
  for (const pool of status.pools) nodes.push(poolNode(pool));
  if (drawPoolEdges) {
    for (const service of services) {
      for (const ip of service.externalIPs) {
        const pool = poolOf(status.pools, ip);
        if (pool && nodes.some((n) => n.id === serviceId(service)))
          edges.push({
            id: `pool:${serviceId(service)}:${ip}`,
            source: serviceId(service),
            target: poolId(pool.name),
            kind: 'pool',
            label: `${ip} from pool ${pool.name}`,
            tone: 'normal',
          });
      }
    }
  }
  return { nodes, edges };
}

function addHeldService(
  service: ServiceStatus,
  holder: string,
  topology: ClusterTopology,
  nodes: GraphNodeSpec[],
  edges: GraphEdgeSpec[],
): void {
  const id = serviceId(service);
  const running = topology.nodes.find((n) => n.name === holder)?.running ?? false;
  const mismatch = service.answeredBy !== undefined && service.answeredBy.node !== holder;
  const lines = [...service.externalIPs, `${service.ports.join(', ') || 'no ports'} · ${service.readyEndpoints} ready`];
  // The lease's name labels the IP; the measurement gets its own line, worded as one.
  if (service.leaseHolder) lines.push(service.leaseHolder.lease);
  if (service.answeredBy)
    lines.push(
      `answered ARP: ${service.answeredBy.node ?? service.answeredBy.mac} (${clockTime(service.answeredBy.checkedAt)})`,
    );
  const tone: Tone = mismatch || !running ? 'bad' : service.readyEndpoints === 0 ? 'warn' : 'normal';
  nodes.push(
    graphNode(
      id,
      'service',
      `Service ${service.namespace}/${service.name} ${service.externalIPs.join(', ')}`,
      `${service.namespace}/${service.name}`,
      lines,
      tone,
      `bundle:${holder}`,
    ),
  );
  for (const ip of service.externalIPs) {
    edges.push({
      id: `lease:${id}:${ip}`,
      source: nodeId(holder),
      target: id,
      kind: 'lease',
      label: leaseWording(ip, service),
      text: leaseText(service),
      tone,
    });
  }
}

function addGroup(holder: string, held: ServiceStatus[], nodes: GraphNodeSpec[], edges: GraphEdgeSpec[]): void {
  const id = groupId(holder);
  const ips = held.flatMap((s) => s.externalIPs);
  const lines = [
    `${ips[0] ?? ''} … ${ips.at(-1) ?? ''}`,
    `${held.filter((s) => s.readyEndpoints === 0).length} without endpoints`,
    'select to expand',
  ];
  nodes.push(
    graphNode(
      id,
      'service-group',
      `${held.length} LoadBalancer services held by ${holder}`,
      `${held.length} services`,
      lines,
      'normal',
      `bundle:${holder}`,
    ),
  );
  edges.push({
    id: `${nodeId(holder)}>${id}`,
    source: nodeId(holder),
    target: id,
    kind: 'group',
    label: `${ips.length} LoadBalancer IPs — leases held by ${holder}`,
    text: `${ips.length} leases`,
    tone: 'normal',
  });
}

/** Why a BGP-mode service with an IP is not drawn with next hops: the router has no route to it (measured), or not read yet. */
function bgpReason(service: ServiceStatus, options: BuildOptions): string | undefined {
  if (service.externalIPs.length === 0) return undefined;
  if (!options.bgp) return 'the router’s table is not read yet';
  return options.bgp.measured.running
    ? `the router has no route to ${service.externalIPs[0]} (measured ${clockTime(options.bgp.measured.measuredAt)})`
    : 'the router’s table could not be read';
}

function unattachedNode(service: ServiceStatus, bgpReason?: string): GraphNodeSpec {
  const pending = service.externalIPs.length === 0;
  const reason =
    service.findings[0]?.message ?? bgpReason ?? (pending ? 'no address assigned yet' : 'no node holds its lease');
  const lines = [pending ? '<pending>' : service.externalIPs.join(', '), ...wrap(reason, 34).slice(0, 3)];
  const label = `Service ${service.namespace}/${service.name} ${pending ? '<pending>' : `${service.externalIPs.join(', ')} unattached`}: ${reason}`;
  return graphNode(
    serviceId(service),
    'pending',
    label,
    `${service.namespace}/${service.name}`,
    lines,
    'warn',
    'bundle:unattached',
  );
}

function poolNode(pool: PoolStatus): GraphNodeSpec {
  const usage = pool.total !== undefined ? `${pool.used ?? 0} of ${pool.total} used` : 'usage unknown';
  const lines = [
    ...pool.ranges,
    usage,
    ...(pool.disabled ? ['disabled'] : []),
    ...(pool.conflict ? ['conflicts with another pool'] : []),
  ];
  return graphNode(
    poolId(pool.name),
    'pool',
    `Pool ${pool.name} ${pool.ranges.join(', ')}`,
    `pool ${pool.name}`,
    lines,
    pool.disabled || pool.conflict ? 'warn' : 'normal',
  );
}

/** Breaks a sentence into lines of at most `width` characters, at spaces. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/)) {
    if (current && current.length + word.length + 1 > width) {
      lines.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) lines.push(current);
  return lines;
}
