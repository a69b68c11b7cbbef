import type { KubeSnapshot } from '../kube/kube-state';
import type { KubeIpPool, KubeL2Policy, KubeNode, KubePod, KubeService } from '../kube/kube-types';
import type { DiagnoseInput } from './diagnose-input';

/** Small builders for rule tests: a healthy kind + Cilium cluster, changed one field at a time. */
export const node = (name: string, labels: Record<string, string> = {}, ready = true): KubeNode => ({
  metadata: { name, labels },
  spec: { podCIDR: '10.244.0.0/24' },
  status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

export const service = (
  name: string,
  ip: string | undefined,
  extra: Partial<KubeService['spec']> = {},
  labels: Record<string, string> = {},
): KubeService => ({
  metadata: { name, namespace: 'default', labels },
  spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP' }], ...extra },
  status: { loadBalancer: { ingress: ip ? [{ ip }] : [] } },
});

export const pool = (
  name: string,
  cidr: string,
  spec: Partial<NonNullable<KubeIpPool['spec']>> = {},
  conditions: NonNullable<NonNullable<KubeIpPool['status']>['conditions']> = [],
): KubeIpPool => ({
  apiVersion: 'cilium.io/v2alpha1',
  metadata: { name },
  spec: { blocks: [{ cidr }], ...spec },
  status: { conditions },
});

export const policy = (name: string, spec: Partial<NonNullable<KubeL2Policy['spec']>> = {}): KubeL2Policy => ({
  metadata: { name },
  spec: { loadBalancerIPs: true, interfaces: ['^eth[0-9]+'], ...spec },
});

export const agentPod = (nodeName: string, ready = true, restarts = 0): KubePod => ({
  metadata: { name: `cilium-${nodeName}`, namespace: 'kube-system', labels: { 'k8s-app': 'cilium' } },
  spec: { nodeName },
  status: {
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    containerStatuses: [{ name: 'cilium-agent', restartCount: restarts }],
  },
});

export const ciliumConfigMap = (data: Record<string, string> = {}) => ({
  metadata: { name: 'cilium-config', namespace: 'kube-system' },
  data: { 'kube-proxy-replacement': 'true', 'enable-l2-announcements': 'true', ...data },
});

/** Everything known and healthy: web has 172.18.250.1, held by demo-worker, 2 ready endpoints. */
export function healthy(): DiagnoseInput {
  const kube: KubeSnapshot = {
    nodes: [node('demo-control-plane', { 'node-role.kubernetes.io/control-plane': '' }), node('demo-worker')],
    services: [service('web', '172.18.250.1')],
    endpointSlices: [
      {
        metadata: { name: 'web-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
        endpoints: [{ conditions: { ready: true } }, { conditions: { ready: true } }],
      },
    ],
    leases: [
      {
        metadata: { name: 'cilium-l2announce-default-web', namespace: 'kube-system' },
        spec: { holderIdentity: 'demo-worker' },
      },
    ],
    configMaps: [ciliumConfigMap()],
    daemonSets: [
      { metadata: { name: 'cilium', namespace: 'kube-system' }, status: { numberReady: 2, desiredNumberScheduled: 2 } },
    ],
    deployments: [],
    pods: [agentPod('demo-control-plane'), agentPod('demo-worker')],
    pools: [pool('demo-pool', '172.18.250.0/24')],
    policies: [policy('l2')],
    absent: [],
  };
  return {
    context: 'kind-demo',
    kube,
    topology: {
      nodes: [
        { name: 'demo-control-plane', state: 'running', running: true, mac: '02:42:ac:12:00:02' },
        { name: 'demo-worker', state: 'running', running: true, mac: '02:42:ac:12:00:03' },
      ],
      networks: [{ name: 'kind', subnet: '172.18.0.0/16' }],
    },
  };
}

/** `healthy()` with the Kubernetes part changed. */
export function withKube(change: (kube: KubeSnapshot) => void, base = healthy()): DiagnoseInput {
  change(base.kube);
  return base;
}
