/**
 * BGP mode's path in `kindscope connectivity` (issue 29, item 3): the pool lives on a Docker
 * network of its own (`<cluster>-lb`, labelled with its cluster by the create run), where the
 * router answers ARP for the addresses it has routes to. The route hop to that network is the
 * ordinary one (this machine's table, or docker-mac-net-connect's tunnel); after it come the
 * router's hops, read at the router now (bgp-run.ts's `routerPath`, the create verification's own
 * reading): the router, the next hops it installed, the node this flow goes to — then the TCP and
 * HTTP hop to the IP as for any LoadBalancer IP.
 */
import type Docker from 'dockerode';
import type { ConnectivityHop } from '../../contract';
import { routerLabel } from '../lab/plan/router';
import { routerPath, type DockerRun } from '../lab/run/bgp-run';
import type { ClusterNetworkFacts } from './connectivity-check';
import { cidrContains } from '../net';

export interface BgpPoolNetwork {
  network: string;
  subnet: string;
  gateway: string;
  bridge?: string;
  router: string;
}

/** The pool's Docker network of a BGP lab (none for an L2 lab), as the engine reports it. */
export async function bgpPoolNetwork(docker: Docker, cluster: string): Promise<BgpPoolNetwork | undefined> {
  const network = `${cluster}-lb`;
  let inspected:
    | {
        Id?: string;
        Labels?: Record<string, string>;
        Options?: Record<string, string>;
        IPAM?: { Config?: { Subnet?: string; Gateway?: string }[] };
      }
    | undefined;
  try {
    inspected = (await docker.getNetwork(network).inspect()) as typeof inspected;
  } catch {
    return undefined; // no such network: an L2 lab
  }
  // Only the network Kindscope made for this cluster's pool (its label), never one a user named alike.
  if (!inspected || inspected.Labels?.[routerLabel] !== cluster) return undefined;
  const config = (inspected.IPAM?.Config ?? []).find((c) => c.Subnet && !c.Subnet.includes(':'));
  if (!config?.Subnet || !config.Gateway) return undefined;
  return {
    network,
    subnet: config.Subnet,
    gateway: config.Gateway,
    bridge: inspected.Options?.['com.docker.network.bridge.name'] ?? `br-${(inspected.Id ?? '').slice(0, 12)}`,
    router: `${cluster}-router`,
  };
}

/** The cluster's networks with the pool's: its route hop is checked like the nodes' network's. */
export const withPoolNetwork = (facts: ClusterNetworkFacts, pool: BgpPoolNetwork): ClusterNetworkFacts => ({
  ...facts,
  subnets: [
    ...facts.subnets,
    { network: pool.network, subnet: pool.subnet, ...(pool.bridge ? { bridge: pool.bridge } : {}) },
  ],
});

/** Reads the router's hops for one IP (wired to bgp-run.ts's `routerPath` with the run policy's docker). */
export type RouterHops = (
  pool: BgpPoolNetwork,
  ip: string,
  nodeOf: (ip: string) => string | undefined,
) => Promise<{ hop: string; detail: string; ok: boolean }[]>;

/** The hops with the router's put in path order: before each pool IP's TCP hop, after the route hops. */
export async function withRouterHops(
  hops: ConnectivityHop[],
  pool: BgpPoolNetwork,
  facts: ClusterNetworkFacts,
  routerHops: RouterHops,
  cluster: string,
): Promise<ConnectivityHop[]> {
  const nodeOf = (ip: string) => facts.nodes.find((n) => n.ip === ip)?.name;
  const out: ConnectivityHop[] = [];
  for (const hop of hops) {
    const ip = hop.hop.startsWith('TCP ') ? hop.target : undefined;
    if (ip && cidrContains(pool.subnet, ip)) {
      const read = await routerHops(pool, ip, nodeOf).catch((error: Error) => [
        { hop: 'router', ok: false, detail: `${pool.router} could not be read: ${error.message}` },
      ]);
      for (const r of read)
        out.push({
          hop: `BGP ${r.hop} for ${ip}`,
          target: ip,
          ok: r.ok,
          detail: r.detail,
          ...(r.ok ? {} : { fix: `\`kindscope doctor --cluster ${cluster}\` explains the sessions and the routes.` }),
        });
    }
    out.push(hop);
  }
  return out;
}

/** The router's hops read through the engine with the run policy's `docker` (`docker exec … vtysh`, `ip route get`). */
export const routerHopsVia =
  (docker: DockerRun): RouterHops =>
  async (pool, ip, nodeOf) =>
    (await routerPath(docker, pool.router, ip, pool, nodeOf)).hops;
