import { createHash } from 'node:crypto';
import type { KubeObject as Obj } from './kube-object.ts';

/**
 * Objects the lab's controllers write as Kubernetes' own do: running pods with their
 * conditions, owner references, a pod's IP from its node's pod CIDR, and the times and
 * short hashes their names and fields carry; a node's conditions and taints as the node
 * lifecycle controller sets them.
 */

const notReadyMessage =
  'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';
export const unreachableTaint = 'node.kubernetes.io/unreachable';

export function conditionFor(condition: Obj, lost: boolean, cni: boolean): Obj {
  if (lost) {
    if (condition.status === 'Unknown') return condition;
    return {
      ...condition,
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
      lastTransitionTime: now(),
    };
  }
  const healthy = condition.type === 'Ready' ? (cni ? 'True' : 'False') : 'False';
  if (condition.status === healthy && condition.reason !== 'NodeStatusUnknown') return condition;
  const kubelet: Record<string, [string, string]> = {
    Ready: cni ? ['KubeletReady', 'kubelet is posting ready status'] : ['KubeletNotReady', notReadyMessage],
    MemoryPressure: ['KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
    DiskPressure: ['KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
    PIDPressure: ['KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
  };
  const [reason, message] = kubelet[condition.type] ?? [condition.reason, condition.message];
  return {
    ...condition,
    status: healthy,
    reason,
    message,
    lastHeartbeatTime: now(),
    lastTransitionTime: condition.status === healthy ? condition.lastTransitionTime : now(),
  };
}

export function taintTime(node: Obj, effect: string): string {
  return (
    ((node.spec?.taints ?? []) as Obj[]).find((t) => t.key === unreachableTaint && t.effect === effect)?.timeAdded ??
    now()
  );
}

export const stripTime = ({ timeAdded: _t, ...rest }: Obj) => rest;
export const stripTimes = ({ lastHeartbeatTime: _h, lastTransitionTime: _t, ...rest }: Obj) => rest;

export function podIsReady(pod: Obj): boolean {
  return (
    pod.status?.phase === 'Running' &&
    ((pod.status?.conditions ?? []) as Obj[]).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

export const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);
export const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export function podIpFor(cidr: string | undefined, index: number): string | undefined {
  if (!cidr) return undefined;
  const [a, b, c] = cidr.split('.');
  return `${a}.${b}.${c}.${10 + (index % 80)}`;
}

export function owner(object: Obj, apiVersion: string, kind: string): Obj {
  return {
    apiVersion,
    kind,
    name: object.metadata.name,
    uid: object.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function runningPod(
  namespace: string,
  name: string,
  nodeName: string | undefined,
  hostIp: string | undefined,
  labels: Record<string, string>,
  ownerObject: Obj,
  container: string,
  image: string,
): Obj {
  const t = now();
  return {
    metadata: {
      name,
      namespace,
      labels,
      ownerReferences: [owner(ownerObject, ownerObject.apiVersion ?? 'apps/v1', ownerObject.kind ?? 'ReplicaSet')],
    },
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
      containerStatuses: [
        { name: container, image, ready: true, started: true, restartCount: 0, state: { running: { startedAt: t } } },
      ],
    },
  };
}
