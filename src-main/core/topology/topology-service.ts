import type Docker from 'dockerode';
import {
  KindscopeError,
  type ClusterTopology,
  type HostRoute,
  type KindClusterSummary,
  type TopologyNetwork,
  type TopologyNode,
} from '../../contract';
import { execInContainer, mapBounded } from '../docker/docker-exec';
import type { DockerEngineService } from '../docker/docker-engine-service';
import type { DockerEvent } from '../docker/docker-event-stream';
import {
  bridgeNameOf,
  cidrContains,
  explainNetstatRoute,
  explainRoute,
  isDockerMacNetConnectRoute,
  parseIpLink,
  parseIpRoute,
  type IpLink,
  type RouteContext,
} from '../net';
import type { Logger } from '../util/logger';
import { HostViewReader, type HostView } from './host-view';
import { NetnsReader } from './netns-reader';
import { RouteSettler } from './route-settler';

export const clusterLabel = 'io.x-k8s.kind.cluster';

/** Container events that change the data path (not exec_*, attach, resize, top, …). */
const topologyActions = new Set([
  'create',
  'start',
  'restart',
  'die',
  'stop',
  'kill',
  'pause',
  'unpause',
  'destroy',
  'rename',
  'update',
  'oom',
]);
export const roleLabel = 'io.x-k8s.kind.role';

/**
 * A node's addresses and routes: `ip -j` (iproute2 in kind's Debian nodes), the text form
 * when JSON is not supported. Run without a shell: no shell is assumed in the node.
 */
async function readNodeNetworking(
  docker: Docker,
  containerId: string,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const read = async (object: 'addr' | 'route') => {
    const json = await execInContainer(docker, containerId, ['ip', '-j', object, 'show']);
    return json.exitCode === 0 ? json : execInContainer(docker, containerId, ['ip', object, 'show']);
  };
  const [addr, route] = await Promise.all([read('addr'), read('route')]);
  return {
    exitCode: addr.exitCode || route.exitCode,
    stdout: `${addr.stdout}@@KINDSCOPE@@${route.stdout}`,
    stderr: `${addr.stderr}${route.stderr}`,
  };
}

export interface TopologyServiceOptions {
  engine: DockerEngineService;
  log: Logger;
  /** Node execs and inspects in flight at once. */
  concurrency?: number;
  /** Events within this window cause one refresh per cluster (ms). */
  coalesceMs?: number;
  hostView?: HostViewReader;
}

type Listener = (topology: ClusterTopology) => void;

/**
 * Joins Docker and the host into one picture per kind cluster: the network and its
 * bridge, each node's veth pair, addresses and routes (with what each route means), and
 * the host's routes to the Docker subnets. Clusters are found from Docker labels, so
 * clusters made outside Kindscope appear too. Live: engine events refresh the affected
 * cluster (coalesced), a reconnect refreshes all followed clusters; nothing polls.
 */
export class TopologyService {
  private readonly followed = new Map<string, ClusterTopology | undefined>();
  private readonly containerCluster = new Map<string, string>();
  private readonly listeners = new Set<Listener>();
  private readonly clusterListeners = new Set<(clusters: KindClusterSummary[]) => void>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** When a Docker event last patched a followed cluster's model (performance.now()). */
  private readonly patchedAt = new Map<string, number>();
  private clustersTimer: NodeJS.Timeout | undefined;
  private hostView: HostViewReader;
  private netns: NetnsReader;
  private readonly disposers: (() => void)[] = [];
  private readonly settler = new RouteSettler({
    snapshot: (name) => this.snapshot(name),
    publish: (topology) => this.publishRead(topology),
  });

  constructor(private readonly options: TopologyServiceOptions) {
    this.hostView = options.hostView ?? new HostViewReader(options.engine.docker, options.log);
    this.netns = new NetnsReader(options.engine.docker, options.log);
    this.disposers.push(
      options.engine.onDidReceiveEvent((event) => this.handleEvent(event)),
      options.engine.onDidReconnect(() => {
        for (const name of this.followed.keys()) this.schedule(name);
        this.scheduleClusters();
      }),
      // Another engine: the helper lives on the old one (removed there), readers start afresh.
      options.engine.onDidRetarget(() => {
        void this.netns.dispose();
        this.netns = new NetnsReader(options.engine.docker, options.log);
        if (!options.hostView) this.hostView = new HostViewReader(options.engine.docker, options.log);
        this.containerCluster.clear();
      }),
    );
  }

  private get docker(): Docker {
    return this.options.engine.docker;
  }

  /** Kind clusters on this engine, from container labels. */
  async listClusters(): Promise<KindClusterSummary[]> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: [clusterLabel] } });
    const byName = new Map<string, KindClusterSummary>();
    for (const container of containers) {
      const name = container.Labels[clusterLabel]!;
      const summary = byName.get(name) ?? { name, nodes: 0, running: 0, networks: [] };
      summary.nodes += 1;
      if (container.State === 'running') summary.running += 1;
      for (const network of Object.keys(container.NetworkSettings?.Networks ?? {}))
        if (!summary.networks.includes(network)) summary.networks.push(network);
      const api = container.Ports?.find((p) => p.PrivatePort === 6443 && p.PublicPort);
      if (api && container.Labels[roleLabel] === 'control-plane')
        summary.apiServer = { address: api.IP || '127.0.0.1', port: api.PublicPort };
      // Docker lists the image ID instead of the name once the tag points elsewhere (a re-pulled node image).
      if (container.Labels[roleLabel] === 'control-plane' && container.Image && !container.Image.startsWith('sha256:'))
        summary.image = container.Image;
      byName.set(name, summary);
    }
    return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The full picture of one cluster now; the cluster is followed from then on. */
  async snapshot(name: string): Promise<ClusterTopology> {
    const started = performance.now();
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${clusterLabel}=${name}`] } });
    if (containers.length === 0) {
      this.followed.delete(name);
      throw new KindscopeError(
        'CLUSTER_NOT_FOUND',
        `No kind cluster named "${name}" on this Docker engine`,
        'List the clusters with `kindscope topology` or `kind get clusters`; check that Kindscope uses the same engine as kind (`kindscope docker`).',
      );
    }
    const concurrency = this.options.concurrency ?? 8;
    const inspected = await mapBounded(containers, concurrency, (c) => this.docker.getContainer(c.Id).inspect());
    for (const info of inspected) this.containerCluster.set(info.Id, name);
    const networkNames = [...new Set(inspected.flatMap((info) => Object.keys(info.NetworkSettings.Networks ?? {})))];
    const helperImage = inspected.find((info) => info.State.Running)?.Config.Image ?? inspected[0]?.Config.Image;
    const running = inspected.filter((info) => info.State.Running);
    const [networkInfos, reading] = await Promise.all([
      Promise.all(
        networkNames.map((network) =>
          this.docker
            .getNetwork(network)
            .inspect()
            .catch(() => undefined),
        ),
      ),
      helperImage && running.length > 0
        ? this.netns.read(
            helperImage,
            running.map((info) => info.State.Pid),
          )
        : Promise.resolve(undefined),
    ]);
    const nodeOutputs = reading
      ? inspected.map((info) => {
          const node = reading.nodes.get(info.State.Pid);
          return node
            ? {
                exitCode: node.addr && node.route ? 0 : 1,
                stdout: `${node.addr}@@KINDSCOPE@@${node.route}`,
                stderr: node.addr ? '' : 'no output from the node namespace',
              }
            : undefined;
        })
      : await mapBounded(inspected, concurrency, async (info) => {
          if (!info.State.Running) return undefined;
          try {
            return await readNodeNetworking(this.docker, info.Id);
          } catch (error) {
            return { exitCode: -1, stdout: '', stderr: (error as Error).message };
          }
        });
    const networks: TopologyNetwork[] = [];
    for (const info of networkInfos) {
      if (!info) continue;
      const options = (info.Options ?? {}) as Record<string, string>;
      const mtu = Number(options['com.docker.network.driver.mtu']);
      networks.push({
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
      });
    }
    const host = await this.hostView.read(
      networks.map((n) => n.bridge.name).filter(Boolean),
      helperImage,
      reading ? parseIpLink(reading.engineLinks).items : undefined,
    );
    for (const network of networks) {
      const bridge = host.links.find((link) => link.ifname === network.bridge.name);
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

    const nodes: TopologyNode[] = inspected.map((info, index) => {
      const output = nodeOutputs[index];
      const [addrText = '', routeText = ''] = (output?.stdout ?? '').split('@@KINDSCOPE@@');
      const links = parseIpLink(addrText);
      const routes = parseIpRoute(routeText);
      const [networkName, endpoint] = Object.entries(info.NetworkSettings.Networks ?? {})[0] ?? [];
      const eth0 = links.items.find((link) => link.ifname === 'eth0');
      const veth =
        eth0?.peerIfindex !== undefined
          ? host.links.find((link) => link.ifindex === eth0.peerIfindex && link.ifname.startsWith('veth'))
          : undefined;
      const bridge = networks.find((n) => n.name === networkName)?.bridge.name;
      const problem = !info.State.Running
        ? stoppedProblem(info.State.Status)
        : output && output.exitCode !== 0
          ? `Reading the node's interfaces failed: ${output.stderr.trim().split('\n').at(-1)}`
          : undefined;
      return {
        name: info.Name.replace(/^\//, ''),
        containerId: info.Id,
        role: info.Config.Labels?.[roleLabel] ?? 'unknown',
        state: info.State.Status,
        running: info.State.Running,
        hostname: info.Config.Hostname,
        image: info.Config.Image,
        ...(networkName ? { network: networkName } : {}),
        ...(endpoint?.IPAddress ? { ipv4: endpoint.IPAddress } : {}),
        ...(endpoint?.GlobalIPv6Address ? { ipv6: endpoint.GlobalIPv6Address } : {}),
        ...(endpoint?.MacAddress ? { mac: endpoint.MacAddress } : {}),
        ...(eth0
          ? {
              eth0: {
                ifindex: eth0.ifindex,
                ...(eth0.peerIfindex !== undefined ? { peerIfindex: eth0.peerIfindex } : {}),
                ...(eth0.mtu ? { mtu: eth0.mtu } : {}),
                ...(eth0.mac ? { mac: eth0.mac } : {}),
              },
            }
          : {}),
        ...(veth
          ? {
              veth: {
                ifname: veth.ifname,
                ifindex: veth.ifindex,
                ...(veth.master ? { master: veth.master } : {}),
                ...(veth.state ? { state: veth.state } : {}),
                ...(veth.mtu ? { mtu: veth.mtu } : {}),
                onBridge: veth.master === bridge,
              },
            }
          : {}),
        interfaces: links.items.map(toInterface),
        routes: routes.items.map((route) => ({ ...route, explanation: '' })),
        unparsed: [...links.unparsed, ...routes.unparsed],
        ...(problem ? { problem } : {}),
      };
    });
    explainNodeRoutes(nodes, networks);

    const apiPort = inspected.find((info) => info.Config.Labels?.[roleLabel] === 'control-plane')?.NetworkSettings
      .Ports?.['6443/tcp']?.[0];
    const topology: ClusterTopology = {
      name,
      ...(apiPort ? { apiServer: { address: apiPort.HostIp || '127.0.0.1', port: Number(apiPort.HostPort) } } : {}),
      observedFrom: host.observedFrom,
      networks,
      nodes: nodes.sort((a, b) => roleOrder(a.role) - roleOrder(b.role) || a.name.localeCompare(b.name)),
      host: hostSide(host, networks),
      problems: host.problems,
      generatedAt: new Date().toISOString(),
      tookMs: Math.round(performance.now() - started),
    };
    // A node's state patched from a Docker event after this read began is newer than the read.
    if (!((this.patchedAt.get(name) ?? -Infinity) > started)) this.followed.set(name, topology);
    return topology;
  }

  /** Whether a node that started is still having its routes re-read until they settle. */
  get settlingRoutes(): boolean {
    return this.settler.settling;
  }

  /** The last snapshot of a followed cluster, if any. */
  cached(name: string): ClusterTopology | undefined {
    return this.followed.get(name);
  }

  onDidChangeTopology(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onDidChangeClusters(listener: (clusters: KindClusterSummary[]) => void): () => void {
    this.clusterListeners.add(listener);
    return () => this.clusterListeners.delete(listener);
  }

  /** Stops following and removes the helper container (awaited, so a CLI run leaves nothing). */
  async dispose(): Promise<void> {
    for (const dispose of this.disposers) dispose();
    this.settler.dispose();
    for (const timer of this.timers.values()) clearTimeout(timer);
    clearTimeout(this.clustersTimer);
    this.listeners.clear();
    this.clusterListeners.clear();
    await this.netns.dispose();
  }

  private handleEvent(event: DockerEvent): void {
    const attributes = event.Actor.Attributes ?? {};
    let cluster: string | undefined;
    if (event.Type === 'container') {
      // Our own `docker exec`s emit exec_create/exec_start/exec_die: reacting to them would loop.
      if (!topologyActions.has(event.Action)) return;
      cluster = attributes[clusterLabel] ?? this.containerCluster.get(event.Actor.ID);
      if (cluster) this.scheduleClusters();
    } else if (event.Type === 'network' && attributes.container) {
      cluster = this.containerCluster.get(attributes.container);
    }
    if (cluster && this.followed.has(cluster)) {
      if (event.Type === 'container') this.patchFromEvent(cluster, event.Action, attributes.name);
      this.schedule(cluster);
    }
    // A started node gets its routes back from Cilium over seconds: re-read it until they settle.
    if (
      cluster &&
      this.followed.has(cluster) &&
      event.Type === 'container' &&
      (event.Action === 'start' || event.Action === 'restart') &&
      attributes.name
    )
      this.settler.settle(cluster, attributes.name);
  }

  /**
   * A node container died or started: Docker's event is itself the fact, so the last model is
   * pushed at once with that node's state changed, instead of after the coalescing window and
   * a full re-read (~0.3 s, over 1 s on a loaded machine). The full read scheduled beside it
   * brings the rest (its veth, routes); a read begun before the event is not published over it.
   */
  private patchFromEvent(cluster: string, action: string, container: string | undefined): void {
    const running = action === 'start' || action === 'restart' ? true : action === 'die' ? false : undefined;
    const last = this.followed.get(cluster);
    const node = last?.nodes.find((n) => n.name === container);
    if (!last || !node || running === undefined || node.running === running) return;
    const state = running ? 'running' : 'exited';
    // As a read of a container in that state has it: a stopped one has no network namespace
    // (no eth0, veth, addresses or routes); a started one has them once the read comes.
    const { eth0: _eth0, veth: _veth, ipv4: _ipv4, ipv6: _ipv6, problem: _problem, ...kept } = node;
    const patchedNode: TopologyNode = {
      ...kept,
      state,
      running,
      interfaces: [],
      routes: [],
      unparsed: [],
      ...(running ? {} : { problem: stoppedProblem(state) }),
    };
    const patched: ClusterTopology = {
      ...last,
      nodes: last.nodes.map((n) => (n === node ? patchedNode : n)),
      generatedAt: new Date().toISOString(),
    };
    this.patchedAt.set(cluster, performance.now());
    this.followed.set(cluster, patched);
    this.listeners.forEach((listener) => listener(patched));
  }

  /** Publishes a full read unless an event patched the model after it began (it would go back in time). */
  private publishRead(topology: ClusterTopology): void {
    if (this.followed.get(topology.name) !== topology) return;
    this.listeners.forEach((listener) => listener(topology));
  }

  private schedule(name: string): void {
    if (this.timers.has(name)) return;
    this.timers.set(
      name,
      setTimeout(() => {
        this.timers.delete(name);
        this.snapshot(name).then(
          (topology) => this.publishRead(topology),
          (error: unknown) => {
            this.options.log.debug(`Topology refresh of ${name} failed`, error);
            if (error instanceof KindscopeError && error.code === 'CLUSTER_NOT_FOUND') this.scheduleClusters();
          },
        );
      }, this.options.coalesceMs ?? 150),
    );
  }

  private scheduleClusters(): void {
    if (this.clustersTimer || this.clusterListeners.size === 0) return;
    this.clustersTimer = setTimeout(() => {
      this.clustersTimer = undefined;
      this.listClusters().then(
        (clusters) => this.clusterListeners.forEach((listener) => listener(clusters)),
        (error: unknown) => this.options.log.debug('Listing clusters failed', error),
      );
    }, this.options.coalesceMs ?? 150);
  }
}

function stoppedProblem(status: string): string {
  return `The container is ${status}: no veth, addresses or routes until it runs again.`;
}

function roleOrder(role: string): number {
  return role === 'control-plane' ? 0 : role === 'worker' ? 1 : 2;
}

function toInterface(link: IpLink) {
  return {
    ifindex: link.ifindex,
    ifname: link.ifname,
    ...(link.mac ? { mac: link.mac } : {}),
    ...(link.mtu ? { mtu: link.mtu } : {}),
    ...(link.state ? { state: link.state } : {}),
    ...(link.master ? { master: link.master } : {}),
    ...(link.peerIfindex !== undefined ? { peerIfindex: link.peerIfindex } : {}),
    ...(link.peerName ? { peerName: link.peerName } : {}),
    addresses: link.addresses.map((a) => `${a.local}/${a.prefixlen}`),
  };
}

/**
 * Gives every node route its meaning. Pod CIDRs are learned from the nodes themselves:
 * a node owns the CIDR its own `cilium_host` address falls in; with native routing a
 * CIDR routed via a node's IP belongs to that node.
 */
function explainNodeRoutes(nodes: TopologyNode[], networks: TopologyNetwork[]): void {
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

function hostSide(host: HostView, networks: TopologyNetwork[]): ClusterTopology['host'] {
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
                reason: `No route sends ${subnets.map((n) => n.subnet).join(', ')} into the engine's VM: container and LoadBalancer IPs cannot be reached from this Mac. Install docker-mac-net-connect (\`brew install chipmk/tap/docker-mac-net-connect\`).`,
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
              reason: `${conflicts.map((n) => n.subnet).join(', ')} is also routed to another interface on this machine (e.g. your Wi-Fi): traffic may go the wrong way. Recreate the kind network on a free subnet.`,
            }
          : attached.length > 0
            ? {
                status: 'yes',
                reason: `The bridge of ${attached.map((n) => `"${n.name}"`).join(', ')} is on this machine: node and LoadBalancer IPs are one hop away.`,
              }
            : { status: 'unknown', reason: 'No route to the Docker networks was found on this machine.' },
  };
}
