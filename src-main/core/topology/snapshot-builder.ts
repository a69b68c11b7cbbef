import type Docker from 'dockerode';
import { KindscopeError, type ClusterTopology, type TopologyNetwork } from '../../contract';
import { mapBounded } from '../docker/docker-exec';
import { bridgeNameOf, parseIpLink, type IpLink } from '../net';
import { clusterLabel, roleLabel } from './cluster-list';
import { hostSide } from './host-side';
import type { HostViewReader } from './host-view';
import type { NetnsReader } from './netns-reader';
import { outputsFromReading, readNodeNetworking, roleOrder, toTopologyNode } from './node-view';
import { explainNodeRoutes } from './route-meaning';
import { readRouter, toTopologyRouter } from './router-view';

/** Where a snapshot reads from: one engine, and the readers made for it. */
export interface SnapshotSources {
  docker: Docker;
  netns: NetnsReader;
  hostView: HostViewReader;
  /** Node execs and inspects in flight at once. */
  concurrency: number;
  /** Ends every read of the snapshot at once (the app is closing): requests, execs and `ip` runs. */
  signal?: AbortSignal;
}

/**
 * The full picture of one kind cluster now: its Docker networks and their bridges, each
 * node's veth pair, addresses and routes (with what each route means), and the host's side.
 * Node namespaces are read in one exec through the netns helper, or one exec per node where
 * the helper cannot run. Throws CLUSTER_NOT_FOUND when no container carries the name.
 */
export async function buildSnapshot(sources: SnapshotSources, name: string): Promise<ClusterTopology> {
  const { docker, concurrency, signal } = sources;
  const abortSignal = signal ? { abortSignal: signal } : {};
  const started = performance.now();
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${clusterLabel}=${name}`] },
    ...abortSignal,
  });
  if (containers.length === 0)
    throw new KindscopeError(
      'CLUSTER_NOT_FOUND',
      `No kind cluster named "${name}" on this Docker engine`,
      'List the clusters with `kindscope topology` or `kind get clusters`; check that Kindscope uses the same engine as kind (`kindscope docker`).',
    );
  // BGP mode: the router and the pool's network (none in L2 mode), read beside the nodes.
  const routerRead = readRouter(docker, name, signal).catch(() => undefined);
  const inspected = await mapBounded(containers, concurrency, (c) => docker.getContainer(c.Id).inspect(abortSignal));
  const router = await routerRead;
  const poolNetwork = router?.poolNetwork ? toTopologyNetwork(router.poolNetwork) : undefined;
  const networkNames = [...new Set(inspected.flatMap((info) => Object.keys(info.NetworkSettings.Networks ?? {})))];
  const running = inspected.filter((info) => info.State.Running);
  // The cluster's own node image has iproute2 and nsenter: the helpers are made from it.
  const helperImage = running[0]?.Config.Image ?? inspected[0]?.Config.Image;
  const [networkInfos, reading] = await Promise.all([
    Promise.all(networkNames.map((network) => inspectNetwork(docker, network, signal).catch(() => undefined))),
    helperImage && running.length > 0
      ? sources.netns.read(
          helperImage,
          running.map((info) => info.State.Pid),
          signal,
        )
      : Promise.resolve(undefined),
  ]);
  const nodeOutputs = reading
    ? outputsFromReading(reading, inspected)
    : await mapBounded(inspected, concurrency, (info) => readNodeNetworking(docker, info, signal));
  signal?.throwIfAborted();
  const networks = networkInfos.filter((info) => info !== undefined).map(toTopologyNetwork);
  const host = await sources.hostView.read(
    [...networks, ...(poolNetwork ? [poolNetwork] : [])].map((n) => n.bridge.name).filter(Boolean),
    helperImage,
    reading ? parseIpLink(reading.engineLinks).items : undefined,
    signal,
  );
  signal?.throwIfAborted();
  attachBridges([...networks, ...(poolNetwork ? [poolNetwork] : [])], host.links);
  const nodes = inspected.map((info, index) => toTopologyNode(info, nodeOutputs[index], networks, host.links));
  explainNodeRoutes(nodes, networks);

  const apiPort = inspected.find((info) => info.Config.Labels?.[roleLabel] === 'control-plane')?.NetworkSettings
    .Ports?.['6443/tcp']?.[0];
  return {
    name,
    ...(apiPort ? { apiServer: { address: apiPort.HostIp || '127.0.0.1', port: Number(apiPort.HostPort) } } : {}),
    observedFrom: host.observedFrom,
    networks,
    nodes: nodes.sort((a, b) => roleOrder(a.role) - roleOrder(b.role) || a.name.localeCompare(b.name)),
    ...(router ? { router: toTopologyRouter(router.info, poolNetwork, host) } : {}),
    host: hostSide(host, networks),
    problems: host.problems,
    generatedAt: new Date().toISOString(),
    tookMs: Math.round(performance.now() - started),
  };
}

/** A Docker network as the topology shows it; its bridge is filled in once the host's links are read. */
export function toTopologyNetwork(info: Docker.NetworkInspectInfo): TopologyNetwork {
  const options = (info.Options ?? {}) as Record<string, string>;
  const mtu = Number(options['com.docker.network.driver.mtu']);
  return {
    name: info.Name,
    id: info.Id,
    driver: info.Driver,
    subnets: (info.IPAM?.Config ?? [])
      .filter((c) => c.Subnet)
      .map((c) => ({
        subnet: c.Subnet!,
        family: c.Subnet!.includes(':') ? (6 as const) : (4 as const),
        ...(c.Gateway ? { gateway: c.Gateway } : {}),
      })),
    ...(Number.isFinite(mtu) && mtu > 0 ? { mtu } : {}),
    bridge: { name: bridgeNameOf(info) ?? '', present: false, addresses: [] },
  };
}

/** dockerode's typings leave out the options a network's inspect takes (its `abortSignal`). */
function inspectNetwork(docker: Docker, name: string, signal: AbortSignal | undefined) {
  const network = docker.getNetwork(name) as {
    inspect(options: { abortSignal?: AbortSignal }): Promise<Docker.NetworkInspectInfo>;
  };
  return network.inspect(signal ? { abortSignal: signal } : {});
}

/** Each network's bridge as found among the links of the namespace it lives in. */
function attachBridges(networks: TopologyNetwork[], links: IpLink[]): void {
  for (const network of networks) {
    const bridge = links.find((link) => link.ifname === network.bridge.name);
    if (bridge)
      network.bridge = {
        name: bridge.ifname,
        present: true,
        ...(bridge.state ? { state: bridge.state } : {}),
        ...(bridge.mtu ? { mtu: bridge.mtu } : {}),
        ...(bridge.mac ? { mac: bridge.mac } : {}),
        addresses: bridge.addresses.map((a) => `${a.local}/${a.prefixlen}`),
      };
  }
}
