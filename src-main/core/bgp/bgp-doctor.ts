/**
 * The doctor's BGP rules (issue 29, item 6) beyond the sessions themselves (bgp-view.ts): what
 * the cluster's objects and this machine say about whether the LoadBalancer IPs can be
 * announced and reached at all. Each reads facts gathered by `readBgpDoctorFacts` — objects
 * from the cluster's API (claims: what is configured) and Docker's and this machine's view
 * (facts: the router's address now, this machine's interfaces) — and words which is which.
 */
import ipaddr from 'ipaddr.js';
import type { BgpFinding, BgpRouterMeasurement } from '../../contract';
import { selectorMatches } from '../diagnose/selector';
import type { LabelSelector } from '../kube/kube-types';
import type { RunOptions, RunResult } from '../tools/run-tool';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The name renderBgp gives the router's peer in the cluster config: the peer Kindscope wrote, the one `fix` may change. */
export const kindscopePeerName = 'router';

export interface BgpDoctorFacts {
  cluster: string;
  /** Docker: a container `<cluster>-router` exists (running or not), and its IPv4 on the nodes' network. */
  routerExists: boolean;
  routerRunning: boolean;
  routerAddress?: string;
  /** The nodes' Docker network's IPv4 subnet (where the router is), as Docker reports it. */
  kindSubnet?: string;
  /** `cilium-config` (the release's values as the agents read them); undefined when it could not be read. */
  ciliumConfig?: Record<string, string>;
  clusterConfigs: Obj[];
  peerConfigs: Obj[];
  /** The router's configured timers for the nodes (its running configuration, read with vtysh). */
  routerTimers?: { keepAliveSeconds: number; holdSeconds: number };
  advertisements: Obj[];
  nodes: Obj[];
  services: Obj[];
  endpointSlices: Obj[];
  pools: Obj[];
  /** Whether this machine has an address in the pool's Docker network (on-link route): undefined when it cannot tell (engine in a VM). */
  hostReaches?(poolCidr: string): boolean | undefined;
}

const labelsOf = (o: Obj): Record<string, string> => (o.metadata?.labels ?? {}) as Record<string, string>;
const lbServices = (facts: BgpDoctorFacts) => facts.services.filter((s) => s.spec?.type === 'LoadBalancer');
const serviceName = (s: Obj) => `${s.metadata?.namespace ?? 'default'}/${s.metadata?.name}`;

/** The pool's blocks as CIDRs (v2 `blocks[].cidr`, v2alpha1 `cidrs[].cidr`). */
export function poolCidrs(pool: Obj): string[] {
  return [...((pool.spec?.blocks ?? []) as Obj[]), ...((pool.spec?.cidrs ?? []) as Obj[])]
    .map((b) => b.cidr)
    .filter((c): c is string => typeof c === 'string');
}

function overlaps(a: string, b: string): boolean {
  try {
    const [aa, ab] = ipaddr.parseCIDR(a);
    const [ba, bb] = ipaddr.parseCIDR(b);
    if (aa.kind() !== ba.kind()) return false;
    return ab <= bb ? ba.match(aa, ab) : aa.match(ba, bb);
  } catch {
    return false;
  }
}

/** Nodes that some cluster config's nodeSelector selects (an absent selector selects every node). */
export function selectedNodes(facts: Pick<BgpDoctorFacts, 'clusterConfigs' | 'nodes'>): string[] {
  return facts.nodes
    .filter((n) =>
      facts.clusterConfigs.some((c) => selectorMatches(c.spec?.nodeSelector as LabelSelector | undefined, labelsOf(n))),
    )
    .map((n) => String(n.metadata?.name));
}

/** Advertisements of LoadBalancer IPs (`advertisementType: Service` with `LoadBalancerIP` among its addresses). */
function lbAdvertisements(facts: BgpDoctorFacts): { name: string; selector?: LabelSelector }[] {
  return facts.advertisements.flatMap((a) =>
    ((a.spec?.advertisements ?? []) as Obj[])
      .filter(
        (entry) =>
          entry.advertisementType === 'Service' &&
          ((entry.service?.addresses ?? []) as string[]).includes('LoadBalancerIP'),
      )
      .map((entry) => ({ name: String(a.metadata?.name), selector: entry.selector as LabelSelector | undefined })),
  );
}

/** The nodes with a ready endpoint of a service (EndpointSlices' `nodeName`). */
function endpointNodes(service: Obj, slices: Obj[]): string[] {
  const nodes = slices
    .filter(
      (s) =>
        s.metadata?.namespace === (service.metadata?.namespace ?? 'default') &&
        s.metadata?.labels?.['kubernetes.io/service-name'] === service.metadata?.name,
    )
    .flatMap((s) => (s.endpoints ?? []) as Obj[])
    .filter((e) => e.conditions?.ready !== false && typeof e.nodeName === 'string')
    .map((e) => String(e.nodeName));
  return [...new Set(nodes)].sort();
}

/** The rules about the cluster's BGP objects, the pool and this machine's route to it. */
export function bgpConfigFindings(facts: BgpDoctorFacts): BgpFinding[] {
  const findings: BgpFinding[] = [];
  const context = `kind-${facts.cluster}`;
  const config = facts.ciliumConfig;
  // The chart writes enable-bgp-control-plane from bgpControlPlane.enabled (cilium-configmap.yaml).
  if (config && config['enable-bgp-control-plane'] !== 'true')
    findings.push({
      code: 'bgp-control-plane-disabled',
      message:
        `The Cilium release's values have the BGP control plane off (cilium-config enable-bgp-control-plane: ${config['enable-bgp-control-plane'] ?? 'not set'}): ` +
        'no agent runs a BGP speaker, so no node peers with the router.',
      fix: `helm upgrade cilium cilium/cilium -n kube-system --kube-context ${context} --reuse-values --set bgpControlPlane.enabled=true --set rollOutCiliumPods=true`,
    });
  const selected = selectedNodes(facts);
  if (facts.clusterConfigs.length === 0)
    findings.push({
      code: 'bgp-no-cluster-config',
      message: 'No CiliumBGPClusterConfig exists: no node is told to peer with the router.',
      fix: `Apply the cluster config of the lab's plan (kindscope plan --announce bgp shows it): kubectl --context ${context} apply -f bgp.yaml`,
    });
  else if (facts.nodes.length > 0 && selected.length === 0)
    findings.push({
      code: 'bgp-no-node-selected',
      message: `No CiliumBGPClusterConfig's nodeSelector selects a node (${facts.clusterConfigs.map((c) => c.metadata?.name).join(', ')}): no node runs a BGP session.`,
      fix: `Loosen spec.nodeSelector (kind workers carry no role label): kubectl --context ${context} edit ciliumbgpclusterconfigs`,
    });
  const services = lbServices(facts);
  const advertised = lbAdvertisements(facts);
  if (advertised.length === 0)
    findings.push({
      code: 'bgp-no-advertisement',
      message:
        'No CiliumBGPAdvertisement advertises LoadBalancer IPs (advertisementType: Service with addresses: [LoadBalancerIP]): the sessions carry no route to them.',
      fix: `Apply the advertisement of the lab's plan, or add one: kubectl --context ${context} apply -f bgp.yaml`,
    });
  else if (services.length > 0)
    for (const ad of advertised)
      // "If not specified, no objects of the type … are selected" (the CRD's description of selector).
      if (!services.some((s) => ad.selector && selectorMatches(ad.selector, labelsOf(s))))
        findings.push({
          code: 'bgp-advertisement-selects-no-service',
          message: `The advertisement ${ad.name}'s service selector matches no LoadBalancer service (${services.map(serviceName).join(', ')})${ad.selector ? '' : ': it has none, and an absent selector selects nothing'}.`,
          fix: `Give spec.advertisements[].selector a match for the services' labels (kubectl --context ${context} edit ciliumbgpadvertisement ${ad.name})`,
        });
  for (const service of services) {
    if (service.spec?.externalTrafficPolicy !== 'Local') continue;
    // With Local, Cilium advertises the IP only from nodes with a local endpoint (docs, "Service announcements").
    const withEndpoints = endpointNodes(service, facts.endpointSlices).filter((n) => selected.includes(n));
    if (withEndpoints.length === 0)
      findings.push({
        code: 'bgp-etp-local-no-endpoints',
        message: `${serviceName(service)} has externalTrafficPolicy: Local, and no BGP-speaking node (${selected.join(', ') || 'none'}) has a ready endpoint of it: no node advertises its IP, so the router has no route to it.`,
        fix: `Schedule a ready pod of it on a BGP-speaking node, or set externalTrafficPolicy: Cluster (kubectl --context ${context} -n ${service.metadata?.namespace ?? 'default'} edit service ${service.metadata?.name})`,
      });
  }
  findings.push(...timerFindings(facts));
  for (const pool of facts.pools)
    for (const cidr of poolCidrs(pool)) {
      if (facts.kindSubnet && overlaps(cidr, facts.kindSubnet))
        findings.push({
          code: 'bgp-pool-in-kind-subnet',
          message: `The pool ${pool.metadata?.name} (${cidr}) lies inside the kind network ${facts.kindSubnet}: in BGP mode no node answers ARP on the bridge, so this machine asks the bridge for those addresses and nobody answers.`,
          fix: `Give the pool a block outside ${facts.kindSubnet} (kindscope plan --announce bgp carves one): kubectl --context ${context} edit ciliumloadbalancerippool ${pool.metadata?.name}`,
        });
      // With the router stopped the pool's bridge has no running port, so no carrier, and this machine's
      // interface list leaves its address out: the stopped router is the cause then (its own finding).
      else if (facts.routerRunning && facts.hostReaches?.(cidr) === false)
        findings.push({
          code: 'bgp-no-host-route',
          message: `This machine has no address in the pool's network for ${cidr} (the ${facts.cluster}-lb Docker network the router answers on): no route leads to the pool.`,
          fix: `Connect the pool's network again (docker network ls --filter name=${facts.cluster}-lb); if it is gone, clean up and create the lab again.`,
        });
    }
  return findings;
}

/**
 * The peer configs the cluster configs' peers use, against the router's configured timers. BGP
 * takes the lower hold time of the two OPENs (RFC 4271 §4.2), so a mismatch does not stop the
 * session but changes when a dead node is noticed: not after the time the peer config says.
 * Absent timers are the CRD's defaults (hold 90 s, keepalive 30 s).
 */
function timerFindings(facts: BgpDoctorFacts): BgpFinding[] {
  const router = facts.routerTimers;
  if (!router) return [];
  const used = new Set(
    facts.clusterConfigs.flatMap((c) =>
      ((c.spec?.bgpInstances ?? []) as Obj[]).flatMap((i) =>
        ((i.peers ?? []) as Obj[]).map((p) => p.peerConfigRef?.name as string | undefined),
      ),
    ),
  );
  return facts.peerConfigs
    .filter((p) => used.has(p.metadata?.name))
    .flatMap((p) => {
      const hold = Number(p.spec?.timers?.holdTimeSeconds ?? 90);
      const keepAlive = Number(p.spec?.timers?.keepAliveTimeSeconds ?? 30);
      if (hold === router.holdSeconds && keepAlive === router.keepAliveSeconds) return [];
      const name = String(p.metadata?.name);
      return [
        {
          code: 'bgp-timers-mismatch',
          message:
            `The CiliumBGPPeerConfig ${name} sets hold ${hold} s / keepalive ${keepAlive} s (configured), but the router is configured for ` +
            `hold ${router.holdSeconds} s / keepalive ${router.keepAliveSeconds} s (its running configuration, read with vtysh): ` +
            `the sessions use the lower hold time (RFC 4271 §4.2), ${Math.min(hold, router.holdSeconds)} s, so a dead node is withdrawn after that, not after the time one side says.`,
          fix: `Set spec.timers of ${name} to the router's (holdTimeSeconds: ${router.holdSeconds}, keepAliveTimeSeconds: ${router.keepAliveSeconds}): kubectl --context kind-${facts.cluster} edit ciliumbgppeerconfig ${name}`,
        },
      ];
    });
}

/** The router's configured keepalive and hold for its neighbours (`neighbor X timers K H` in FRR's running configuration). */
export function routerTimersFrom(runningConfig: string): { keepAliveSeconds: number; holdSeconds: number } | undefined {
  const match = /^\s*neighbor \S+ timers (\d+) (\d+)\s*$/m.exec(runningConfig);
  return match ? { keepAliveSeconds: Number(match[1]), holdSeconds: Number(match[2]) } : undefined;
}

/** One JSON patch op on a cluster config, with what it repairs in words. */
export interface PeerPatch {
  config: string;
  op: { op: 'replace'; path: string; value: string | number };
  what: string;
}

/**
 * What `fix` changes in the cluster configs to make the sessions come up, read from the router
 * (measured: the AS it runs, the AS it expects from the nodes) and Docker (its address now).
 * Only the peer Kindscope wrote (named `router`) and the instance holding it: a peer the user
 * added is never changed.
 */
export function peerPatches(
  clusterConfigs: Obj[],
  measured: Pick<BgpRouterMeasurement, 'asn' | 'expectedNodeASN'>,
  routerAddress: string | undefined,
): PeerPatch[] {
  const patches: PeerPatch[] = [];
  for (const config of clusterConfigs) {
    const name = String(config.metadata?.name);
    ((config.spec?.bgpInstances ?? []) as Obj[]).forEach((instance, i) => {
      const peers = (instance.peers ?? []) as Obj[];
      if (!peers.some((p) => p.name === kindscopePeerName)) return;
      if (measured.expectedNodeASN !== undefined && Number(instance.localASN) !== measured.expectedNodeASN)
        patches.push({
          config: name,
          op: { op: 'replace', path: `/spec/bgpInstances/${i}/localASN`, value: measured.expectedNodeASN },
          what: `localASN ${instance.localASN} → ${measured.expectedNodeASN} (the AS the router expects from the nodes)`,
        });
      peers.forEach((peer, j) => {
        if (peer.name !== kindscopePeerName) return;
        if (measured.asn !== undefined && Number(peer.peerASN) !== measured.asn)
          patches.push({
            config: name,
            op: { op: 'replace', path: `/spec/bgpInstances/${i}/peers/${j}/peerASN`, value: measured.asn },
            what: `peerASN ${peer.peerASN} → ${measured.asn} (the AS the router runs)`,
          });
        if (routerAddress && peer.peerAddress !== routerAddress)
          patches.push({
            config: name,
            op: { op: 'replace', path: `/spec/bgpInstances/${i}/peers/${j}/peerAddress`, value: routerAddress },
            what: `peerAddress ${peer.peerAddress} → ${routerAddress} (the router's address on the nodes' network now)`,
          });
      });
    });
  }
  return patches;
}

export type ToolRun = (tool: 'kubectl' | 'docker', args: string[], options: RunOptions) => Promise<RunResult>;

/** `kubectl get <resource> -o json`'s items, or undefined when it cannot be listed (a CRD not served). */
async function list(run: ToolRun, cluster: string, resource: string, all = false): Promise<Obj[] | undefined> {
  const result = await run(
    'kubectl',
    ['--context', `kind-${cluster}`, 'get', resource, ...(all ? ['--all-namespaces'] : []), '--output', 'json'],
    { allowFailure: true },
  );
  if (result.exitCode !== 0) return undefined;
  try {
    return ((JSON.parse(result.stdout || '{}') as Obj).items ?? []) as Obj[];
  } catch {
    return undefined;
  }
}

/** The router as Docker sees it: whether it exists and runs, and its IPv4 and subnet on the nodes' network. */
export async function inspectRouter(
  run: ToolRun,
  router: string,
  nodeIps: string[],
): Promise<{ exists: boolean; running: boolean; address?: string; subnet?: string }> {
  const result = await run(
    'docker',
    ['inspect', '--format', '{{json .State.Running}} {{json .NetworkSettings.Networks}}', router],
    { allowFailure: true },
  );
  if (result.exitCode !== 0) return { exists: false, running: false };
  const [running, networksJson] = [
    result.stdout.slice(0, result.stdout.indexOf(' ')),
    result.stdout.slice(result.stdout.indexOf(' ') + 1),
  ];
  let networks: Record<string, { IPAddress?: string; IPPrefixLen?: number }> = {};
  try {
    networks = JSON.parse(networksJson || '{}') as typeof networks;
  } catch {
    networks = {};
  }
  for (const n of Object.values(networks)) {
    if (!n.IPAddress || !n.IPPrefixLen) continue;
    const subnet = `${ipaddr.IPv4.networkAddressFromCIDR(`${n.IPAddress}/${n.IPPrefixLen}`).toString()}/${n.IPPrefixLen}`;
    // The nodes' network is the one a node's address is in (the router is on the pool's network too).
    if (nodeIps.some((ip) => overlaps(`${ip}/32`, subnet)))
      return { exists: true, running: running.trim() === 'true', address: n.IPAddress, subnet };
  }
  return { exists: true, running: running.trim() === 'true' };
}

/** Reads the facts the rules need: the cluster's objects (one kubectl call each), the router from Docker. */
export async function readBgpDoctorFacts(
  cluster: string,
  run: ToolRun,
  nodeIps: string[],
  hostReaches?: (cidr: string) => boolean | undefined,
): Promise<BgpDoctorFacts> {
  const [
    router,
    configMaps,
    clusterConfigs,
    advertisements,
    nodes,
    services,
    endpointSlices,
    pools,
    peerConfigs,
    running,
  ] = await Promise.all([
    inspectRouter(run, `${cluster}-router`, nodeIps),
    run(
      'kubectl',
      ['--context', `kind-${cluster}`, '-n', 'kube-system', 'get', 'configmap', 'cilium-config', '--output', 'json'],
      { allowFailure: true },
    ),
    list(run, cluster, 'ciliumbgpclusterconfigs.cilium.io'),
    list(run, cluster, 'ciliumbgpadvertisements.cilium.io'),
    list(run, cluster, 'nodes'),
    list(run, cluster, 'services', true),
    list(run, cluster, 'endpointslices.discovery.k8s.io', true),
    list(run, cluster, 'ciliumloadbalancerippools.cilium.io'),
    list(run, cluster, 'ciliumbgppeerconfigs.cilium.io'),
    run('docker', ['exec', `${cluster}-router`, 'vtysh', '-c', 'show running-config'], { allowFailure: true }),
  ]);
  const routerTimers = running.exitCode === 0 ? routerTimersFrom(running.stdout) : undefined;
  let ciliumConfig: Record<string, string> | undefined;
  if (configMaps.exitCode === 0)
    try {
      ciliumConfig = ((JSON.parse(configMaps.stdout) as Obj).data ?? {}) as Record<string, string>;
    } catch {
      ciliumConfig = undefined;
    }
  return {
    cluster,
    routerExists: router.exists,
    routerRunning: router.running,
    ...(router.address ? { routerAddress: router.address } : {}),
    ...(router.subnet ? { kindSubnet: router.subnet } : {}),
    ...(ciliumConfig ? { ciliumConfig } : {}),
    clusterConfigs: clusterConfigs ?? [],
    peerConfigs: peerConfigs ?? [],
    ...(routerTimers ? { routerTimers } : {}),
    advertisements: advertisements ?? [],
    nodes: nodes ?? [],
    services: services ?? [],
    endpointSlices: endpointSlices ?? [],
    pools: pools ?? [],
    ...(hostReaches ? { hostReaches } : {}),
  };
}

/** A BGP lab: Kindscope's router beside it, or BGP objects in it (an L2 lab has neither). */
export const isBgpLab = (facts: BgpDoctorFacts) =>
  facts.routerExists || facts.clusterConfigs.length > 0 || facts.ciliumConfig?.['enable-bgp-control-plane'] === 'true';
