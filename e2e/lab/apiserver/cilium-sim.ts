import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { matchesLabels } from './selectors.ts';
import type { KubeObject as Obj } from './kube-object.ts';
import type { LabApiServer } from './server.ts';
import { setNodesReady } from './bootstrap.ts';

/**
 * Simulated Cilium (LAB.md §3), driven by what the helm stand-in installs (the
 * `cilium-config` ConfigMap and the `cilium` DaemonSet), with the data path made real in
 * the node containers: cilium_host and pod CIDR routes, and for L2 announcements the VIP
 * on the lease holder's `lo`, a gratuitous ARP, and httpd answering while the service has
 * ready endpoints. Also the controllers a kind cluster has anyway: Deployments →
 * ReplicaSets → Pods, and EndpointSlices.
 */
export class CiliumSimulation {
  private readonly running = new Set<string>();
  private readonly applied = new Map<string, string>();
  private readonly announced = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private events: ReturnType<typeof spawn> | undefined;
  private busy = false;

  private readonly server: LabApiServer;
  private readonly cluster: { name: string; nodes: { name: string; role: string }[] };
  private readonly log: (line: string) => void;

  constructor(server: LabApiServer, cluster: { name: string; nodes: { name: string; role: string }[] }, log: (line: string) => void) {
    this.server = server;
    this.cluster = cluster;
    this.log = log;
  }

  start(): void {
    for (const node of this.cluster.nodes) if (dockerOk(['inspect', '-f', '{{.State.Running}}', node.name]).trim() === 'true') this.running.add(node.name);
    this.events = spawn('docker', ['events', '--format', '{{json .}}', '--filter', `label=io.x-k8s.kind.cluster=${this.cluster.name}`, '--filter', 'type=container'], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.events.stdout?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        try {
          const event = JSON.parse(line) as { Action: string; Actor: { Attributes: Record<string, string> } };
          const name = event.Actor.Attributes.name!;
          if (event.Action === 'start') {
            this.running.add(name);
            this.applied.delete(name);
          } else if (event.Action === 'die') {
            this.running.delete(name);
            this.applied.delete(name);
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
    const cm = this.type('', 'configmaps') && this.store.find(this.type('', 'configmaps')!, 'kube-system', 'cilium-config');
    const ds = this.type('apps', 'daemonsets') && this.store.find(this.type('apps', 'daemonsets')!, 'kube-system', 'cilium');
    return cm && ds ? (cm.data as Record<string, string>) : undefined;
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const config = this.config();
      this.reconcileNodes(config);
      if (config) await this.reconcileDatapath(config);
      this.reconcileDeployments(Boolean(config));
      this.reconcileEndpointSlices();
      if (config) this.reconcileLbIpam();
      if (config) await this.reconcileL2(config);
    } catch (error) {
      this.log(`cilium simulation: ${(error as Error).stack}`);
    } finally {
      this.busy = false;
    }
  }

  private reconcileNodes(config: Record<string, string> | undefined): void {
    const nodes = this.list('', 'nodes');
    const ready = Boolean(config);
    if (nodes.some((n) => (n.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status !== (ready ? 'True' : 'False')))) {
      if (ready) setNodesReady(this.server, true);
    }
    if (!config) return;
    // The agent DaemonSet's pods, one per node, and the operator's.
    const podType = this.type('', 'pods')!;
    const dsType = this.type('apps', 'daemonsets')!;
    const ds = this.store.find(dsType, 'kube-system', 'cilium')!;
    for (const node of nodes) {
      const name = `cilium-${shortHash(node.metadata.name)}`;
      if (!this.store.find(podType, 'kube-system', name)) {
        this.store.create(podType, runningPod('kube-system', name, node.metadata.name, node.status.addresses.find((a: Obj) => a.type === 'InternalIP')?.address, { 'k8s-app': 'cilium' }, ds, 'cilium-agent', `quay.io/cilium/cilium:v${config['cilium-version'] ?? '1.16.5'}`));
      }
    }
    const count = nodes.length;
    if (ds.status?.numberReady !== count) {
      this.store.update(dsType, { ...ds, status: { desiredNumberScheduled: count, currentNumberScheduled: count, numberReady: count, numberAvailable: count, updatedNumberScheduled: count, observedGeneration: ds.metadata.generation } }, { subresource: 'status' });
    }
  }

  /** cilium_host and the pod CIDR routes in every running node. */
  private async reconcileDatapath(config: Record<string, string>): Promise<void> {
    const nodes = this.list('', 'nodes').filter((n) => n.spec?.podCIDR && this.running.has(n.metadata.name));
    const all = this.list('', 'nodes').filter((n) => n.spec?.podCIDR);
    const native = config['routing-mode'] === 'native';
    for (const node of nodes) {
      const hostIp = ciliumHostIp(node);
      const lines = [
        'ip link show cilium_host >/dev/null 2>&1 || { ip link add cilium_host type veth peer name cilium_net && ip link set cilium_net up; }',
        'ip link set cilium_host up',
        `ip addr replace ${hostIp}/32 dev cilium_host`,
        `ip route replace ${hostIp} dev cilium_host proto kernel scope link`,
      ];
      for (const other of all) {
        const cidr = other.spec.podCIDR;
        if (other.metadata.name === node.metadata.name) lines.push(`ip route replace ${cidr} via ${hostIp} dev cilium_host proto kernel src ${hostIp}`);
        else if (native) lines.push(`ip route replace ${cidr} via ${internalIp(other)} dev eth0 proto kernel`);
        else lines.push(`ip route replace ${cidr} via ${hostIp} dev cilium_host proto kernel src ${hostIp} mtu 1450`);
      }
      const script = lines.join('\n');
      if (this.applied.get(node.metadata.name) === script) continue;
      if (dockerExec(node.metadata.name, script)) this.applied.set(node.metadata.name, script);
    }
  }

  private reconcileDeployments(cni: boolean): void {
    const podType = this.type('', 'pods')!;
    const rsType = this.type('apps', 'replicasets')!;
    const deployType = this.type('apps', 'deployments')!;
    const schedulable = this.list('', 'nodes').filter((n) => !(n.spec?.taints ?? []).some((t: Obj) => t.effect === 'NoSchedule' && t.key !== 'node.kubernetes.io/not-ready'));
    for (const deployment of this.list('apps', 'deployments')) {
      const ns = deployment.metadata.namespace;
      const template = deployment.spec.template ?? {};
      const hash = shortHash(JSON.stringify(template)).slice(0, 10);
      const rsName = `${deployment.metadata.name}-${hash}`;
      const replicas = deployment.spec.replicas ?? 1;
      let rs = this.store.find(rsType, ns, rsName);
      if (!rs) {
        rs = this.store.create(rsType, { metadata: { name: rsName, namespace: ns, labels: { ...template.metadata?.labels, 'pod-template-hash': hash }, ownerReferences: [owner(deployment, 'apps/v1', 'Deployment')] }, spec: { replicas, selector: deployment.spec.selector, template } });
      } else if (rs.spec.replicas !== replicas) rs = this.store.update(rsType, { ...rs, spec: { ...rs.spec, replicas } });
      // Old ReplicaSets of this Deployment go (a rollout, simplified).
      for (const old of this.list('apps', 'replicasets', ns)) {
        if (old.metadata.name !== rsName && (old.metadata.ownerReferences ?? []).some((r: Obj) => r.uid === deployment.metadata.uid)) this.server.deleteWithDependents(rsType, ns, old.metadata.name);
      }
      const pods = this.list('', 'pods', ns).filter((p) => (p.metadata.ownerReferences ?? []).some((r: Obj) => r.uid === rs!.metadata.uid));
      for (let i = pods.length; i < replicas; i += 1) {
        const node = schedulable.length > 0 ? schedulable[(pods.length + i) % schedulable.length] : undefined;
        const name = `${rsName}-${shortHash(`${rsName}-${Date.now()}-${i}`).slice(0, 5)}`;
        const pod = runningPod(ns, name, node?.metadata.name, undefined, { ...template.metadata?.labels, 'pod-template-hash': hash }, rs, template.spec?.containers?.[0]?.name ?? 'app', template.spec?.containers?.[0]?.image ?? 'nginx');
        if (!node || !cni) Object.assign(pod, { status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: node ? 'True' : 'False' }] } });
        else pod.status.podIP = podIpFor(node, this.list('', 'pods').length + i);
        this.store.create(podType, pod);
      }
      for (const extra of pods.slice(replicas)) this.store.delete(podType, ns, extra.metadata.name);
      // Pending pods start once the CNI is there.
      for (const pod of pods.slice(0, replicas)) {
        if (cni && pod.status?.phase === 'Pending' && pod.spec.nodeName) {
          const node = schedulable.find((n) => n.metadata.name === pod.spec.nodeName);
          if (node) this.store.update(podType, { ...pod, status: runningPod(ns, pod.metadata.name, node.metadata.name, podIpFor(node, this.list('', 'pods').length), {}, rs, 'app', 'x').status }, { subresource: 'status' });
        }
      }
      const ready = this.list('', 'pods', ns).filter((p) => (p.metadata.ownerReferences ?? []).some((r: Obj) => r.uid === rs!.metadata.uid) && p.status?.phase === 'Running').length;
      const status = { observedGeneration: deployment.metadata.generation, replicas, updatedReplicas: replicas, readyReplicas: ready, availableReplicas: ready, ...(ready < replicas ? { unavailableReplicas: replicas - ready } : {}), conditions: [{ type: 'Available', status: ready >= replicas ? 'True' : 'False', reason: ready >= replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', message: ready >= replicas ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.' }] };
      if (JSON.stringify(deployment.status) !== JSON.stringify(status)) this.store.update(deployType, { ...deployment, status }, { subresource: 'status' });
      if (rs.status?.readyReplicas !== ready || rs.status?.replicas !== replicas) this.store.update(rsType, { ...rs, status: { replicas, readyReplicas: ready, availableReplicas: ready, fullyLabeledReplicas: replicas } }, { subresource: 'status' });
    }
  }

  private reconcileEndpointSlices(): void {
    const sliceType = this.type('discovery.k8s.io', 'endpointslices')!;
    for (const service of this.list('', 'services')) {
      if (!service.spec?.selector) continue;
      const ns = service.metadata.namespace;
      const pods = this.list('', 'pods', ns).filter((p) => p.status?.podIP && matchesLabels(p.metadata.labels, Object.entries(service.spec.selector).map(([key, value]) => ({ key, op: 'eq' as const, value: String(value) }))));
      const name = `${service.metadata.name}-${shortHash(service.metadata.uid).slice(0, 5)}`;
      const desired = {
        metadata: { name, namespace: ns, labels: { 'kubernetes.io/service-name': service.metadata.name, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' }, ownerReferences: [owner(service, 'v1', 'Service')] },
        addressType: 'IPv4',
        endpoints: pods.map((p) => ({ addresses: [p.status.podIP], conditions: { ready: p.status.phase === 'Running', serving: p.status.phase === 'Running', terminating: false }, nodeName: p.spec.nodeName, targetRef: { kind: 'Pod', name: p.metadata.name, namespace: ns, uid: p.metadata.uid } })),
        ports: (service.spec.ports ?? []).map((p: Obj) => ({ name: p.name ?? '', port: typeof p.targetPort === 'number' ? p.targetPort : p.port, protocol: p.protocol ?? 'TCP' })),
      };
      const existing = this.store.find(sliceType, ns, name);
      if (!existing) this.store.create(sliceType, desired);
      else if (JSON.stringify([existing.endpoints, existing.ports]) !== JSON.stringify([desired.endpoints, desired.ports])) this.store.update(sliceType, { ...existing, endpoints: desired.endpoints, ports: desired.ports });
    }
  }

  /** LB-IPAM: LoadBalancer services get an address from the first matching, enabled pool. */
  private reconcileLbIpam(): void {
    const poolType = this.type('cilium.io', 'ciliumloadbalancerippools');
    const svcType = this.type('', 'services')!;
    const pools = poolType ? this.store.list(poolType) : [];
    const services = this.list('', 'services').filter((s) => s.spec?.type === 'LoadBalancer');
    const used = new Map<string, string>();
    for (const s of services) for (const ingress of s.status?.loadBalancer?.ingress ?? []) used.set(ingress.ip, `${s.metadata.namespace}/${s.metadata.name}`);
    for (const service of services) {
      if ((service.status?.loadBalancer?.ingress ?? []).length > 0) continue;
      const labels = { ...service.metadata.labels, 'io.kubernetes.service.namespace': service.metadata.namespace, 'io.kubernetes.service.name': service.metadata.name };
      const pool = pools.find((p) => !p.spec?.disabled && selectorMatches(p.spec?.serviceSelector, labels));
      let ip: string | undefined;
      if (pool) for (const candidate of poolAddresses(pool)) if (!used.has(candidate)) { ip = candidate; break; }
      const condition = ip
        ? { type: 'cilium.io/IPAMRequestSatisfied', status: 'True', reason: 'satisfied', message: '', lastTransitionTime: now() }
        : { type: 'cilium.io/IPAMRequestSatisfied', status: 'False', reason: pool ? 'out_of_ips' : 'no_pool', message: pool ? 'There are no more free IPs in the matching pools' : 'There are no enabled CiliumLoadBalancerIPPools that match this service', lastTransitionTime: now() };
      const previous = (service.status?.conditions ?? []).find((c: Obj) => c.type === condition.type);
      if (ip) used.set(ip, service.metadata.name);
      if (!ip && previous?.reason === condition.reason) continue;
      this.store.update(svcType, { ...service, status: { loadBalancer: ip ? { ingress: [{ ip, ipMode: 'VIP' }] } : {}, conditions: [condition] } }, { subresource: 'status' });
    }
    for (const pool of pools) {
      const total = poolAddresses(pool).length;
      const inUse = [...used.keys()].filter((ip) => poolAddresses(pool).includes(ip)).length;
      const conditions = [
        ['cilium.io/IPsTotal', total],
        ['cilium.io/IPsAvailable', total - inUse],
        ['cilium.io/IPsUsed', inUse],
      ].map(([type, value]) => ({ type, status: 'Unknown', reason: 'noreason', message: String(value), observedGeneration: pool.metadata.generation, lastTransitionTime: now() }));
      conditions.push({ type: 'cilium.io/PoolConflict', status: 'False', reason: 'resolved', message: '', observedGeneration: pool.metadata.generation, lastTransitionTime: now() });
      const strip = (list: Obj[] = []) => JSON.stringify(list.map(({ lastTransitionTime: _t, ...rest }) => rest));
      if (strip(pool.status?.conditions) !== strip(conditions)) this.store.update(poolType!, { ...pool, status: { conditions } }, { subresource: 'status' });
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
    for (const service of this.list('', 'services').filter((s) => s.spec?.type === 'LoadBalancer')) {
      const vip = service.status?.loadBalancer?.ingress?.[0]?.ip;
      if (!vip) continue;
      const policy = policies.find((p) => p.spec?.loadBalancerIPs !== false && selectorMatches(p.spec?.serviceSelector, service.metadata.labels ?? {}));
      if (!policy) continue;
      const interfaces = (policy.spec?.interfaces ?? []) as string[];
      if (interfaces.length > 0 && !interfaces.some((pattern) => new RegExp(pattern).test('eth0'))) continue;
      const eligible = nodes.filter((n) => selectorMatches(policy.spec?.nodeSelector, n.metadata.labels ?? {})).map((n) => n.metadata.name).sort();
      const leaseName = `cilium-l2announce-${service.metadata.namespace}-${service.metadata.name}`;
      const lease = this.store.find(leaseType, 'kube-system', leaseName);
      const holder = lease?.spec?.holderIdentity as string | undefined;
      const expired = !lease || Date.parse(lease.spec.renewTime) + durationS * 1000 < Date.now();
      let next = holder;
      if (!holder || !eligible.includes(holder) || (expired && !this.running.has(holder))) next = eligible.find((n) => this.running.has(n));
      if (!next) continue;
      const spec = { holderIdentity: next, leaseDurationSeconds: durationS, renewTime: microTime(), acquireTime: next === holder ? lease!.spec.acquireTime : microTime(), leaseTransitions: (lease?.spec?.leaseTransitions ?? 0) + (holder && next !== holder ? 1 : 0) };
      // The holder renews while its node runs; a stopped holder's lease runs out.
      if (!lease) this.store.create(leaseType, { metadata: { name: leaseName, namespace: 'kube-system' }, spec });
      else if (next !== holder || this.running.has(next)) {
        if (next !== holder || Date.parse(lease.spec.renewTime) + 1000 < Date.now()) this.store.update(leaseType, { ...lease, spec });
      }
      const endpoints = this.readyBackends(service);
      const port = service.spec.ports?.[0]?.port ?? 80;
      if (endpoints.length > 0 && this.running.has(next)) wanted.set(`${vip}:${port}`, `${next}|${endpoints[0]}|${service.metadata.name}`);
    }
    // Announce what is wanted; withdraw what is not.
    for (const [key, value] of wanted) {
      if (this.announced.get(key) === value) continue;
      const [vip, port] = key.split(':');
      const [node, backend, svc] = value.split('|');
      const previous = this.announced.get(key)?.split('|')[0];
      if (previous && previous !== node && this.running.has(previous)) withdraw(previous, vip!, port!);
      const served = dockerExec(node!, announceScript(vip!, port!, svc!, backend!));
      if (served) this.announced.set(key, value);
    }
    for (const [key, value] of this.announced) {
      if (wanted.has(key)) continue;
      const [vip, port] = key.split(':');
      const node = value.split('|')[0]!;
      if (this.running.has(node)) withdraw(node, vip!, port!);
      this.announced.delete(key);
    }
  }

  private readyBackends(service: Obj): string[] {
    const slice = this.list('discovery.k8s.io', 'endpointslices', service.metadata.namespace).find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === service.metadata.name);
    return ((slice?.endpoints ?? []) as Obj[]).filter((e) => e.conditions?.ready && this.running.has(e.nodeName)).map((e) => e.targetRef.name).sort();
  }
}

/**
 * The holder takes the VIP: on `lo` (Cilium answers ARP from BPF without the address on
 * eth0), httpd on the service port, and ICMP to the VIP dropped — Cilium's datapath
 * answers only the service's ports, so `ping VIP` gets nothing (cilium/cilium#14118). The
 * drop is an `ip rule` blackhole for `to VIP ipproto 1` (ICMP; numeric, the image has no /etc/protocols): per address and protocol, with
 * the real iproute2 already in the node image (no iptables binaries and their extension
 * modules to ship), leaving ping to the node's own addresses alone. It must sit before
 * the local table's rule, so that rule moves from priority 0 to 100 — as Cilium itself
 * moves it. The takeover is announced with a gratuitous ARP *reply* (opcode 2), as
 * Cilium's L2 announcer sends (cilium/cilium#25933): busybox `arping -A`.
 */
function announceScript(vip: string, port: string, svc: string, backend: string): string {
  return [
    `ip addr replace ${vip}/32 dev lo`,
    'ip rule show pref 100 | grep -q "lookup local" || { ip rule add pref 100 lookup local && ip rule del pref 0 lookup local; }',
    `ip rule del pref 10 to ${vip} ipproto 1 blackhole 2>/dev/null; ip rule add pref 10 to ${vip} ipproto 1 blackhole`,
    `mkdir -p /www/${svc}`,
    `echo "Hello from ${backend}" > /www/${svc}/index.html`,
    `pkill -f "httpd -p ${vip}:${port}" 2>/dev/null; httpd -p ${vip}:${port} -h /www/${svc}`,
    `arping -A -c 1 -I eth0 -s ${vip} ${vip} >/dev/null 2>&1 || true`,
  ].join('\n');
}

function withdraw(node: string, vip: string, port: string): void {
  dockerExec(node, `ip addr del ${vip}/32 dev lo 2>/dev/null; ip rule del pref 10 to ${vip} ipproto 1 blackhole 2>/dev/null; pkill -f "httpd -p ${vip}:${port}" 2>/dev/null; true`);
}

function dockerOk(args: string[]): string {
  return spawnSync('docker', args, { encoding: 'utf8' }).stdout ?? '';
}

/** Runs a fixed script (values computed here, never user text) in a node container. */
function dockerExec(node: string, script: string): boolean {
  const result = spawnSync('docker', ['exec', node, 'sh', '-c', script], { encoding: 'utf8', timeout: 15_000 });
  return result.status === 0;
}

function selectorMatches(selector: Obj | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  const requirements = [
    ...Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({ key, op: 'eq' as const, value: String(value) })),
    ...((selector.matchExpressions ?? []) as Obj[]).map((e) =>
      e.operator === 'In' ? { key: e.key, op: 'in' as const, values: e.values } : e.operator === 'NotIn' ? { key: e.key, op: 'notin' as const, values: e.values } : e.operator === 'Exists' ? { key: e.key, op: 'exists' as const } : { key: e.key, op: 'notexists' as const },
    ),
  ];
  return matchesLabels(labels, requirements);
}

/** The addresses of a pool: blocks (cidr, start/stop) or the older cidrs; first/last excluded unless allowFirstLastIPs. */
export function poolAddresses(pool: Obj): string[] {
  const blocks = [...((pool.spec?.blocks ?? []) as Obj[]), ...((pool.spec?.cidrs ?? []) as Obj[])];
  const allowEdges = pool.spec?.allowFirstLastIPs === 'Yes';
  const addresses: string[] = [];
  for (const block of blocks) {
    if (block.cidr && !String(block.cidr).includes(':')) {
      const [base, bits] = String(block.cidr).split('/');
      const start = ipToInt(base!);
      const size = 2 ** (32 - Number(bits));
      for (let i = 0; i < size && addresses.length < 4096; i += 1) {
        if (!allowEdges && size > 2 && (i === 0 || i === size - 1)) continue;
        addresses.push(intToIp(start + i));
      }
    } else if (block.start && !String(block.start).includes(':')) {
      const from = ipToInt(block.start);
      const to = block.stop ? ipToInt(block.stop) : from;
      for (let ip = from; ip <= to && addresses.length < 4096; ip += 1) addresses.push(intToIp(ip));
    }
  }
  return addresses;
}

const ipToInt = (ip: string) => ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
const intToIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const microTime = () => new Date().toISOString().replace('Z', '000Z');
const seconds = (text: string) => Number(/^(\d+)/.exec(text)?.[1] ?? 15) * (text.endsWith('m') ? 60 : 1);
const internalIp = (node: Obj) => node.status.addresses.find((a: Obj) => a.type === 'InternalIP' && !a.address.includes(':'))?.address as string;

/** A stable "random" cilium_host address in the node's pod CIDR, like 10.244.1.174. */
export function ciliumHostIp(node: Obj): string {
  const [a, b, c] = String(node.spec.podCIDR).split('.');
  return `${a}.${b}.${c}.${100 + (parseInt(shortHash(node.metadata.name), 16) % 150)}`;
}

function podIpFor(node: Obj, index: number): string {
  const [a, b, c] = String(node.spec.podCIDR).split('.');
  return `${a}.${b}.${c}.${10 + (index % 80)}`;
}

function owner(object: Obj, apiVersion: string, kind: string): Obj {
  return { apiVersion, kind, name: object.metadata.name, uid: object.metadata.uid, controller: true, blockOwnerDeletion: true };
}

function runningPod(namespace: string, name: string, nodeName: string | undefined, hostIp: string | undefined, labels: Record<string, string>, ownerObject: Obj, container: string, image: string): Obj {
  const t = now();
  return {
    metadata: { name, namespace, labels, ownerReferences: [owner(ownerObject, ownerObject.apiVersion ?? 'apps/v1', ownerObject.kind ?? 'ReplicaSet')] },
    spec: { nodeName, containers: [{ name: container, image }] },
    status: {
      phase: 'Running',
      ...(hostIp ? { podIP: hostIp, hostIP: hostIp } : {}),
      startTime: t,
      conditions: [
        { type: 'PodScheduled', status: 'True', lastTransitionTime: t },
        { type: 'Initialized', status: 'True', lastTransitionTime: t },
        { type: 'ContainersReady', status: 'True', lastTransitionTime: t },
        { type: 'Ready', status: 'True', lastTransitionTime: t },
      ],
      containerStatuses: [{ name: container, image, ready: true, started: true, restartCount: 0, state: { running: { startedAt: t } } }],
    },
  };
}
