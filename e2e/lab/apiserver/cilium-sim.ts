import { spawn, spawnSync } from 'node:child_process';
import type { KubeObject as Obj } from './kube-object.ts';
import type { LabApiServer } from './server.ts';
import { KubeControllers } from './kube-controllers.ts';
import { now } from './controller-objects.ts';
import { agentStartError } from '../helm/chart-rules.ts';
import {
  announceScript,
  cidrIndex,
  ciliumHostIp,
  dockerExec,
  dockerOk,
  internalIp,
  microTime,
  seconds,
  withdraw,
} from './cilium-node.ts';
import { intToIp, ipToInt, poolAddresses, selectorMatches } from './lb-pools.ts';
import {
  desiredSpeakers,
  nodeConfigFor,
  peerStatus,
  startSpeakerScript,
  stopMatching,
  type Speaker,
} from './bgp-speaker.ts';
import { holderServes, leaseCandidates, type Backend } from './l2-local-policy.ts';
import { reconcileAgents, type AgentsContext } from './cilium-agents.ts';
import { sharedAddress, silencedBySharing, vipStillAnnounced } from './lb-sharing.ts';

export interface SimulatedCluster {
  name: string;
  nodes: { name: string; role: string }[];
  /** kind's default CNI (kindnet) is installed: nodes are Ready without Cilium. */
  defaultCni: boolean;
  nodeMonitorGraceMs: number;
  unreachableTolerationMs: number;
}

/**
 * Simulated Cilium (LAB.md §3), driven by what the helm stand-in installs (the
 * `cilium-config` ConfigMap and the `cilium` DaemonSet), with the data path made real in
 * the node containers: cilium_host and pod CIDR routes (cluster-pool CIDRs from the
 * operator, or node.spec.podCIDR with `ipam: kubernetes`), and for L2 announcements the
 * VIP on the lease holder's `lo`, a gratuitous ARP reply, and httpd answering while the
 * service has ready endpoints. Agents that would not start (native routing without its
 * CIDR) crash-loop and leave the nodes NotReady. The cluster's own controllers (node
 * lifecycle, scheduler, Deployments, EndpointSlices) are in kube-controllers.ts.
 */
export class CiliumSimulation {
  private readonly running = new Set<string>();
  private readonly stoppedSince = new Map<string, number>();
  private readonly applied = new Map<string, string>();
  private readonly announced = new Map<string, string>();
  /** Every VIP:port ever announced, so that a node back from `docker pause` can drop what it no longer holds. */
  private readonly everAnnounced = new Set<string>();
  /** Nodes unpaused since the last L2 pass: they still have the VIPs they held when frozen. */
  private readonly unpaused = new Set<string>();
  /** BGP mode: per node, the gobgpd configuration it runs, the VIPs (`vip:port|backend|page`) in its RIB and on its lo, when its status was last read. */
  private readonly speakers = new Map<string, string>();
  private readonly bgpVips = new Map<string, Map<string, string>>();
  private readonly bgpStatusAt = new Map<string, number>();
  private readonly speakerFailedAt = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private events: ReturnType<typeof spawn> | undefined;
  private busy = false;

  private readonly server: LabApiServer;
  private readonly cluster: SimulatedCluster;
  private readonly log: (line: string) => void;
  private readonly controllers: KubeControllers;
  private currentConfig: Record<string, string> | undefined;
  private readonly agents: AgentsContext;

  constructor(server: LabApiServer, cluster: SimulatedCluster, log: (line: string) => void) {
    this.server = server;
    this.cluster = cluster;
    this.log = log;
    this.agents = { store: server.store, type: (g, p) => this.type(g, p), list: (g, p, n) => this.list(g, p, n) };
    this.controllers = new KubeControllers({
      server,
      running: this.running,
      stoppedSince: this.stoppedSince,
      nodeMonitorGraceMs: cluster.nodeMonitorGraceMs,
      unreachableTolerationMs: cluster.unreachableTolerationMs,
      podCidrOf: (node) => this.podCidrOf(node),
    });
  }

  start(): void {
    for (const node of this.cluster.nodes) {
      if (dockerOk(['inspect', '-f', '{{.State.Running}}', node.name]).trim() === 'true') this.running.add(node.name);
      else this.stoppedSince.set(node.name, Date.now());
    }
    this.events = spawn(
      'docker',
      [
        'events',
        '--format',
        '{{json .}}',
        '--filter',
        `label=io.x-k8s.kind.cluster=${this.cluster.name}`,
        '--filter',
        'type=container',
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    this.events.stdout?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        try {
          const event = JSON.parse(line) as { Action: string; Actor: { Attributes: Record<string, string> } };
          const name = event.Actor.Attributes.name!;
          if (event.Action === 'start') {
            this.running.add(name);
            this.stoppedSince.delete(name);
            this.applied.delete(name);
            // A started node runs no speaker yet: its agent starts one afresh.
            this.speakers.delete(name);
            this.bgpVips.delete(name);
          } else if (event.Action === 'pause') {
            // A frozen node: its kubelet stops posting and its agent stops renewing leases and answering ARP.
            this.running.delete(name);
            this.stoppedSince.set(name, Date.now());
          } else if (event.Action === 'unpause') {
            this.running.add(name);
            this.stoppedSince.delete(name);
            this.unpaused.add(name);
          } else if (event.Action === 'die') {
            this.running.delete(name);
            if (!this.stoppedSince.has(name)) this.stoppedSince.set(name, Date.now());
            this.applied.delete(name);
            this.speakers.delete(name);
            this.bgpVips.delete(name);
          }
        } catch {
          // Not an event line.
        }
      }
    });
    this.timer = setInterval(() => void this.tick(), 500);
  }

  stop(): void {
    clearInterval(this.timer);
    this.events?.kill();
  }

  private get store() {
    return this.server.store;
  }

  private type(group: string, plural: string) {
    return this.server.typeFor(group, plural);
  }

  private list(group: string, plural: string, namespace?: string): Obj[] {
    const type = this.type(group, plural);
    return type ? this.store.list(type, namespace) : [];
  }

  private config(): Record<string, string> | undefined {
    const cm =
      this.type('', 'configmaps') && this.store.find(this.type('', 'configmaps')!, 'kube-system', 'cilium-config');
    const ds =
      this.type('apps', 'daemonsets') && this.store.find(this.type('apps', 'daemonsets')!, 'kube-system', 'cilium');
    return cm && ds ? (cm.data as Record<string, string>) : undefined;
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const config = this.config();
      this.currentConfig = config;
      // Agents that exit at start bring no CNI: nodes stay NotReady, pods Pending.
      const agentError = config ? agentStartError(config) : undefined;
      const cni = this.cluster.defaultCni || (Boolean(config) && !agentError);
      this.controllers.reconcileNodeLifecycle(cni);
      this.controllers.reconcileEvictions();
      if (config) reconcileAgents(this.agents, agentError);
      if (config && !agentError) await this.reconcileDatapath(config);
      this.controllers.reconcileDeployments(cni);
      this.controllers.reconcileEndpointSlices();
      if (config) this.reconcileLbIpam();
      if (config && !agentError) await this.reconcileL2(config);
      if (config && !agentError) this.reconcileBgp(config);
    } catch (error) {
      this.log(`cilium simulation: ${(error as Error).stack}`);
    } finally {
      this.busy = false;
    }
  }

  /**
   * The pod CIDR Cilium uses on a node: `ipam: kubernetes` takes node.spec.podCIDR; the
   * chart's default `cluster-pool` has the operator hand out its own blocks of
   * `cluster-pool-ipv4-cidr` (10.0.0.0/8, /24 each), so pod routes do not match
   * spec.podCIDR (the kind pod subnet). Blocks go in the nodes' registration order.
   */
  podCidrOf(node: Obj): string | undefined {
    const config = this.currentConfig;
    if (!config || config.ipam === 'kubernetes' || !node.spec?.podCIDR) return node.spec?.podCIDR;
    const order = this.list('', 'nodes')
      .filter((n) => n.spec?.podCIDR)
      .sort((a, b) => cidrIndex(a.spec.podCIDR) - cidrIndex(b.spec.podCIDR))
      .map((n) => n.metadata.name);
    const index = order.indexOf(node.metadata.name);
    const [base = '10.0.0.0/8'] = (config['cluster-pool-ipv4-cidr'] ?? '10.0.0.0/8').split(' ');
    const [network, bits] = base.split('/');
    const mask = Number(config['cluster-pool-ipv4-mask-size'] ?? 24);
    if (index < 0 || mask > 30 || mask < Number(bits)) return undefined;
    return `${intToIp(ipToInt(network!) + index * 2 ** (32 - mask))}/${mask}`;
  }

  /** cilium_host and the pod CIDR routes in every running node. */
  private async reconcileDatapath(config: Record<string, string>): Promise<void> {
    const nodes = this.list('', 'nodes').filter((n) => this.podCidrOf(n) && this.running.has(n.metadata.name));
    const all = this.list('', 'nodes').filter((n) => this.podCidrOf(n));
    const native = config['routing-mode'] === 'native';
    for (const node of nodes) {
      const hostIp = ciliumHostIp(node, this.podCidrOf(node)!);
      const lines = [
        'ip link show cilium_host >/dev/null 2>&1 || { ip link add cilium_host type veth peer name cilium_net && ip link set cilium_net up; }',
        'ip link set cilium_host up',
        `ip addr replace ${hostIp}/32 dev cilium_host`,
        `ip route replace ${hostIp} dev cilium_host proto kernel scope link`,
      ];
      for (const other of all) {
        const cidr = this.podCidrOf(other)!;
        if (other.metadata.name === node.metadata.name)
          lines.push(`ip route replace ${cidr} via ${hostIp} dev cilium_host proto kernel src ${hostIp}`);
        else if (native) lines.push(`ip route replace ${cidr} via ${internalIp(other)} dev eth0 proto kernel`);
        else lines.push(`ip route replace ${cidr} via ${hostIp} dev cilium_host proto kernel src ${hostIp} mtu 1450`);
      }
      const script = lines.join('\n');
      if (this.applied.get(node.metadata.name) === script) continue;
      if (dockerExec(node.metadata.name, script)) this.applied.set(node.metadata.name, script);
    }
  }

  /** LB-IPAM: LoadBalancer services get an address from the first matching, enabled pool. */
  private reconcileLbIpam(): void {
    const poolType = this.type('cilium.io', 'ciliumloadbalancerippools');
    const svcType = this.type('', 'services')!;
    const pools = poolType ? this.store.list(poolType) : [];
    const services = this.list('', 'services').filter((s) => s.spec?.type === 'LoadBalancer');
    const used = new Map<string, string>();
    for (const s of services)
      for (const ingress of s.status?.loadBalancer?.ingress ?? [])
        used.set(ingress.ip, `${s.metadata.namespace}/${s.metadata.name}`);
    const assigned = new Map<string, string>();
    for (const service of services) {
      if ((service.status?.loadBalancer?.ingress ?? []).length > 0) continue;
      const labels = {
        ...service.metadata.labels,
        'io.kubernetes.service.namespace': service.metadata.namespace,
        'io.kubernetes.service.name': service.metadata.name,
      };
      const pool = pools.find((p) => !p.spec?.disabled && selectorMatches(p.spec?.serviceSelector, labels));
      let ip = sharedAddress(service, services, assigned);
      if (pool && !ip)
        for (const candidate of poolAddresses(pool))
          if (!used.has(candidate)) {
            ip = candidate;
            break;
          }
      const condition = ip
        ? {
            type: 'cilium.io/IPAMRequestSatisfied',
            status: 'True',
            reason: 'satisfied',
            message: '',
            lastTransitionTime: now(),
          }
        : {
            type: 'cilium.io/IPAMRequestSatisfied',
            status: 'False',
            reason: pool ? 'out_of_ips' : 'no_pool',
            message: pool
              ? 'There are no more free IPs in the matching pools'
              : 'There are no enabled CiliumLoadBalancerIPPools that match this service',
            lastTransitionTime: now(),
          };
      const previous = (service.status?.conditions ?? []).find((c: Obj) => c.type === condition.type);
      if (ip) used.set(ip, service.metadata.name);
      if (ip) assigned.set(`${service.metadata.namespace}/${service.metadata.name}`, ip);
      if (!ip && previous?.reason === condition.reason) continue;
      this.store.update(
        svcType,
        {
          ...service,
          status: { loadBalancer: ip ? { ingress: [{ ip, ipMode: 'VIP' }] } : {}, conditions: [condition] },
        },
        { subresource: 'status' },
      );
    }
    for (const pool of pools) {
      const total = poolAddresses(pool).length;
      const inUse = [...used.keys()].filter((ip) => poolAddresses(pool).includes(ip)).length;
      const conditions = [
        ['cilium.io/IPsTotal', total],
        ['cilium.io/IPsAvailable', total - inUse],
        ['cilium.io/IPsUsed', inUse],
      ].map(([type, value]) => ({
        type,
        status: 'Unknown',
        reason: 'noreason',
        message: String(value),
        observedGeneration: pool.metadata.generation,
        lastTransitionTime: now(),
      }));
      conditions.push({
        type: 'cilium.io/PoolConflict',
        status: 'False',
        reason: 'resolved',
        message: '',
        observedGeneration: pool.metadata.generation,
        lastTransitionTime: now(),
      });
      const strip = (list: Obj[] = []) => JSON.stringify(list.map(({ lastTransitionTime: _t, ...rest }) => rest));
      if (strip(pool.status?.conditions) !== strip(conditions))
        this.store.update(poolType!, { ...pool, status: { conditions } }, { subresource: 'status' });
    }
  }

  /** L2 announcements: a lease per service; its holder answers ARP for the VIP and serves it. */
  private async reconcileL2(config: Record<string, string>): Promise<void> {
    const enabled = config['enable-l2-announcements'] === 'true' && config['kube-proxy-replacement'] === 'true';
    const policyType = this.type('cilium.io', 'ciliuml2announcementpolicies');
    const leaseType = this.type('coordination.k8s.io', 'leases')!;
    const policies = enabled && policyType ? this.store.list(policyType) : [];
    const durationS = seconds(config['l2-announcements-lease-duration'] ?? '15s');
    const nodes = this.list('', 'nodes');
    const wanted = new Map<string, string>();
    const lbServices = this.list('', 'services').filter((s) => s.spec?.type === 'LoadBalancer');
    const silenced = silencedBySharing(config['cilium-version'] ?? '0.0.0', lbServices);
    for (const service of lbServices) {
      const vip = service.status?.loadBalancer?.ingress?.[0]?.ip;
      if (!vip) continue;
      // loadBalancerIPs is a plain bool in the CRD's Go type: absent means false, nothing announced.
      const policy = policies.find(
        (p) =>
          p.spec?.loadBalancerIPs === true && selectorMatches(p.spec?.serviceSelector, service.metadata.labels ?? {}),
      );
      if (!policy) continue;
      const interfaces = (policy.spec?.interfaces ?? []) as string[];
      if (interfaces.length > 0 && !interfaces.some((pattern) => new RegExp(pattern).test('eth0'))) continue;
      const trafficPolicy = service.spec?.externalTrafficPolicy as string | undefined;
      const backends = this.backendsOf(service);
      const eligible = leaseCandidates(
        config['cilium-version'] ?? '0.0.0',
        trafficPolicy,
        nodes
          .filter((n) => selectorMatches(policy.spec?.nodeSelector, n.metadata.labels ?? {}))
          .map((n) => n.metadata.name)
          .sort(),
        backends,
      );
      const leaseName = `cilium-l2announce-${service.metadata.namespace}-${service.metadata.name}`;
      const lease = this.store.find(leaseType, 'kube-system', leaseName);
      const holder = lease?.spec?.holderIdentity as string | undefined;
      const expired = !lease || Date.parse(lease.spec.renewTime) + durationS * 1000 < Date.now();
      let next = holder;
      if (!holder || !eligible.includes(holder) || (expired && !this.running.has(holder)))
        next = eligible.find((n) => this.running.has(n));
      if (!next) continue;
      const spec = {
        holderIdentity: next,
        leaseDurationSeconds: durationS,
        renewTime: microTime(),
        acquireTime: next === holder ? lease!.spec.acquireTime : microTime(),
        leaseTransitions: (lease?.spec?.leaseTransitions ?? 0) + (holder && next !== holder ? 1 : 0),
      };
      // The holder renews while its node runs; a stopped holder's lease runs out.
      if (!lease) this.store.create(leaseType, { metadata: { name: leaseName, namespace: 'kube-system' }, spec });
      else if (next !== holder || this.running.has(next)) {
        if (next !== holder || Date.parse(lease.spec.renewTime) + 1000 < Date.now())
          this.store.update(leaseType, { ...lease, spec });
      }
      const endpoints = this.readyBackends(service);
      const port = service.spec.ports?.[0]?.port ?? 80;
      const answers = !silenced.has(`${service.metadata.namespace}/${service.metadata.name}`);
      if (answers && endpoints.length > 0 && this.running.has(next) && holderServes(trafficPolicy, next, backends)) {
        const page = this.pageOf(service.metadata.namespace, endpoints[0]!);
        wanted.set(`${vip}:${port}`, `${next}|${endpoints[0]}|${service.metadata.name}|${page}`);
      }
    }
    // Announce what is wanted; withdraw what is not.
    for (const [key, value] of wanted) {
      if (this.announced.get(key) === value) continue;
      const [vip, port] = key.split(':');
      const [node, backend, svc, page] = value.split('|');
      const previous = this.announced.get(key)?.split('|')[0];
      if (previous && previous !== node && this.running.has(previous))
        withdraw(previous, vip!, port!, vipStillAnnounced(wanted, vip!, previous));
      const served = dockerExec(node!, announceScript(vip!, port!, svc!, backend!, page!));
      if (served) {
        this.announced.set(key, value);
        this.everAnnounced.add(key);
      }
    }
    // Back from a pause, an agent that lost a lease withdraws that VIP (else two nodes would answer ARP).
    for (const node of this.unpaused) {
      for (const key of this.everAnnounced) {
        if (this.announced.get(key)?.split('|')[0] === node) continue;
        const [vip, port] = key.split(':');
        withdraw(node, vip!, port!);
      }
      this.unpaused.delete(node);
    }
    for (const [key, value] of this.announced) {
      if (wanted.has(key)) continue;
      const [vip, port] = key.split(':');
      const node = value.split('|')[0]!;
      if (this.running.has(node)) withdraw(node, vip!, port!, vipStillAnnounced(wanted, vip!, node));
      this.announced.delete(key);
    }
  }

  /**
   * BGP control plane (bgp-speaker.ts): the operator's CiliumBGPNodeConfig per selected node,
   * and in each running selected node a real GoBGP speaker peering as the objects say, with
   * the advertised LoadBalancer IPs on its lo (served by httpd, no gratuitous ARP: in BGP mode
   * nobody announces them on the bridge) and in its RIB with the node's address as next hop.
   * The session status (`gobgp neighbor -j`) is written to the node config's status every 2 s.
   * A stopped node's processes die with it, so its session closes and the router withdraws.
   */
  private reconcileBgp(config: Record<string, string>): void {
    const enabled = config['enable-bgp-control-plane'] === 'true';
    const nodeConfigType = this.type('cilium.io', 'ciliumbgpnodeconfigs');
    const objects = {
      clusterConfigs: enabled ? this.list('cilium.io', 'ciliumbgpclusterconfigs') : [],
      peerConfigs: enabled ? this.list('cilium.io', 'ciliumbgppeerconfigs') : [],
      advertisements: enabled ? this.list('cilium.io', 'ciliumbgpadvertisements') : [],
    };
    const services = this.list('', 'services').filter((s) => s.spec?.type === 'LoadBalancer');
    const speakers = desiredSpeakers(
      objects,
      this.list('', 'nodes'),
      services,
      internalIp,
      (service, node) =>
        this.readyBackendsWithNodes(service)
          .filter((e) => !node || e.node === node)
          .map((e) => e.pod),
      (service, backend) => this.pageOf(service.metadata.namespace, backend),
    );
    const wanted = new Set(speakers.map((s) => s.node));
    // The operator: one node config per selected node; the ones no longer selected go.
    if (nodeConfigType) {
      for (const speaker of speakers) {
        const desired = nodeConfigFor(speaker);
        const existing = this.store.find(nodeConfigType, undefined, speaker.node);
        if (!existing) this.store.create(nodeConfigType, desired);
        else if (JSON.stringify(existing.spec) !== JSON.stringify(desired.spec))
          this.store.update(nodeConfigType, { ...existing, spec: desired.spec });
      }
      for (const existing of this.store.list(nodeConfigType))
        if (!wanted.has(existing.metadata.name)) this.store.delete(nodeConfigType, undefined, existing.metadata.name);
    }
    // The agents: a speaker per running selected node; a node no longer selected stops its own.
    for (const node of [...this.speakers.keys()])
      if (!wanted.has(node) && this.running.has(node)) {
        dockerExec(node, stopSpeakerScript([...(this.bgpVips.get(node)?.keys() ?? [])]));
        this.speakers.delete(node);
        this.bgpVips.delete(node);
      }
    for (const speaker of speakers) {
      if (!this.running.has(speaker.node)) continue;
      this.runSpeaker(speaker);
      if (nodeConfigType && Date.now() - (this.bgpStatusAt.get(speaker.node) ?? 0) >= 2000) {
        this.bgpStatusAt.set(speaker.node, Date.now());
        this.writeBgpStatus(nodeConfigType, speaker);
      }
    }
  }

  /** Starts (or re-configures) a node's gobgpd and keeps its advertised VIPs as wanted. */
  private runSpeaker(speaker: Speaker): void {
    const { node } = speaker;
    const peers = JSON.stringify([speaker.asn, speaker.nodeIp, speaker.peers]);
    if (this.speakers.get(node) !== peers) {
      // A start that failed is tried again after a pause, not on every tick (the exec blocks the server).
      if (Date.now() - (this.speakerFailedAt.get(node) ?? 0) < 10_000) return;
      if (!dockerExec(node, startSpeakerScript(speaker))) {
        this.speakerFailedAt.set(node, Date.now());
        this.log(`bgp: gobgpd did not start in ${node}`);
        return;
      }
      this.log(
        `bgp: ${node} runs gobgpd (AS ${speaker.asn}, peers ${speaker.peers.map((p) => `${p.address} AS ${p.asn}`).join(', ')})`,
      );
      this.speakers.set(node, peers);
      // A new gobgpd has an empty RIB: every VIP is added again.
      this.bgpVips.set(node, new Map());
    }
    const have = this.bgpVips.get(node)!;
    const want = new Map(speaker.vips.map((v) => [`${v.vip}:${v.port}`, `${v.backend}|${v.page}`]));
    for (const entry of speaker.vips) {
      const key = `${entry.vip}:${entry.port}`;
      if (have.get(key) === want.get(key)) continue;
      // The old httpd is gone before the page is replaced: one still exiting keeps the port, and the
      // new one fails to bind while the old serves the removed folder (404).
      const gone = stopMatching(`httpd -p ${key}`);
      const served = dockerExec(
        node,
        `${gone}\n${announceScript(entry.vip, String(entry.port), entry.service, entry.backend, entry.page, false)}\ngobgp global rib add -a ipv4 ${entry.vip}/32 nexthop ${speaker.nodeIp}`,
      );
      if (served) have.set(key, want.get(key)!);
    }
    for (const key of [...have.keys()]) {
      if (want.has(key)) continue;
      const [vip, port] = key.split(':');
      if (dockerExec(node, `gobgp global rib del -a ipv4 ${vip}/32 2>/dev/null; true`)) withdraw(node, vip!, port!);
      have.delete(key);
    }
  }

  private writeBgpStatus(type: NonNullable<ReturnType<CiliumSimulation['type']>>, speaker: Speaker): void {
    const result = spawnSync('docker', ['exec', speaker.node, 'gobgp', 'neighbor', '-j'], {
      encoding: 'utf8',
      timeout: 3_000,
    });
    let neighbors: Obj[];
    try {
      neighbors = JSON.parse(result.stdout || '[]') as Obj[];
    } catch {
      return;
    }
    const existing = this.store.find(type, undefined, speaker.node);
    if (!existing) return;
    const status = {
      bgpInstances: [{ name: speaker.instance, localASN: speaker.asn, peers: peerStatus(speaker, neighbors) }],
    };
    if (JSON.stringify(existing.status ?? {}) !== JSON.stringify(status))
      this.store.update(type, { ...existing, status }, { subresource: 'status' });
  }

  /** Ready endpoints of a service with the node each runs on (running nodes only). */
  private readyBackendsWithNodes(service: Obj): { pod: string; node: string }[] {
    const slice = this.list('discovery.k8s.io', 'endpointslices', service.metadata.namespace).find(
      (s) => s.metadata.labels?.['kubernetes.io/service-name'] === service.metadata.name,
    );
    return ((slice?.endpoints ?? []) as Obj[])
      .filter((e) => e.conditions?.ready && this.running.has(e.nodeName))
      .map((e) => ({ pod: e.targetRef.name as string, node: e.nodeName as string }))
      .sort((a, b) => a.pod.localeCompare(b.pod));
  }

  /**
   * What the backend pod serves at `/`, as its container would: the official nginx image
   * renders a mounted `/etc/nginx/templates/*.template` with envsubst of the variables set in
   * the pod (docker-nginx's 20-envsubst-on-templates.sh), so a `return CODE "TEXT"` there is
   * the answer, with the pod's env (the downward API's metadata.name included) substituted.
   * Without such a template: empty (the lab's "Hello from POD" page). Else base64 of `CODE BODY`.
   */
  private pageOf(namespace: string, podName: string): string {
    const pod = this.list('', 'pods', namespace).find((p) => p.metadata.name === podName);
    // The lab's pods keep only name and image of their container; the rest of the pod spec is the owner's template.
    const owner = pod?.metadata?.ownerReferences?.[0];
    const template =
      owner?.kind === 'ReplicaSet'
        ? this.list('apps', 'replicasets', namespace).find((r) => r.metadata.name === owner.name)?.spec?.template
        : undefined;
    const spec = (template?.spec ?? pod?.spec ?? {}) as Obj;
    const container = (spec.containers ?? [])[0] as Obj | undefined;
    const mount = ((container?.volumeMounts ?? []) as Obj[]).find((m) => m.mountPath === '/etc/nginx/templates');
    const volume = ((spec.volumes ?? []) as Obj[]).find((v) => v.name === mount?.name);
    const configMap = volume?.configMap?.name
      ? this.list('', 'configmaps', namespace).find((c) => c.metadata.name === volume.configMap.name)
      : undefined;
    const config = Object.entries((configMap?.data ?? {}) as Record<string, string>).find(([k]) =>
      k.endsWith('.template'),
    )?.[1];
    const returned = config ? /return\s+(\d{3})\s+"((?:[^"\\]|\\.)*)"/.exec(config) : null;
    const encode = (code: number, body: string) => Buffer.from(`${code} ${body}`).toString('base64');
    // No template: the lab's own page, written as before (an empty page here).
    if (!returned) return '';
    const env = new Map<string, string>();
    for (const e of (container?.env ?? []) as Obj[]) {
      if (typeof e.value === 'string') env.set(e.name, e.value);
      else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.name') env.set(e.name, podName);
      else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') env.set(e.name, namespace);
    }
    // envsubst replaces only the variables that are set; nginx then reads the string's escapes.
    const body = returned[2]!
      .replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, a?: string, b?: string) => env.get((a ?? b)!) ?? whole)
      .replace(/\\n/g, '\n')
      .replace(/\\(.)/g, '$1');
    return encode(Number(returned[1]), body);
  }

  /** The service's endpoints: where each runs (nodeName, absent for a placeholder) and whether ready. */
  private backendsOf(service: Obj): Backend[] {
    return this.list('discovery.k8s.io', 'endpointslices', service.metadata.namespace)
      .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === service.metadata.name)
      .flatMap((s) => (s.endpoints ?? []) as Obj[])
      .map((e) => ({
        ready: e.conditions?.ready !== false && (!e.nodeName || this.running.has(e.nodeName)),
        ...(e.nodeName ? { nodeName: e.nodeName as string } : {}),
      }));
  }

  private readyBackends(service: Obj): string[] {
    const slice = this.list('discovery.k8s.io', 'endpointslices', service.metadata.namespace).find(
      (s) => s.metadata.labels?.['kubernetes.io/service-name'] === service.metadata.name,
    );
    return ((slice?.endpoints ?? []) as Obj[])
      .filter((e) => e.conditions?.ready && this.running.has(e.nodeName))
      .map((e) => e.targetRef.name)
      .sort();
  }
}

/** A node leaving BGP: its speaker stopped (the session closes), its VIPs withdrawn from lo. */
function stopSpeakerScript(keys: string[]): string {
  return [
    stopMatching('gobgpd'),
    ...keys.map((key) => {
      const [vip, port] = key.split(':');
      return `ip addr del ${vip}/32 dev lo 2>/dev/null; ip rule del pref 10 to ${vip} ipproto 1 blackhole 2>/dev/null; ${stopMatching(`httpd -p ${vip}:${port}`)}`;
    }),
    'true',
  ].join('\n');
}
