import { release } from 'node:os';
import type { LabApiServer } from './server.ts';

import type { KubeObject as Obj } from './kube-object.ts';

export interface NodeFacts {
  name: string;
  role: 'control-plane' | 'worker';
  ipv4?: string;
  ipv6?: string;
}

export interface ClusterFacts {
  name: string;
  kubernetesVersion: string;
  podSubnet: string;
  nodes: NodeFacts[];
  /** kindnet (kind's default CNI) or a simulated Cilium makes nodes Ready. */
  cniReady: boolean;
}

/** The /24 pod CIDRs kube-controller-manager gives nodes, in registration order. */
export function podCidrFor(podSubnet: string, index: number): string {
  return podCidrsFor(podSubnet, index)[0]!;
}

/**
 * Every pod CIDR kube-controller-manager gives the node-th node, one per family in the order the
 * cluster's podSubnet names them (its `--cluster-cidr`, which kind sets from the kind config):
 * IPv4 /24 and IPv6 /64, kube-controller-manager's default `--node-cidr-mask-size-ipv4/-ipv6`.
 * A dual-stack kind cluster's nodes therefore carry two (`spec.podCIDRs`), the first also in
 * `spec.podCIDR`.
 */
export function podCidrsFor(podSubnet: string, index: number): string[] {
  const cidrs = podSubnet
    .split(',')
    .map((cidr) => cidr.trim())
    .filter(Boolean);
  const out = (cidrs.length ? cidrs : ['10.244.0.0/16']).map((cidr) =>
    cidr.includes(':') ? ipv6Block(cidr, index, 64) : ipv4Block(cidr, index),
  );
  return out;
}

function ipv4Block(cidr: string, index: number): string {
  const [a, b] = cidr.split('/')[0]!.split('.').map(Number);
  return `${a}.${b}.${index}.0/24`;
}

/** The index-th /size inside an IPv6 CIDR, written compressed as the API server shows it. */
function ipv6Block(cidr: string, index: number, size: number): string {
  const [address = '::', prefix = '64'] = cidr.split('/');
  if (Number(prefix) > size) throw new Error(`pod subnet ${cidr} is smaller than a /${size} per node`);
  const [head = '', tail = ''] = address.split('::');
  const part = (s: string) => (s ? s.split(':').map((h) => Number.parseInt(h, 16)) : []);
  const left = part(head);
  const right = part(tail);
  const words = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  let value = words.reduce((acc, word) => (acc << 16n) | BigInt(word), 0n);
  value += BigInt(index) << BigInt(128 - size);
  const out = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(16 * (7 - i))) & 0xffffn));
  // RFC 5952: the longest run of zero words becomes '::'.
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8;) {
    if (out[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && out[j] === 0) j += 1;
    if (j - i > best.length && j - i > 1) best = { start: i, length: j - i };
    i = j;
  }
  const hex = out.map((w) => w.toString(16));
  const text =
    best.start < 0
      ? hex.join(':')
      : `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
  return `${text}/${size}`;
}

const notReadyMessage =
  'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';

/**
 * What kubeadm and the kubelets make on start: the system namespaces and one Node per node
 * container (InternalIP from Docker, a pod CIDR each, NotReady until a CNI runs).
 */
export function bootstrapCluster(server: LabApiServer, facts: ClusterFacts): void {
  const nsType = server.typeFor('', 'namespaces')!;
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']) {
    if (!server.store.find(nsType, undefined, name))
      server.store.create(nsType, {
        metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      });
  }
  const nodeType = server.typeFor('', 'nodes')!;
  facts.nodes.forEach((node, index) => {
    const existing = server.store.find(nodeType, undefined, node.name);
    if (!existing) {
      server.store.create(nodeType, nodeObject(facts, node, podCidrsFor(facts.podSubnet, index)));
      return;
    }
    // A restarted node container may have a new address: the kubelet reports it.
    const addresses = nodeObject(facts, node, existing.spec.podCIDRs ?? [existing.spec.podCIDR], existing).status
      .addresses;
    server.store.update(
      nodeType,
      { ...existing, status: { ...existing.status, addresses } },
      { subresource: 'status' },
    );
  });
}

function readyCondition(ready: boolean, previous?: Obj): Obj {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const changed = previous?.status !== (ready ? 'True' : 'False');
  return {
    type: 'Ready',
    status: ready ? 'True' : 'False',
    lastHeartbeatTime: now,
    lastTransitionTime: changed ? now : (previous?.lastTransitionTime ?? now),
    reason: ready ? 'KubeletReady' : 'KubeletNotReady',
    message: ready ? 'kubelet is posting ready status' : notReadyMessage,
  };
}

function nodeObject(facts: ClusterFacts, node: NodeFacts, podCIDRs: string[], existing?: Obj): Obj {
  const controlPlane = node.role === 'control-plane';
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const pressure = (type: string, reason: string, message: string) => ({
    type,
    status: 'False',
    lastHeartbeatTime: now,
    lastTransitionTime: now,
    reason,
    message,
  });
  const previousReady = ((existing?.status?.conditions ?? []) as Obj[]).find((c) => c.type === 'Ready');
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        ...(controlPlane
          ? {
              'node-role.kubernetes.io/control-plane': '',
              'node.kubernetes.io/exclude-from-external-load-balancers': '',
            }
          : {}),
        ...(existing?.metadata?.labels ?? {}),
      },
      annotations: {
        'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///run/containerd/containerd.sock',
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        ...(existing?.metadata?.annotations ?? {}),
      },
    },
    spec: {
      podCIDR: podCIDRs[0],
      podCIDRs,
      providerID: `kind://docker/${facts.name}/${node.name}`,
      taints: [
        ...(controlPlane ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] : []),
        ...(facts.cniReady ? [] : [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]),
      ],
    },
    status: {
      addresses: [
        ...(node.ipv4 ? [{ type: 'InternalIP', address: node.ipv4 }] : []),
        ...(node.ipv6 ? [{ type: 'InternalIP', address: node.ipv6 }] : []),
        { type: 'Hostname', address: node.name },
      ],
      capacity: { cpu: '2', memory: '24565708Ki', pods: '110', 'ephemeral-storage': '263112772Ki' },
      allocatable: { cpu: '2', memory: '24565708Ki', pods: '110', 'ephemeral-storage': '263112772Ki' },
      conditions: [
        pressure('MemoryPressure', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        pressure('DiskPressure', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        pressure('PIDPressure', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        readyCondition(facts.cniReady, previousReady),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: 'amd64',
        bootID: '',
        containerRuntimeVersion: 'containerd://2.1.1',
        kernelVersion: release(),
        kubeProxyVersion: facts.kubernetesVersion,
        kubeletVersion: facts.kubernetesVersion,
        machineID: '',
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        systemUUID: '',
      },
    },
  };
}
