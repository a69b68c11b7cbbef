/**
 * The agent DaemonSet's pods, one per node, and their rollout when the DaemonSet's pod template
 * changes (a `helm upgrade` to another image, or `rollOutCiliumPods`' fresh annotation), as the
 * DaemonSet controller does with the chart's RollingUpdate strategy: at most `maxUnavailable`
 * old pods are replaced per pass, each replacement starts not ready and is ready on the next pass, and
 * the status (`updatedNumberScheduled`, `numberAvailable`, `observedGeneration`) says where the
 * rollout is, which is what `kubectl rollout status daemonset/cilium` and helm's --wait read.
 * Agents that would not start crash-loop with the agent's start error.
 */
import type { KubeObject as Obj } from './kube-object.ts';
import type { ObjectStore } from './store.ts';
import type { ResourceType } from './registry.ts';
import { runningPod, shortHash } from './controller-objects.ts';
import { crashLoopStatus } from './cilium-node.ts';

export interface AgentsContext {
  store: ObjectStore;
  type: (group: string, plural: string) => ResourceType | undefined;
  list: (group: string, plural: string, namespace?: string) => Obj[];
}

/** The DaemonSet controller's revision hash of a pod template (a label on each pod it creates). */
export const templateHash = (ds: Obj): string => shortHash(JSON.stringify(ds.spec?.template ?? {})).slice(0, 10);

/** RollingUpdate's maxUnavailable as a pod count (an integer or a percentage of the nodes, rounded up; at least 1). */
export function maxUnavailable(ds: Obj, desired: number): number {
  const value = ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1;
  const count =
    typeof value === 'string' && value.endsWith('%') ? Math.ceil((desired * parseFloat(value)) / 100) : Number(value);
  return Math.max(1, Number.isFinite(count) ? count : 1);
}

const notReady = (pod: Obj): Obj => ({
  ...pod,
  status: {
    ...pod.status,
    conditions: (pod.status.conditions as Obj[]).map((c) =>
      c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False' } : c,
    ),
    containerStatuses: (pod.status.containerStatuses as Obj[]).map((s) => ({ ...s, ready: false })),
  },
});
const ready = (pod: Obj) => pod.status?.containerStatuses?.[0]?.ready === true;

export function reconcileAgents(ctx: AgentsContext, agentError: string | undefined): void {
  const nodes = ctx.list('', 'nodes');
  const podType = ctx.type('', 'pods')!;
  const dsType = ctx.type('apps', 'daemonsets')!;
  const ds = ctx.store.find(dsType, 'kube-system', 'cilium')!;
  const hash = templateHash(ds);
  const image = ds.spec?.template?.spec?.containers?.[0]?.image ?? 'quay.io/cilium/cilium:v1.16.5';
  // The agents by their label, as the DaemonSet's selector finds them (also those of a DaemonSet re-created since).
  const mine = (p: Obj) => p.metadata.labels?.['k8s-app'] === 'cilium' && !p.metadata.deletionTimestamp;
  const pods = ctx.list('', 'pods', 'kube-system').filter(mine);
  let budget = maxUnavailable(ds, nodes.length) - pods.filter((p) => !ready(p) && !agentError).length;
  for (const node of nodes) {
    const existing = pods.find((p) => p.spec?.nodeName === node.metadata.name);
    const fresh = (rollingOut: boolean) => {
      const pod = runningPod(
        'kube-system',
        `cilium-${shortHash(`${node.metadata.name}-${hash}`).slice(0, 5)}`,
        node.metadata.name,
        node.status.addresses.find((a: Obj) => a.type === 'InternalIP')?.address,
        { 'k8s-app': 'cilium', 'controller-revision-hash': hash },
        ds,
        'cilium-agent',
        image,
      );
      if (agentError) return { ...pod, status: crashLoopStatus(pod.status, agentError) };
      return rollingOut ? notReady(pod) : pod;
    };
    if (!existing) {
      ctx.store.create(podType, fresh(false));
      continue;
    }
    if (existing.metadata.labels?.['controller-revision-hash'] !== hash) {
      // An old pod: replaced while the rollout's budget of unavailable pods allows.
      if (budget <= 0) continue;
      budget -= 1;
      ctx.store.delete(podType, 'kube-system', existing.metadata.name);
      ctx.store.create(podType, fresh(true));
      continue;
    }
    const crashing = existing.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff';
    if (agentError && !crashing)
      ctx.store.update(
        podType,
        { ...existing, status: crashLoopStatus(existing.status, agentError) },
        { subresource: 'status' },
      );
    else if (!agentError && !ready(existing)) {
      // Started on the pass before: the agent is up now.
      const up = runningPod(
        'kube-system',
        existing.metadata.name,
        node.metadata.name,
        existing.status.hostIP,
        {},
        ds,
        'cilium-agent',
        image,
      );
      ctx.store.update(podType, { ...existing, status: up.status }, { subresource: 'status' });
    }
  }
  const now = ctx.list('', 'pods', 'kube-system').filter(mine);
  const count = nodes.length;
  const updated = now.filter((p) => p.metadata.labels?.['controller-revision-hash'] === hash).length;
  const readyCount = agentError ? 0 : now.filter(ready).length;
  const status = {
    desiredNumberScheduled: count,
    currentNumberScheduled: count,
    numberReady: readyCount,
    numberAvailable: readyCount,
    ...(readyCount < count ? { numberUnavailable: count - readyCount } : {}),
    updatedNumberScheduled: updated,
    observedGeneration: ds.metadata.generation,
  };
  if (JSON.stringify(ds.status ?? {}) !== JSON.stringify(status))
    ctx.store.update(dsType, { ...ds, status }, { subresource: 'status' });
}
