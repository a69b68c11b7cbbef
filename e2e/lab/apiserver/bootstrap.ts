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
  const v4 = podSubnet.split(',').find((cidr) => cidr.includes('.')) ?? '10.244.0.0/16';
  const [a, b] = v4.split('/')[0]!.split('.').map(Number);
  return `${a}.${b}.${index}.0/24`;
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
      server.store.create(nodeType, nodeObject(facts, node, podCidrFor(facts.podSubnet, index)));
      return;
    }
    // A restarted node container may have a new address: the kubelet reports it.
    const addresses = nodeObject(facts, node, existing.spec.podCIDR, existing).status.addresses;
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

function nodeObject(facts: ClusterFacts, node: NodeFacts, podCIDR: string, existing?: Obj): Obj {
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
      podCIDR,
      podCIDRs: [podCIDR],
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
