import { AppsV1Api, CoordinationV1Api, CoreV1Api, CustomObjectsApi, DiscoveryV1Api, KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { KindscopeError, type ClusterStatus, type Finding, type StreamState } from '../../contract';
import type { DockerEngineService } from '../docker/docker-engine-service';
import { cidrContains, cidrsOverlap, parseCidr } from '../net';
import type { Logger } from '../util/logger';
import { ResilientInformer } from './resilient-informer';

type Obj = KubernetesObject & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface DockerFacts {
  macs: Map<string, string>;
  networks: { name: string; subnet: string }[];
}

const lbConditionTypes = ['cilium.io/IPAMRequestSatisfied', 'io.cilium/lb-ipam-request-satisfied'];

export interface ClusterStatusOptions {
  cluster: string;
  /** Defaults to kind's `kind-<cluster>`. */
  context?: string;
  kubeconfigPath?: string;
  engine: DockerEngineService | undefined;
  log: Logger;
  coalesceMs?: number;
  /** Watch inactivity (ms) after which a silent stream is restarted. */
  inactivityMs?: number;
}

/**
 * The Kubernetes half of the picture, live: informers for nodes, services, EndpointSlices,
 * L2 leases, Cilium's pools and policies, its config and workloads. From them, each
 * LoadBalancer service's IP, lease holder (read from the Lease) and that node's MAC, and —
 * for every `<pending>` or unanswered IP — the reason and the fix.
 */
export class ClusterStatusService {
  private readonly kubeConfig = new KubeConfig();
  private readonly informers = new Map<string, ResilientInformer<Obj>>();
  private readonly states = new Map<string, { state: StreamState; reason?: string }>();
  private readonly listeners = new Set<(status: ClusterStatus) => void>();
  private timer: NodeJS.Timeout | undefined;
  private facts: Promise<DockerFacts> | undefined;
  private readonly disposers: (() => void)[] = [];
  private poolVersion = 'v2alpha1';
  readonly context: string;

  constructor(private readonly options: ClusterStatusOptions) {
    if (options.kubeconfigPath) this.kubeConfig.loadFromFile(options.kubeconfigPath);
    else this.kubeConfig.loadFromDefault();
    this.context = options.context ?? `kind-${options.cluster}`;
    if (!this.kubeConfig.getContexts().some((c) => c.name === this.context)) {
      throw new KindscopeError('CLUSTER_NOT_FOUND', `No kubeconfig context "${this.context}"`, `Export it with \`kind export kubeconfig --name ${options.cluster}\`, or check KUBECONFIG.`);
    }
    this.kubeConfig.setCurrentContext(this.context);
    const engine = options.engine;
    if (engine) {
      const forget = () => (this.facts = undefined);
      this.disposers.push(
        // Our own and the topology's `docker exec`s (exec_*) change nothing we keep.
        engine.onDidReceiveEvent((event) => {
          if ((event.Type === 'container' || event.Type === 'network') && !event.Action.startsWith('exec_')) forget();
        }),
        engine.onDidReconnect(forget),
      );
    }
  }

  /** Probes the API server, learns the served CRD versions, starts the informers and waits for their first lists. */
  async start(): Promise<void> {
    const core = this.kubeConfig.makeApiClient(CoreV1Api);
    try {
      await core.getAPIResources();
    } catch (error) {
      throw new KindscopeError('CLUSTER_NOT_FOUND', `The API server of "${this.options.cluster}" does not answer (${(error as Error).message})`, 'Check that the control-plane container runs (`kindscope topology`) and that KUBECONFIG has the cluster.', { cause: error });
    }
    const custom = this.kubeConfig.makeApiClient(CustomObjectsApi);
    // Pools are served as v2alpha1 and/or v2 depending on the Cilium release: prefer v2.
    try {
      await custom.listClusterCustomObject({ group: 'cilium.io', version: 'v2', plural: 'ciliumloadbalancerippools', limit: 1 });
      this.poolVersion = 'v2';
    } catch {
      // Not served (Cilium ≤ 1.15, or not installed yet): v2alpha1.
    }
    const apps = this.kubeConfig.makeApiClient(AppsV1Api);
    const discovery = this.kubeConfig.makeApiClient(DiscoveryV1Api);
    const coordination = this.kubeConfig.makeApiClient(CoordinationV1Api);
    const crd = (group: string, version: string, plural: string) => async () => {
      try {
        return (await custom.listClusterCustomObject({ group, version, plural })) as { items: Obj[] };
      } catch (error) {
        // The CRD is not installed (yet): an empty list, retried by the watch.
        if ((error as { code?: number }).code === 404) return { items: [] };
        throw error;
      }
    };
    const defs: [string, string, () => Promise<{ items: Obj[] }>][] = [
      ['nodes', '/api/v1/nodes', () => core.listNode() as Promise<{ items: Obj[] }>],
      ['services', '/api/v1/services', () => core.listServiceForAllNamespaces() as Promise<{ items: Obj[] }>],
      ['endpointslices', '/apis/discovery.k8s.io/v1/endpointslices', () => discovery.listEndpointSliceForAllNamespaces() as Promise<{ items: Obj[] }>],
      ['leases', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases', () => coordination.listNamespacedLease({ namespace: 'kube-system' }) as Promise<{ items: Obj[] }>],
      ['configmaps', '/api/v1/namespaces/kube-system/configmaps', () => core.listNamespacedConfigMap({ namespace: 'kube-system' }) as Promise<{ items: Obj[] }>],
      ['daemonsets', '/apis/apps/v1/namespaces/kube-system/daemonsets', () => apps.listNamespacedDaemonSet({ namespace: 'kube-system' }) as Promise<{ items: Obj[] }>],
      ['deployments', '/apis/apps/v1/namespaces/kube-system/deployments', () => apps.listNamespacedDeployment({ namespace: 'kube-system' }) as Promise<{ items: Obj[] }>],
      ['pods', '/api/v1/namespaces/kube-system/pods', () => core.listNamespacedPod({ namespace: 'kube-system' }) as Promise<{ items: Obj[] }>],
      ['pools', `/apis/cilium.io/${this.poolVersion}/ciliumloadbalancerippools`, crd('cilium.io', this.poolVersion, 'ciliumloadbalancerippools')],
      ['policies', '/apis/cilium.io/v2alpha1/ciliuml2announcementpolicies', crd('cilium.io', 'v2alpha1', 'ciliuml2announcementpolicies')],
    ];
    for (const [name, path, list] of defs) {
      const informer = new ResilientInformer<Obj>({
        name,
        kubeConfig: this.kubeConfig,
        path,
        list,
        log: this.options.log,
        onChange: () => this.schedule(),
        onState: (state, reason) => this.states.set(name, { state, ...(reason ? { reason } : {}) }),
        ...(this.options.inactivityMs ? { inactivityMs: this.options.inactivityMs } : {}),
      });
      this.informers.set(name, informer);
    }
    await Promise.all([...this.informers.values()].map((informer) => informer.start()));
  }

  onDidChange(listener: (status: ClusterStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    for (const dispose of this.disposers) dispose();
    clearTimeout(this.timer);
    for (const informer of this.informers.values()) informer.stop();
    this.listeners.clear();
  }

  private schedule(): void {
    if (this.timer || this.listeners.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.status().then((status) => this.listeners.forEach((listener) => listener(status)));
    }, this.options.coalesceMs ?? 25);
  }

  private items(name: string): readonly Obj[] {
    return this.informers.get(name)?.list() ?? [];
  }

  /** The joined model now, from the informers' caches and one look at Docker. */
  async status(): Promise<ClusterStatus> {
    const offline = [...this.states.entries()].filter(([, s]) => s.state === 'offline');
    const docker = await this.dockerFacts();
    const config = (this.items('configmaps').find((cm) => cm.metadata?.name === 'cilium-config')?.data ?? undefined) as Record<string, string> | undefined;
    const agents = this.items('daemonsets').find((d) => d.metadata?.name === 'cilium');
    const operator = this.items('deployments').find((d) => d.metadata?.name === 'cilium-operator');
    const kpr = config?.['kube-proxy-replacement'];
    const l2 = config?.['enable-l2-announcements'] === 'true';
    const nodes = this.items('nodes').map((node) => ({
      name: node.metadata!.name!,
      roles: Object.keys(node.metadata?.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.split('/')[1]!).filter(Boolean),
      ready: (node.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True'),
      ...(internalIp(node) ? { internalIP: internalIp(node)! } : {}),
      podCIDRs: node.spec?.podCIDRs ?? (node.spec?.podCIDR ? [node.spec.podCIDR] : []),
      ...(docker.macs.get(node.metadata!.name!) ? { mac: docker.macs.get(node.metadata!.name!)! } : {}),
    }));
    const pools = this.items('pools').map((pool) => {
      const ranges = [...(pool.spec?.blocks ?? []), ...(pool.spec?.cidrs ?? [])].map((b: Obj) => b.cidr ?? `${b.start}-${b.stop ?? b.start}`);
      const condition = (type: string) => (pool.status?.conditions ?? []).find((c: Obj) => c.type === type || c.type === type.replace('cilium.io/', 'io.cilium/'));
      const number = (type: string) => (condition(type) ? Number(condition(type).message) : undefined);
      const network = docker.networks.find((n) => ranges.some((r: string) => r.includes('/') && cidrContains(n.subnet, r)) || ranges.some((r: string) => !r.includes('/') && cidrContains(n.subnet, r.split('-')[0]!)));
      const findings: Finding[] = [];
      if (!network && docker.networks.length > 0) findings.push({ code: 'pool-outside-docker-network', message: `The pool ${pool.metadata!.name} (${ranges.join(', ')}) is outside every Docker network of this cluster: ARP from the host can never reach its addresses`, fix: `Use a range inside ${docker.networks.map((n) => n.subnet).join(', ')}, e.g. ${suggestPool(docker.networks[0]?.subnet)}.` });
      return {
        name: pool.metadata!.name!,
        apiVersion: pool.apiVersion ?? `cilium.io/${this.poolVersion}`,
        ranges,
        disabled: pool.spec?.disabled === true,
        ...(pool.spec?.serviceSelector ? { serviceSelector: pool.spec.serviceSelector } : {}),
        ...(number('cilium.io/IPsTotal') !== undefined ? { total: number('cilium.io/IPsTotal')! } : {}),
        ...(number('cilium.io/IPsAvailable') !== undefined ? { available: number('cilium.io/IPsAvailable')! } : {}),
        ...(number('cilium.io/IPsUsed') !== undefined ? { used: number('cilium.io/IPsUsed')! } : {}),
        conflict: condition('cilium.io/PoolConflict')?.status === 'True',
        ...(network ? { dockerNetwork: network.name } : {}),
        findings,
      };
    });
    const policies = this.items('policies').map((p) => ({ name: p.metadata!.name!, interfaces: p.spec?.interfaces ?? [], loadBalancerIPs: p.spec?.loadBalancerIPs === true, externalIPs: p.spec?.externalIPs === true, ...(p.spec?.nodeSelector ? { nodeSelector: p.spec.nodeSelector } : {}), ...(p.spec?.serviceSelector ? { serviceSelector: p.spec.serviceSelector } : {}) }));
    const leases = this.items('leases').filter((l) => l.metadata?.name?.startsWith('cilium-l2announce-'));
    const ciliumInstalled = Boolean(config && agents);
    const systemPods = this.items('pods');
    const podReady = (p: Obj) => (p.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');
    const agentPods = systemPods.filter((p) => p.metadata?.labels?.['k8s-app'] === 'cilium');
    const coredns = systemPods.filter((p) => p.metadata?.labels?.['k8s-app'] === 'kube-dns');
    const services = this.items('services')
      .filter((s) => s.spec?.type === 'LoadBalancer')
      .map((service) => {
        const ns = service.metadata!.namespace!;
        const name = service.metadata!.name!;
        const ips = ((service.status?.loadBalancer?.ingress ?? []) as Obj[]).map((i) => i.ip).filter(Boolean) as string[];
        const slices = this.items('endpointslices').filter((s) => s.metadata?.namespace === ns && s.metadata?.labels?.['kubernetes.io/service-name'] === name);
        const readyEndpoints = slices.flatMap((s) => s.endpoints ?? []).filter((e: Obj) => e.conditions?.ready !== false).length;
        const lease = leases.find((l) => l.metadata?.name === `cilium-l2announce-${ns}-${name}`);
        const holder = lease?.spec?.holderIdentity as string | undefined;
        const findings: Finding[] = [];
        if (ips.length === 0) findings.push(...pendingReasons(service, ciliumInstalled, pools, this.items('pools')));
        else {
          if (!ciliumInstalled) findings.push({ code: 'cilium-not-installed', message: 'Cilium is not installed: nothing announces this IP', fix: 'Install Cilium with L2 announcements (Create lab).' });
          else {
            if (kpr !== 'true') findings.push(kpr === 'strict' ? { code: 'kube-proxy-replacement-strict', message: 'kubeProxyReplacement is "strict": Cilium 1.15+ accepts it but does not enable kube-proxy replacement\'s features, so L2 announcements stay off (cilium/cilium#32711)', fix: 'helm upgrade cilium cilium/cilium -n kube-system --reuse-values --set kubeProxyReplacement=true' } : { code: 'kube-proxy-replacement-off', message: `kube-proxy replacement is ${kpr ?? 'not set'}: L2 announcements need it`, fix: 'helm upgrade cilium cilium/cilium -n kube-system --reuse-values --set kubeProxyReplacement=true' });
            if (!l2) findings.push({ code: 'l2-announcements-disabled', message: 'L2 announcements are not enabled in the Cilium release: no node answers ARP for this IP', fix: 'helm upgrade cilium cilium/cilium -n kube-system --reuse-values --set l2announcements.enabled=true' });
            const selecting = this.items('policies').filter((p) => p.spec?.loadBalancerIPs === true && selectorMatches(p.spec?.serviceSelector, service.metadata?.labels ?? {}));
            if (l2 && kpr === 'true' && selecting.length === 0) findings.push({ code: 'no-l2-policy', message: 'No CiliumL2AnnouncementPolicy with loadBalancerIPs: true selects this service', fix: 'Apply an L2 announcement policy (serviceSelector empty or matching, loadBalancerIPs: true).' });
            for (const policy of selecting) {
              const eligible = this.items('nodes').filter((n) => selectorMatches(policy.spec?.nodeSelector, n.metadata?.labels ?? {}));
              if (eligible.length === 0) findings.push({ code: 'policy-no-nodes', message: `The policy ${policy.metadata!.name}'s nodeSelector matches no node`, fix: 'Loosen the nodeSelector (kind workers have no role label).' });
              const interfaces = (policy.spec?.interfaces ?? []) as string[];
              if (interfaces.length > 0 && !interfaces.some((pattern) => safeRegex(pattern)?.test('eth0'))) findings.push({ code: 'policy-interfaces', message: `The policy ${policy.metadata!.name}'s interfaces (${interfaces.join(', ')}) match no device of the nodes (eth0)`, fix: 'Use interfaces: ["^eth[0-9]+"].' });
            }
            if (l2 && kpr === 'true' && selecting.length > 0 && !holder) findings.push({ code: 'no-lease', message: `No node holds the lease cilium-l2announce-${ns}-${name}`, fix: 'Check that the cilium agents run (`cilium status`).' });
          }
          if (readyEndpoints === 0) findings.push({ code: 'no-ready-endpoints', message: 'The service has no ready endpoints: nothing answers behind the IP', fix: 'Check the pods its selector matches (`kubectl get pods -l …`).' });
          if (service.spec?.externalTrafficPolicy === 'Local') findings.push({ code: 'etp-local', message: 'externalTrafficPolicy: Local with L2 announcements: only a node with a local endpoint may answer; when the lease holder has none, traffic is dropped', fix: 'Use externalTrafficPolicy: Cluster, or keep a pod on every eligible node.' });
          for (const ip of ips) if (docker.networks.length > 0 && !docker.networks.some((n) => cidrContains(n.subnet, ip))) findings.push({ code: 'vip-outside-docker-network', message: `${ip} is outside the cluster's Docker networks: ARP from the host can never reach it`, fix: 'Carve the pool from the kind network.' });
        }
        return {
          namespace: ns,
          name,
          type: service.spec?.type ?? 'ClusterIP',
          ...(service.spec?.clusterIP ? { clusterIP: service.spec.clusterIP } : {}),
          ports: ((service.spec?.ports ?? []) as Obj[]).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`),
          externalIPs: ips,
          readyEndpoints,
          ...(holder ? { holder } : {}),
          ...(holder && docker.macs.get(holder) ? { holderMac: docker.macs.get(holder)! } : {}),
          ...(holder
            ? { leaseHolder: { node: holder, lease: `cilium-l2announce-${ns}-${name}`, ...(docker.macs.get(holder) ? { mac: docker.macs.get(holder)! } : {}), ...(lease?.spec?.renewTime ? { renewTime: String(lease.spec.renewTime) } : {}) } }
            : {}),
          findings,
        };
      });
    const findings: Finding[] = [];
    for (const node of nodes) {
      if (ciliumInstalled && !agentPods.some((p) => p.spec?.nodeName === node.name && podReady(p))) findings.push({ code: 'agent-not-ready', message: `No ready Cilium agent on ${node.name}`, fix: `kubectl -n kube-system get pods -l k8s-app=cilium -o wide; check the agent on ${node.name}.` });
    }
    if (ciliumInstalled && coredns.length > 0 && !coredns.some(podReady)) findings.push({ code: 'coredns-not-ready', message: 'CoreDNS has no ready pod: names do not resolve in the cluster', fix: 'kubectl -n kube-system get pods -l k8s-app=kube-dns' });
    const restarts = agentPods.reduce((sum, p) => sum + ((p.status?.containerStatuses ?? []) as Obj[]).reduce((s2, c) => s2 + (c.restartCount ?? 0), 0), 0);
    if (restarts > 0) findings.push({ code: 'agent-restarts', message: `Cilium agents restarted ${restarts} time${restarts === 1 ? '' : 's'}`, fix: 'kubectl -n kube-system logs -l k8s-app=cilium --previous' });
    if (!ciliumInstalled) findings.push({ code: 'cilium-not-installed', message: 'Cilium is not installed in this cluster', fix: 'Install it with Create lab, or `helm install cilium cilium/cilium -n kube-system …`.' });
    for (const overlap of await this.overlapsWithOtherClusters(pools, docker.networks)) findings.push(overlap);
    const clusterCIDR = this.clusterCidr(nodes.flatMap((n) => n.podCIDRs));
    const state: StreamState = offline.length > 0 ? 'offline' : [...this.states.values()].some((s) => s.state === 'connecting') ? 'connecting' : 'live';
    return {
      cluster: this.options.cluster,
      context: this.context,
      ...(clusterCIDR ? { clusterCIDR } : {}),
      connection: { state, ...(offline.length > 0 ? { reason: `${offline[0]![0]}: ${offline[0]![1].reason}` } : {}) },
      nodes,
      cilium: {
        installed: ciliumInstalled,
        ...(config?.['cilium-version'] ? { version: config['cilium-version'] } : {}),
        agents: { ready: agents?.status?.numberReady ?? 0, desired: agents?.status?.desiredNumberScheduled ?? 0 },
        operator: { ready: operator?.status?.readyReplicas ?? 0, desired: operator?.spec?.replicas ?? 0 },
        ...(kpr ? { kubeProxyReplacement: kpr } : {}),
        l2Announcements: l2,
        ...(config?.['routing-mode'] ? { routingMode: config['routing-mode'] } : {}),
        ...(config?.['l2-announcements-lease-duration'] ? { leaseDuration: config['l2-announcements-lease-duration'] } : {}),
      },
      services,
      pools,
      policies,
      leases: leases.map((l) => ({ name: l.metadata!.name!, ...(l.spec?.holderIdentity ? { holder: l.spec.holderIdentity } : {}), ...(l.spec?.renewTime ? { renewTime: String(l.spec.renewTime) } : {}), ...(l.spec?.leaseDurationSeconds ? { leaseDurationSeconds: l.spec.leaseDurationSeconds } : {}) })),
      findings,
      generatedAt: new Date().toISOString(),
    };
  }

  /** kubeadm's podSubnet (kube-system/kubeadm-config), else the smallest supernet of the nodes' pod CIDRs. */
  private clusterCidr(podCidrs: string[]): ClusterStatus['clusterCIDR'] {
    const kubeadm = this.items('configmaps').find((cm) => cm.metadata?.name === 'kubeadm-config')?.data?.ClusterConfiguration as string | undefined;
    const podSubnet = kubeadm ? /podSubnet:\s*(\S+)/.exec(kubeadm)?.[1] : undefined;
    if (podSubnet) return { cidr: podSubnet, source: 'kubeadm-config' };
    const v4 = podCidrs.map((c) => parseCidr(c)).filter((c) => c?.family === 4);
    if (v4.length === 0) return undefined;
    let prefix = Math.min(...v4.map((c) => c!.prefix));
    const base = Number(v4[0]!.base);
    while (prefix > 0 && !v4.every((c) => Number(c!.base) >>> (32 - prefix) === base >>> (32 - prefix))) prefix -= 1;
    const supernet = parseCidr(`${[24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join('.')}/${prefix}`)!;
    return { cidr: supernet.text, source: 'node pod CIDRs' };
  }

  private otherPools: { at: number; pools: { cluster: string; name: string; ranges: string[] }[] } | undefined;

  /**
   * Pools of other kind clusters on the same Docker network that overlap ours: both
   * clusters may hand out the same IP, and two nodes then answer ARP for it. Read through
   * the kubeconfig's `kind-<name>` contexts, at most every 15 s.
   */
  private async overlapsWithOtherClusters(pools: ClusterStatus['pools'], networks: { name: string; subnet: string }[]): Promise<Finding[]> {
    const docker = this.options.engine?.docker;
    if (!docker || pools.length === 0) return [];
    if (!this.otherPools || Date.now() - this.otherPools.at > 15_000) {
      const found: { cluster: string; name: string; ranges: string[] }[] = [];
      try {
        const containers = await docker.listContainers({ all: true, filters: { label: ['io.x-k8s.kind.role=control-plane'] } });
        for (const container of containers) {
          const other = container.Labels['io.x-k8s.kind.cluster'];
          if (!other || other === this.options.cluster || !Object.keys(container.NetworkSettings?.Networks ?? {}).some((n) => networks.some((net) => net.name === n))) continue;
          const config = new KubeConfig();
          config.loadFromString(this.kubeConfig.exportConfig());
          if (!config.getContexts().some((c) => c.name === `kind-${other}`)) continue;
          config.setCurrentContext(`kind-${other}`);
          try {
            const list = (await config.makeApiClient(CustomObjectsApi).listClusterCustomObject({ group: 'cilium.io', version: 'v2alpha1', plural: 'ciliumloadbalancerippools' })) as { items: Obj[] };
            for (const pool of list.items) found.push({ cluster: other, name: pool.metadata!.name!, ranges: [...(pool.spec?.blocks ?? []), ...(pool.spec?.cidrs ?? [])].map((b: Obj) => b.cidr).filter(Boolean) });
          } catch {
            // That cluster is down or has no Cilium: nothing to compare.
          }
        }
      } catch (error) {
        this.options.log.debug('Looking for other clusters’ pools failed', error);
      }
      this.otherPools = { at: Date.now(), pools: found };
    }
    const findings: Finding[] = [];
    for (const pool of pools) {
      for (const other of this.otherPools.pools) {
        if (pool.ranges.some((a) => a.includes('/') && other.ranges.some((b) => cidrsOverlap(a, b)))) {
          findings.push({ code: 'pool-overlap-other-cluster', message: `The pool ${pool.name} overlaps the pool ${other.name} of cluster "${other.cluster}" on the same Docker network: both can hand out the same IP, and two nodes then answer ARP for it`, fix: `Give each cluster its own range, e.g. a different /24 of the kind network.` });
        }
      }
    }
    return findings;
  }

  /**
   * Node MACs and network subnets, read once and kept until Docker says a container or
   * network changed: status is recomputed on every lease renewal (about once a second),
   * which must not cost Docker calls each time.
   */
  private dockerFacts(): Promise<DockerFacts> {
    this.facts ??= this.readDockerFacts();
    return this.facts;
  }

  private async readDockerFacts(): Promise<DockerFacts> {
    const macs = new Map<string, string>();
    const networks: { name: string; subnet: string }[] = [];
    const docker = this.options.engine?.docker;
    if (!docker) return { macs, networks };
    try {
      const containers = await docker.listContainers({ all: true, filters: { label: [`io.x-k8s.kind.cluster=${this.options.cluster}`] } });
      const names = new Set<string>();
      for (const container of containers) {
        for (const [network, endpoint] of Object.entries(container.NetworkSettings?.Networks ?? {})) {
          if (endpoint.MacAddress) macs.set(container.Names[0]!.replace(/^\//, ''), endpoint.MacAddress);
          names.add(network);
        }
      }
      for (const name of names) {
        const info = await docker.getNetwork(name).inspect();
        for (const config of info.IPAM?.Config ?? []) if (config.Subnet && !config.Subnet.includes(':')) networks.push({ name, subnet: config.Subnet });
      }
    } catch (error) {
      this.options.log.debug('Docker facts for the cluster status failed', error);
      // Not kept: the next status reads Docker again.
      this.facts = undefined;
    }
    return { macs, networks };
  }
}

function pendingReasons(service: Obj, ciliumInstalled: boolean, pools: { name: string; disabled: boolean; available?: number; conflict: boolean }[], poolObjects: readonly Obj[]): Finding[] {
  if (!ciliumInstalled) return [{ code: 'lb-ipam-not-running', message: 'LB-IPAM is not running: Cilium (its operator) is not installed, so no LoadBalancer gets an IP', fix: 'Install Cilium (Create lab) and wait for cilium-operator.' }];
  if (poolObjects.length === 0) return [{ code: 'no-pool', message: 'No CiliumLoadBalancerIPPool exists', fix: 'Create a pool from the kind network, e.g. blocks: [{ cidr: 172.18.250.0/24 }].' }];
  const labels = { ...service.metadata?.labels, 'io.kubernetes.service.namespace': service.metadata?.namespace, 'io.kubernetes.service.name': service.metadata?.name };
  const matching = poolObjects.filter((p) => selectorMatches(p.spec?.serviceSelector, labels));
  if (matching.length === 0) {
    return [{ code: 'no-pool-matches', message: `No pool's serviceSelector matches this service (labels: ${Object.entries(service.metadata?.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') || 'none'})`, fix: 'Label the service to match a pool, or add a pool without a serviceSelector.' }];
  }
  const statuses = pools.filter((p) => matching.some((m) => m.metadata?.name === p.name));
  if (statuses.every((p) => p.disabled)) return [{ code: 'pool-disabled', message: `The matching pool${statuses.length > 1 ? 's are' : ' is'} disabled (${statuses.map((p) => p.name).join(', ')})`, fix: 'Set spec.disabled: false on the pool.' }];
  if (statuses.some((p) => p.conflict)) return [{ code: 'pool-conflict', message: `The matching pool ${statuses.find((p) => p.conflict)!.name} conflicts with another pool`, fix: 'Make the pools\' ranges disjoint.' }];
  if (statuses.every((p) => p.available === 0)) return [{ code: 'pool-exhausted', message: 'The matching pools have no free addresses', fix: 'Widen the pool or delete unused LoadBalancer services.' }];
  const condition = [...((service.status?.conditions ?? []) as Obj[])].reverse().find((c) => lbConditionTypes.includes(c.type));
  return [{ code: condition?.reason ?? 'pending', message: condition?.message || 'LB-IPAM has not assigned an address yet', fix: 'Wait a moment; if it stays <pending>, check cilium-operator.' }];
}

function selectorMatches(selector: Obj | undefined, labels: Record<string, string | undefined>): boolean {
  if (!selector) return true;
  const matchLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const expressions = ((selector.matchExpressions ?? []) as Obj[]).every((e) => {
    const value = labels[e.key];
    switch (e.operator) {
      case 'In':
        return value !== undefined && (e.values ?? []).includes(value);
      case 'NotIn':
        return value === undefined || !(e.values ?? []).includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
  return matchLabels && expressions;
}

function internalIp(node: Obj): string | undefined {
  return ((node.status?.addresses ?? []) as Obj[]).find((a) => a.type === 'InternalIP' && !String(a.address).includes(':'))?.address;
}

function safeRegex(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern);
  } catch {
    return undefined;
  }
}

function suggestPool(subnet: string | undefined): string {
  const cidr = subnet ? parseCidr(subnet) : undefined;
  if (!cidr) return '172.18.250.0/24';
  const [a, b] = cidr.network.split('.');
  return `${a}.${b}.250.0/24`;
}

