/**
 * BGP mode's claim and measurement (contract/bgp.ts), read separately and never merged:
 * - the claim from the cluster's API: each `CiliumBGPNodeConfig`'s status, as the agents wrote it;
 * - the measurement from the router: FRR's own JSON (`vtysh -c 'show bgp summary json'`,
 *   `vtysh -c 'show ip route json'`), asked through the engine (`docker exec`) via the run policy.
 */
import type {
  BgpFinding,
  BgpNodeClaim,
  BgpRouterMeasurement,
  BgpRouterRoute,
  BgpRouterSession,
  BgpView,
} from '../../contract';
import { bgpConfigFindings, isBgpLab, readBgpDoctorFacts, type BgpDoctorFacts } from './bgp-doctor';
import type { RunOptions, RunResult } from '../tools/run-tool';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type DockerRun = (args: string[], options: RunOptions) => Promise<RunResult>;

/** `CiliumBGPNodeConfig` objects (a `kubectl get -o json` list's items) → each node's claim. */
export function claimsFrom(nodeConfigs: Obj[]): BgpNodeClaim[] {
  return nodeConfigs
    .map((config) => {
      const instance = (config.status?.bgpInstances ?? [])[0] as Obj | undefined;
      const specInstance = (config.spec?.bgpInstances ?? [])[0] as Obj | undefined;
      return {
        node: String(config.metadata?.name ?? ''),
        ...((instance?.localASN ?? specInstance?.localASN) !== undefined
          ? { localASN: Number(instance?.localASN ?? specInstance?.localASN) }
          : {}),
        peers: ((instance?.peers ?? []) as Obj[]).map((peer) => {
          const count = ((peer.routeCount ?? []) as Obj[]).find((c) => c.afi === 'ipv4') ?? {};
          return {
            name: String(peer.name),
            peerAddress: String(peer.peerAddress ?? ''),
            ...(peer.peerASN !== undefined ? { peerASN: Number(peer.peerASN) } : {}),
            ...(peer.peeringState ? { peeringState: String(peer.peeringState) } : {}),
            ...(peer.establishedTime ? { establishedTime: String(peer.establishedTime) } : {}),
            ...(count.advertised !== undefined ? { advertised: Number(count.advertised) } : {}),
            ...(count.received !== undefined ? { received: Number(count.received) } : {}),
          };
        }),
      };
    })
    .sort((a, b) => a.node.localeCompare(b.node));
}

/** FRR's `show bgp summary json` → the router's sessions (IPv4 unicast). */
export function sessionsFrom(
  summary: Obj,
  nodeOf: (ip: string) => string | undefined,
): { asn?: number; sessions: BgpRouterSession[] } {
  const family = (summary.ipv4Unicast ?? {}) as Obj;
  const sessions = Object.entries((family.peers ?? {}) as Record<string, Obj>).map(([peer, p]) => {
    const node = nodeOf(peer);
    return {
      peer,
      ...(node ? { node } : {}),
      ...(p.remoteAs !== undefined ? { remoteAs: Number(p.remoteAs) } : {}),
      state: String(p.state ?? 'Unknown'),
      ...(p.peerUptimeMsec !== undefined ? { uptimeMs: Number(p.peerUptimeMsec) } : {}),
      ...(p.pfxRcd !== undefined ? { prefixesReceived: Number(p.pfxRcd) } : {}),
    };
  });
  return {
    ...(family.as !== undefined ? { asn: Number(family.as) } : {}),
    sessions: sessions.sort((a, b) => a.peer.localeCompare(b.peer)),
  };
}

/** FRR's `show ip route json` → the BGP routes and their next hops (installed = in the FIB). */
export function routesFrom(
  table: Obj,
  nodeOf: (ip: string) => string | undefined,
  serviceOf: (ip: string) => string | undefined,
): BgpRouterRoute[] {
  const routes: BgpRouterRoute[] = [];
  for (const [prefix, entries] of Object.entries(table as Record<string, Obj[]>)) {
    const bgp =
      (entries ?? []).find((e) => e.protocol === 'bgp' && e.selected !== false) ??
      (entries ?? []).find((e) => e.protocol === 'bgp');
    if (!bgp) continue;
    const ip = prefix.split('/')[0]!;
    const service = serviceOf(ip);
    routes.push({
      prefix,
      ...(service ? { service } : {}),
      nextHops: ((bgp.nexthops ?? []) as Obj[])
        .filter((hop) => typeof hop.ip === 'string')
        .map((hop) => {
          const node = nodeOf(hop.ip);
          return {
            ip: String(hop.ip),
            ...(node ? { node } : {}),
            installed: hop.fib === true || (bgp.installed === true && hop.active === true),
            ...(hop.interfaceName ? { interface: String(hop.interfaceName) } : {}),
          };
        })
        .sort((a, b) => a.ip.localeCompare(b.ip)),
    });
  }
  return routes.sort((a, b) => a.prefix.localeCompare(b.prefix));
}

/** Reads the router's sessions and routes now (two `docker exec … vtysh` calls). */
export async function measureRouter(
  docker: DockerRun,
  router: string,
  nodeOf: (ip: string) => string | undefined,
  serviceOf: (ip: string) => string | undefined = () => undefined,
  signal?: AbortSignal,
): Promise<BgpRouterMeasurement> {
  const measuredAt = new Date().toISOString();
  const vtysh = async (command: string): Promise<Obj> => {
    const result = await docker(['exec', router, 'vtysh', '-c', command], { ...(signal ? { signal } : {}) });
    return JSON.parse(result.stdout || '{}') as Obj;
  };
  try {
    const summary = await vtysh('show bgp summary json');
    const table = await vtysh('show ip route json');
    const groups = await vtysh('show bgp peer-group json').catch(() => ({}));
    const expected = Object.values(groups as Record<string, Obj>).find((g) => g.remoteAs !== undefined)?.remoteAs;
    const { asn: summaryAsn, sessions } = sessionsFrom(summary, nodeOf);
    // With no session at all FRR's summary is `{}`: its own AS is then read from its BGP table.
    const asn = summaryAsn ?? ((await vtysh('show ip bgp json').catch(() => ({}))) as Obj).localAS;
    return {
      router,
      measuredAt,
      running: true,
      ...(asn !== undefined ? { asn: Number(asn) } : {}),
      ...(expected !== undefined ? { expectedNodeASN: Number(expected) } : {}),
      sessions,
      routes: routesFrom(table, nodeOf, serviceOf),
    };
  } catch (error) {
    return {
      router,
      measuredAt,
      running: false,
      sessions: [],
      routes: [],
      problem: `the router ${router} could not be read: ${((error as Error).message ?? String(error)).split('\n')[0]}`,
    };
  }
}

export interface BgpViewDeps {
  /** `kubectl` and `docker` through the run policy. */
  run(tool: 'kubectl' | 'docker', args: string[], options: RunOptions): Promise<RunResult>;
  /** The node containers' addresses (Docker's view): a next hop or a session is named by the node that has its address. */
  nodeAddresses(cluster: string): Promise<{ name: string; ipv4?: string }[]>;
  /** The LoadBalancer IPs of the cluster's services (`namespace/name` by IP). */
  serviceIps(cluster: string): Promise<Map<string, string>>;
  /** Whether this machine has a route to a pool (an address in its Docker network); undefined when it cannot tell. */
  hostReaches?(poolCidr: string): boolean | undefined;
}

/**
 * `kindscope bgp`: the claim (the nodes' CiliumBGPNodeConfig status, `kubectl get`) and the
 * measurement (the router's vtysh JSON), read one after the other and returned side by side,
 * with the doctor's findings from both and from the cluster's BGP objects (bgp-doctor.ts).
 */
export async function readBgpView(cluster: string, deps: BgpViewDeps): Promise<BgpView> {
  const addresses = await deps.nodeAddresses(cluster);
  const byIp = new Map(addresses.filter((a) => a.ipv4).map((a) => [a.ipv4!, a.name]));
  const services = await deps.serviceIps(cluster).catch(() => new Map<string, string>());
  const listed = await deps.run(
    'kubectl',
    ['--context', `kind-${cluster}`, 'get', 'ciliumbgpnodeconfigs.cilium.io', '--output', 'json'],
    { allowFailure: true },
  );
  let items: Obj[] = [];
  if (listed.exitCode === 0) items = ((JSON.parse(listed.stdout || '{}') as Obj).items ?? []) as Obj[];
  const facts = await readBgpDoctorFacts(
    cluster,
    (tool, args, options) => deps.run(tool, args, options),
    [...byIp.keys()],
    deps.hostReaches,
  );
  const measured = await measureRouter(
    (args, options) => deps.run('docker', args, options),
    `${cluster}-router`,
    (ip) => byIp.get(ip),
    (ip) => services.get(ip),
  );
  const claimed = claimsFrom(items);
  const active = isBgpLab(facts);
  return {
    cluster,
    claimed,
    measured,
    findings: active ? [...bgpFindings(cluster, claimed, measured, facts), ...bgpConfigFindings(facts)] : [],
    active,
  };
}

/**
 * What is wrong with the sessions, read from the claim and the measurement side by side. A
 * session the node does not call established is explained by what the router measured: the AS
 * it runs (the nodes' `peerASN` must be it) and the AS it expects from the nodes (its
 * `remote-as`; the router refuses another with a NOTIFICATION, Bad Peer AS), and by Docker's
 * fact of the router's address (the nodes' `peerAddress` must be it).
 */
export function bgpFindings(
  cluster: string,
  claimed: BgpNodeClaim[],
  measured: BgpRouterMeasurement,
  facts?: Pick<BgpDoctorFacts, 'routerExists' | 'routerRunning' | 'routerAddress'>,
): BgpFinding[] {
  const findings: BgpFinding[] = [];
  const fixPeer = `kindscope fix --cluster ${cluster} --only bgp-peer`;
  if (!measured.running)
    findings.push(
      facts?.routerExists && !facts.routerRunning
        ? {
            code: 'bgp-router-not-running',
            message: `The router ${measured.router} is stopped (Docker): no node has a session, and nothing routes to the pool.`,
            fix: `docker start ${measured.router} (kindscope fix --cluster ${cluster} --only router).`,
            repair: 'router',
          }
        : {
            code: 'bgp-router-not-running',
            message: measured.problem ?? `The router ${measured.router} could not be read.`,
            fix:
              facts && !facts.routerExists
                ? `The router is gone: clean up the lab's create run and create it again (kindscope runs).`
                : `Start it: docker start ${measured.router} (or kindscope start --cluster ${cluster}).`,
          },
    );
  if (claimed.length === 0)
    findings.push({
      code: 'bgp-no-node-config',
      message:
        'No node has a CiliumBGPNodeConfig: the BGP control plane is off in the Cilium values, or no CiliumBGPClusterConfig selects a node.',
      fix: `Check bgpControlPlane.enabled (helm get values cilium -n kube-system --kube-context kind-${cluster}) and the cluster config's nodeSelector.`,
    });
  const clusterConfigFix = 'kubectl --context kind-' + cluster + ' edit ciliumbgpclusterconfigs';
  const routerSaw = (node: string) =>
    measured.sessions.some((s) => s.node === node && s.state === 'Established')
      ? 'the router measured an Established session from it'
      : 'the router measured no Established session from it';
  for (const node of claimed)
    for (const peer of node.peers) {
      if (peer.peeringState === 'established') continue;
      const claim = `${node.node}'s CiliumBGPNodeConfig claims its session to ${peer.peerAddress} is ${peer.peeringState ?? 'not established'}`;
      if (measured.asn !== undefined && peer.peerASN !== undefined && peer.peerASN !== measured.asn)
        findings.push({
          code: 'bgp-peer-asn-wrong',
          message:
            `${claim}: it expects the router to be AS ${peer.peerASN}, but the router runs AS ${measured.asn}` +
            `${measured.expectedNodeASN !== undefined ? ` (and expects AS ${measured.expectedNodeASN} from the nodes)` : ''}` +
            ` — measured at the router (vtysh); the node refuses the router's OPEN (Bad Peer AS), and ${routerSaw(node.node)}.`,
          fix: `Set spec.bgpInstances[].peers[].peerASN to ${measured.asn} in the CiliumBGPClusterConfig: ${fixPeer} (or ${clusterConfigFix}).`,
          repair: 'bgp-peer',
        });
      else if (
        measured.expectedNodeASN !== undefined &&
        node.localASN !== undefined &&
        node.localASN !== measured.expectedNodeASN
      )
        findings.push({
          code: 'bgp-local-asn-wrong',
          message: `${claim}: it speaks AS ${node.localASN}, but the router expects AS ${measured.expectedNodeASN} from the nodes (its remote-as, measured at the router; it answers another with a NOTIFICATION, Bad Peer AS), and ${routerSaw(node.node)}.`,
          fix: `Set spec.bgpInstances[].localASN to ${measured.expectedNodeASN} in the CiliumBGPClusterConfig: ${fixPeer} (or ${clusterConfigFix}).`,
          repair: 'bgp-peer',
        });
      else if (facts?.routerAddress && peer.peerAddress !== facts.routerAddress)
        findings.push({
          code: 'bgp-peer-address-wrong',
          message: `${claim}: it dials ${peer.peerAddress}, but the router's address on the nodes' network is ${facts.routerAddress} (Docker), and ${routerSaw(node.node)}.`,
          fix: `Set spec.bgpInstances[].peers[].peerAddress to ${facts.routerAddress} in the CiliumBGPClusterConfig: ${fixPeer} (or ${clusterConfigFix}).`,
          repair: 'bgp-peer',
        });
      else
        findings.push({
          code: 'bgp-session-down',
          message: `${claim}, and ${routerSaw(node.node)}.`,
          fix: `Check that ${peer.peerAddress} is the router's address on the kind network (docker inspect ${measured.router}) and that the router runs.`,
        });
    }
  return findings;
}
