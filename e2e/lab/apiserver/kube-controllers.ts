import { matchesLabels } from './selectors.ts';
import type { KubeObject as Obj } from './kube-object.ts';
import type { LabApiServer } from './server.ts';
import {
  conditionFor,
  now,
  owner,
  podIpFor,
  podIsReady,
  runningPod,
  shortHash,
  stripTime,
  stripTimes,
  taintTime,
  unreachableTaint,
} from './controller-objects.ts';

/**
 * The controllers a kind cluster runs anyway, as far as the lab needs them: the node
 * lifecycle controller (a node whose kubelet stopped posting goes Unknown after the
 * node-monitor grace period, its pods not ready), the default scheduler's spreading,
 * Deployments → ReplicaSets → Pods, and the EndpointSlice controller.
 */
export interface ControllerContext {
  server: LabApiServer;
  /** Node containers that run (their kubelets post status). */
  running: ReadonlySet<string>;
  /** Since when a node container has not run (its kubelet stopped posting). */
  stoppedSince: ReadonlyMap<string, number>;
  nodeMonitorGraceMs: number;
  /** kube-apiserver's --default-unreachable-toleration-seconds (300 s), as milliseconds. */
  unreachableTolerationMs: number;
  /** The pod CIDR the CNI uses on a node (Cilium's cluster-pool differs from spec.podCIDR). */
  podCidrOf(node: Obj): string | undefined;
}

/**
 * The node-monitor grace period of kube-controller-manager: 40 s, 50 s from Kubernetes
 * 1.32 (kubernetes/kubernetes#126287). A lab cluster may set a shorter one for tests.
 */
export function defaultNodeMonitorGraceMs(kubernetesVersion: string): number {
  const [, major = '1', minor = '33'] = /^v?(\d+)\.(\d+)/.exec(kubernetesVersion) ?? [];
  return Number(major) > 1 || Number(minor) >= 32 ? 50_000 : 40_000;
}

export class KubeControllers {
  private readonly ctx: ControllerContext;

  constructor(ctx: ControllerContext) {
    this.ctx = ctx;
  }

  private get store() {
    return this.ctx.server.store;
  }

  private type(group: string, plural: string) {
    return this.ctx.server.typeFor(group, plural)!;
  }

  private list(group: string, plural: string, namespace?: string): Obj[] {
    return this.store.list(this.type(group, plural), namespace);
  }

  /** True when the node lifecycle controller has given up on the node's kubelet. */
  unreachable(nodeName: string): boolean {
    const since = this.ctx.stoppedSince.get(nodeName);
    return since !== undefined && Date.now() - since >= this.ctx.nodeMonitorGraceMs;
  }

  /**
   * Taint-based eviction: pods of a ReplicaSet tolerate `unreachable:NoExecute` for the
   * default 300 s; then the controller deletes them. The kubelet that would finish the
   * deletion is gone, so they stay Terminating (their ReplicaSet replaces them elsewhere)
   * until the node is back; then they go. DaemonSet pods tolerate it forever.
   */
  reconcileEvictions(): void {
    const podType = this.type('', 'pods');
    for (const pod of this.list('', 'pods')) {
      const node = pod.spec?.nodeName as string | undefined;
      if (!node) continue;
      const byReplicaSet = ((pod.metadata.ownerReferences ?? []) as Obj[]).some((r) => r.kind === 'ReplicaSet');
      if (pod.metadata.deletionTimestamp) {
        if (this.ctx.running.has(node)) this.store.delete(podType, pod.metadata.namespace, pod.metadata.name);
        continue;
      }
      const since = this.ctx.stoppedSince.get(node);
      if (
        byReplicaSet &&
        since !== undefined &&
        Date.now() - since >= this.ctx.nodeMonitorGraceMs + this.ctx.unreachableTolerationMs
      )
        this.store.terminate(podType, pod.metadata.namespace, pod.metadata.name);
    }
  }

  /**
   * Ready is the kubelet's word (True with a CNI, False without) while it posts; after the
   * grace period without a post, the controller sets every condition to Unknown, taints the
   * node unreachable and marks its pods not ready. A node whose kubelet posts again is back.
   */
  reconcileNodeLifecycle(cni: boolean): void {
    const nodeType = this.type('', 'nodes');
    const podType = this.type('', 'pods');
    for (const node of this.list('', 'nodes')) {
      const name = node.metadata.name as string;
      const lost = this.unreachable(name);
      const conditions = ((node.status?.conditions ?? []) as Obj[]).map((c) => conditionFor(c, lost, cni));
      const taints = ((node.spec?.taints ?? []) as Obj[]).filter(
        (t) => t.key !== unreachableTaint && t.key !== 'node.kubernetes.io/not-ready',
      );
      if (lost)
        taints.push(
          { key: unreachableTaint, effect: 'NoSchedule', timeAdded: taintTime(node, 'NoSchedule') },
          { key: unreachableTaint, effect: 'NoExecute', timeAdded: taintTime(node, 'NoExecute') },
        );
      else if (!cni) taints.push({ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
      let current = node;
      if (JSON.stringify(taints.map(stripTime)) !== JSON.stringify(((node.spec?.taints ?? []) as Obj[]).map(stripTime)))
        current = this.store.update(nodeType, { ...node, spec: { ...node.spec, taints } });
      if (
        JSON.stringify(conditions.map(stripTimes)) !==
        JSON.stringify(((node.status?.conditions ?? []) as Obj[]).map(stripTimes))
      )
        this.store.update(
          nodeType,
          { ...current, status: { ...current.status, conditions } },
          { subresource: 'status' },
        );
      // MarkPodsNotReady: the pods' Ready condition goes False (phase and container statuses stay).
      // Only pods whose containers are ready are flipped back (a crash-looping one stays not ready).
      const containersReady = (p: Obj) => ((p.status?.containerStatuses ?? []) as Obj[]).every((c) => c.ready);
      for (const pod of this.list('', 'pods').filter(
        (p) => p.spec?.nodeName === name && p.status?.phase === 'Running' && containersReady(p),
      )) {
        const want = lost ? 'False' : 'True';
        const podConditions = ((pod.status?.conditions ?? []) as Obj[]).map((c) =>
          c.type === 'Ready' && c.status !== want ? { ...c, status: want, lastTransitionTime: now() } : c,
        );
        if (JSON.stringify(podConditions) !== JSON.stringify(pod.status.conditions))
          this.store.update(
            podType,
            { ...pod, status: { ...pod.status, conditions: podConditions } },
            { subresource: 'status' },
          );
      }
    }
  }

  /** Nodes the default scheduler may place a pod on, for a template's nodeSelector. */
  private eligibleNodes(template: Obj): Obj[] {
    const selector = Object.entries((template.spec?.nodeSelector ?? {}) as Record<string, string>).map(
      ([key, value]) => ({ key, op: 'eq' as const, value: String(value) }),
    );
    return this.list('', 'nodes').filter((n) => {
      if (n.spec?.unschedulable) return false;
      // The not-ready taint of a cluster without CNI is kept out of this check: such pods are bound and Pending until the CNI comes.
      if (
        ((n.spec?.taints ?? []) as Obj[]).some(
          (t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && t.key !== 'node.kubernetes.io/not-ready',
        )
      )
        return false;
      return matchesLabels(n.metadata.labels, selector);
    });
  }

  /**
   * The default scheduler's spreading (PodTopologySpread's system default on
   * kubernetes.io/hostname, then least allocated): the node with the fewest pods of the
   * same owner, then the fewest pods, then the name.
   */
  private pickNode(candidates: Obj[], placed: Map<string, { owned: number; total: number }>): Obj | undefined {
    const score = (n: Obj) => placed.get(n.metadata.name) ?? { owned: 0, total: 0 };
    return [...candidates].sort(
      (a, b) =>
        score(a).owned - score(b).owned ||
        score(a).total - score(b).total ||
        String(a.metadata.name).localeCompare(b.metadata.name),
    )[0];
  }

  private placement(ownerUid: string): Map<string, { owned: number; total: number }> {
    const placed = new Map<string, { owned: number; total: number }>();
    for (const pod of this.list('', 'pods')) {
      const node = pod.spec?.nodeName;
      if (!node) continue;
      const entry = placed.get(node) ?? { owned: 0, total: 0 };
      entry.total += 1;
      if ((pod.metadata.ownerReferences ?? []).some((r: Obj) => r.uid === ownerUid)) entry.owned += 1;
      placed.set(node, entry);
    }
    return placed;
  }

  reconcileDeployments(cni: boolean): void {
    const podType = this.type('', 'pods');
    const rsType = this.type('apps', 'replicasets');
    const deployType = this.type('apps', 'deployments');
    for (const deployment of this.list('apps', 'deployments')) {
      const ns = deployment.metadata.namespace;
      const template = deployment.spec.template ?? {};
      const hash = shortHash(JSON.stringify(template)).slice(0, 10);
      const rsName = `${deployment.metadata.name}-${hash}`;
      const replicas = deployment.spec.replicas ?? 1;
      let rs = this.store.find(rsType, ns, rsName);
      if (!rs) {
        rs = this.store.create(rsType, {
          metadata: {
            name: rsName,
            namespace: ns,
            labels: { ...template.metadata?.labels, 'pod-template-hash': hash },
            ownerReferences: [owner(deployment, 'apps/v1', 'Deployment')],
          },
          spec: { replicas, selector: deployment.spec.selector, template },
        });
      } else if (rs.spec.replicas !== replicas)
        rs = this.store.update(rsType, { ...rs, spec: { ...rs.spec, replicas } });
      // Old ReplicaSets of this Deployment go (a rollout, simplified).
      for (const old of this.list('apps', 'replicasets', ns)) {
        if (
          old.metadata.name !== rsName &&
          (old.metadata.ownerReferences ?? []).some((r: Obj) => r.uid === deployment.metadata.uid)
        )
          this.ctx.server.deleteWithDependents(rsType, ns, old.metadata.name);
      }
      const owned = (p: Obj) => (p.metadata.ownerReferences ?? []).some((r: Obj) => r.uid === rs!.metadata.uid);
      // Terminating pods no longer count as replicas: the ReplicaSet replaces them.
      const pods = this.list('', 'pods', ns).filter((p) => owned(p) && !p.metadata.deletionTimestamp);
      const candidates = this.eligibleNodes(template);
      const placed = this.placement(rs.metadata.uid);
      for (let i = pods.length; i < replicas; i += 1) {
        const node = this.pickNode(candidates, placed);
        if (node) {
          const entry = placed.get(node.metadata.name) ?? { owned: 0, total: 0 };
          placed.set(node.metadata.name, { owned: entry.owned + 1, total: entry.total + 1 });
        }
        const name = `${rsName}-${shortHash(`${rsName}-${Date.now()}-${i}`).slice(0, 5)}`;
        const pod = runningPod(
          ns,
          name,
          node?.metadata.name,
          undefined,
          { ...template.metadata?.labels, 'pod-template-hash': hash },
          rs,
          template.spec?.containers?.[0]?.name ?? 'app',
          template.spec?.containers?.[0]?.image ?? 'nginx',
        );
        if (!node || !cni)
          Object.assign(pod, {
            status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: node ? 'True' : 'False' }] },
          });
        else pod.status.podIP = podIpFor(this.ctx.podCidrOf(node), this.list('', 'pods').length + i);
        this.store.create(podType, pod);
      }
      for (const extra of pods.slice(replicas)) this.store.delete(podType, ns, extra.metadata.name);
      // Pending pods start once the CNI is there.
      for (const pod of pods.slice(0, replicas)) {
        if (cni && pod.status?.phase === 'Pending' && pod.spec.nodeName) {
          const node = candidates.find((n) => n.metadata.name === pod.spec.nodeName);
          if (node)
            this.store.update(
              podType,
              {
                ...pod,
                status: runningPod(
                  ns,
                  pod.metadata.name,
                  node.metadata.name,
                  podIpFor(this.ctx.podCidrOf(node), this.list('', 'pods').length),
                  {},
                  rs,
                  'app',
                  'x',
                ).status,
              },
              { subresource: 'status' },
            );
        }
      }
      const ready = this.list('', 'pods', ns).filter((p) => owned(p) && podIsReady(p)).length;
      const status = {
        observedGeneration: deployment.metadata.generation,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: ready,
        availableReplicas: ready,
        ...(ready < replicas ? { unavailableReplicas: replicas - ready } : {}),
        conditions: [
          {
            type: 'Available',
            status: ready >= replicas ? 'True' : 'False',
            reason: ready >= replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
            message:
              ready >= replicas
                ? 'Deployment has minimum availability.'
                : 'Deployment does not have minimum availability.',
          },
        ],
      };
      if (JSON.stringify(deployment.status) !== JSON.stringify(status))
        this.store.update(deployType, { ...deployment, status }, { subresource: 'status' });
      if (rs.status?.readyReplicas !== ready || rs.status?.replicas !== replicas)
        this.store.update(
          rsType,
          {
            ...rs,
            status: { replicas, readyReplicas: ready, availableReplicas: ready, fullyLabeledReplicas: replicas },
          },
          { subresource: 'status' },
        );
    }
  }

  /**
   * As the EndpointSlice controller: every scheduled pod with an IP is listed, ready and
   * serving by its Ready condition — a pod on an unreachable node stays in the slice with
   * `ready: false`, so the service has no ready endpoint there.
   */
  reconcileEndpointSlices(): void {
    const sliceType = this.type('discovery.k8s.io', 'endpointslices');
    for (const service of this.list('', 'services')) {
      if (!service.spec?.selector) continue;
      const ns = service.metadata.namespace;
      const pods = this.list('', 'pods', ns).filter(
        (p) =>
          p.status?.podIP &&
          p.spec?.nodeName &&
          matchesLabels(
            p.metadata.labels,
            Object.entries(service.spec.selector).map(([key, value]) => ({
              key,
              op: 'eq' as const,
              value: String(value),
            })),
          ),
      );
      const name = `${service.metadata.name}-${shortHash(service.metadata.uid).slice(0, 5)}`;
      const desired = {
        metadata: {
          name,
          namespace: ns,
          labels: {
            'kubernetes.io/service-name': service.metadata.name,
            'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
          },
          ownerReferences: [owner(service, 'v1', 'Service')],
        },
        addressType: 'IPv4',
        endpoints: pods.map((p) => ({
          addresses: [p.status.podIP],
          conditions: {
            ready: podIsReady(p),
            serving: podIsReady(p),
            terminating: Boolean(p.metadata.deletionTimestamp),
          },
          nodeName: p.spec.nodeName,
          targetRef: { kind: 'Pod', name: p.metadata.name, namespace: ns, uid: p.metadata.uid },
        })),
        ports: (service.spec.ports ?? []).map((p: Obj) => ({
          name: p.name ?? '',
          port: typeof p.targetPort === 'number' ? p.targetPort : p.port,
          protocol: p.protocol ?? 'TCP',
        })),
      };
      const existing = this.store.find(sliceType, ns, name);
      if (!existing) this.store.create(sliceType, desired);
      else if (
        JSON.stringify([existing.endpoints, existing.ports]) !== JSON.stringify([desired.endpoints, desired.ports])
      )
        this.store.update(sliceType, { ...existing, endpoints: desired.endpoints, ports: desired.ports });
    }
  }
}
