import type { Finding } from '../../contract';
import type { KubeConfigMap, KubeDaemonSet, KubePod } from '../kube/kube-types';
import type { DiagnoseInput } from './diagnose-input';

export type CiliumState = 'installed' | 'not-installed' | 'unknown';

/** The cilium-config ConfigMap's data: `undefined` unknown (not listed), `null` known absent. */
export function ciliumConfig(input: DiagnoseInput): Record<string, string> | null | undefined {
  const configMaps = input.kube.configMaps;
  if (!configMaps) return undefined;
  return configMaps.find((cm: KubeConfigMap) => cm.metadata.name === 'cilium-config')?.data ?? null;
}

/** The agent DaemonSet (the chart names it `cilium`): `undefined` unknown, `null` known absent. */
export function agentDaemonSet(input: DiagnoseInput): KubeDaemonSet | null | undefined {
  const daemonSets = input.kube.daemonSets;
  if (!daemonSets) return undefined;
  return daemonSets.find((d) => d.metadata.name === 'cilium') ?? null;
}

/**
 * Installed when the chart's cilium-config or agent DaemonSet exists; not installed only
 * when both are known absent; otherwise unknown.
 */
export function ciliumState(input: DiagnoseInput): CiliumState {
  const config = ciliumConfig(input);
  const agents = agentDaemonSet(input);
  if (config || agents) return 'installed';
  if (config === null && agents === null) return 'not-installed';
  return 'unknown';
}

export const podReady = (pod: KubePod) =>
  (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
/**
 * Why a pod is not ready, as kubectl's STATUS column says it: the first waiting or terminated
 * container's reason (ContainerCreating, ErrImagePull, ImagePullBackOff, CrashLoopBackOff…),
 * else the phase. Image pulls are most of the wait on a real machine.
 */
export function podReason(pod: KubePod): string {
  for (const container of pod.status?.containerStatuses ?? []) {
    const waiting = container.state?.waiting?.reason;
    if (waiting)
      return `${waiting}${container.state?.waiting?.message ? ` (${container.state.waiting.message.slice(0, 160)})` : ''}`;
    const terminated = container.state?.terminated?.reason;
    if (terminated)
      return `${terminated}${container.state?.terminated?.exitCode !== undefined ? ` (exit ${container.state.terminated.exitCode})` : ''}`;
  }
  return pod.status?.phase ?? 'Pending';
}

const agentPods = (pods: KubePod[]) => pods.filter((p) => p.metadata.labels?.['k8s-app'] === 'cilium');

export function ciliumNotInstalled(input: DiagnoseInput): Finding[] {
  if (ciliumState(input) !== 'not-installed') return [];
  return [
    {
      code: 'cilium-not-installed',
      message:
        'Cilium is not installed in this cluster (no cilium-config ConfigMap, no cilium DaemonSet in kube-system)',
      fix:
        `helm install cilium cilium/cilium --namespace kube-system --kube-context ${input.context} ` +
        '--set kubeProxyReplacement=true --set l2announcements.enabled=true (or Create lab)',
    },
  ];
}

/** Installed, but the API server does not serve the pool CRD: cilium-operator registers Cilium's CRDs when it starts. */
export function ciliumCrdMissing(input: DiagnoseInput): Finding[] {
  if (ciliumState(input) !== 'installed' || !input.kube.absent.includes('pools')) return [];
  return [
    {
      code: 'cilium-crd-missing',
      message:
        "The API server does not serve CiliumLoadBalancerIPPool: cilium-operator registers Cilium's CRDs when it starts, so it has not run yet",
      fix: `kubectl --context ${input.context} -n kube-system get pods -l io.cilium/app=operator`,
    },
  ];
}

export function agentsNotReady(input: DiagnoseInput): Finding[] {
  const { nodes, pods } = input.kube;
  if (ciliumState(input) !== 'installed' || !nodes || !pods) return [];
  const agents = agentPods(pods);
  return nodes
    .filter((node) => !agents.some((p) => p.spec?.nodeName === node.metadata.name && podReady(p)))
    .map((node) => {
      const pod = agents.find((p) => p.spec?.nodeName === node.metadata.name);
      return {
        code: 'agent-not-ready' as const,
        message: `No ready Cilium agent on ${node.metadata.name}${pod ? ` (${pod.metadata.name}: ${podReason(pod)})` : ' (no agent pod scheduled there yet)'}`,
        fix: `kubectl --context ${input.context} -n kube-system get pods -l k8s-app=cilium -o wide --field-selector spec.nodeName=${node.metadata.name}`,
      };
    });
}

export function agentRestarts(input: DiagnoseInput): Finding[] {
  const pods = input.kube.pods;
  if (!pods) return [];
  const restarts = agentPods(pods).reduce(
    (sum, p) => sum + (p.status?.containerStatuses ?? []).reduce((s, c) => s + (c.restartCount ?? 0), 0),
    0,
  );
  if (restarts === 0) return [];
  return [
    {
      code: 'agent-restarts',
      message: `Cilium agents restarted ${restarts} time${restarts === 1 ? '' : 's'}`,
      fix: `kubectl --context ${input.context} -n kube-system logs -l k8s-app=cilium --previous`,
    },
  ];
}

export function corednsNotReady(input: DiagnoseInput): Finding[] {
  const pods = input.kube.pods;
  if (ciliumState(input) !== 'installed' || !pods) return [];
  const coredns = pods.filter((p) => p.metadata.labels?.['k8s-app'] === 'kube-dns');
  if (coredns.length === 0 || coredns.some(podReady)) return [];
  return [
    {
      code: 'coredns-not-ready',
      message: `CoreDNS has no ready pod: names do not resolve in the cluster (${coredns.map((p) => `${p.metadata.name}: ${podReason(p)}`).join(', ')})`,
      fix: `kubectl --context ${input.context} -n kube-system get pods -l k8s-app=kube-dns`,
    },
  ];
}

/**
 * A node whose container is not running is down now, whatever Kubernetes still says: the
 * node controller marks it NotReady only after its grace period (node-monitor-grace-period,
 * 40 s by default; https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/).
 */
export function nodeContainersStopped(input: DiagnoseInput): Finding[] {
  const { topology } = input;
  const nodes = input.kube.nodes;
  if (!topology || !nodes) return [];
  return topology.nodes
    .filter((container) => containerDown(container) && nodes.some((n) => n.metadata.name === container.name))
    .map((container) => ({
      code: 'node-container-stopped' as const,
      message:
        `The container of node ${container.name} is ${container.state}: the node is down` +
        (nodes.find((n) => n.metadata.name === container.name && ready(n))
          ? ' (Kubernetes still says Ready until its grace period ends)'
          : ''),
      fix: container.state === 'paused' ? `docker unpause ${container.name}` : `docker start ${container.name}`,
    }));
}

/** Docker reports a paused container as Running: it is down all the same (its processes are frozen). */
export function containerDown(container: { state: string; running: boolean }): boolean {
  return !container.running || container.state === 'paused';
}

function ready(node: {
  status?: { conditions?: { type: string; status: string }[] | undefined } | undefined;
}): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * A running node whose container has another address than the one Kubernetes knows: kind fixes
 * each node's address when it makes the cluster (kubeadm's advertise address, the kubelet's
 * --node-ip), and Docker may hand out other addresses when the containers start again
 * (kubernetes-sigs/kind#2045, #3071). The API server, kubelets and Cilium may still use the old one.
 */
export function nodeAddressChanged(input: DiagnoseInput): Finding[] {
  const { topology } = input;
  const nodes = input.kube.nodes;
  if (!topology || !nodes) return [];
  return nodes.flatMap((node) => {
    const name = node.metadata.name;
    const claimed = node.status?.addresses?.find((a) => a.type === 'InternalIP' && !a.address.includes(':'))?.address;
    const container = topology.nodes.find((n) => n.name === name);
    if (!claimed || !container?.running || !container.ipv4 || container.ipv4 === claimed) return [];
    const holder = topology.nodes.find((n) => n.name !== name && n.ipv4 === claimed);
    return [
      {
        code: 'node-ip-changed' as const,
        message:
          'kind node IPs changed after a restart: ' +
          `${name} now has ${container.ipv4} on Docker, ` +
          `but Kubernetes still has ${claimed} as its ` +
          `InternalIP${holder ? ` (${claimed} now belongs to ${holder.name})` : ''}; ` +
          'the API server, the kubelets and Cilium may still use the old address',
        fix:
          'Stop the whole cluster and start it again, control plane first, ' +
          'so Docker can hand each node its address back ' +
          `(kindscope stop --cluster ${clusterName(input)}, ` +
          `then kindscope start --cluster ${clusterName(input)}); ` +
          'if the addresses still differ, re-create the cluster: ' +
          `kind cannot change a node's address in place (kubernetes-sigs/kind#2045)`,
      },
    ];
  });
}

/** The kind cluster's name, from its kubeconfig context (`kind-<name>`, as kind names it). */
const clusterName = (input: DiagnoseInput) => input.context.replace(/^kind-/, '');

/** Every cluster-wide rule, in the order a person reads them. */
export const clusterRules = [
  ciliumNotInstalled,
  ciliumCrdMissing,
  nodeContainersStopped,
  nodeAddressChanged,
  agentsNotReady,
  corednsNotReady,
  agentRestarts,
];
