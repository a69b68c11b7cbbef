import type { KubeObject } from '../apiserver/kube-object.ts';
import { createHash } from 'node:crypto';
import { kubeProxyReplacementOf } from './chart-rules.ts';
import { l2PodAnnouncementConfig } from './chart-version-config.ts';

/** What the chart renders that the lab simulates, from the merged values. */
export function chartObjects(values: KubeObject, chartVersion: string): KubeObject[] {
  const l2 = (values.l2announcements ?? {}) as KubeObject;
  const ipam = (values.ipam ?? {}) as KubeObject;
  const config: Record<string, string> = {
    'cilium-version': chartVersion,
    'kube-proxy-replacement': kubeProxyReplacementOf(values),
    'enable-l2-announcements': String(l2.enabled === true),
    // The chart's cilium-configmap.yaml writes it from bgpControlPlane.enabled.
    'enable-bgp-control-plane': String((values.bgpControlPlane as KubeObject | undefined)?.enabled === true),
    'l2-announcements-lease-duration': String(l2.leaseDuration ?? '15s'),
    'l2-announcements-renew-deadline': String(l2.leaseRenewDeadline ?? '5s'),
    'l2-announcements-retry-period': String(l2.leaseRetryPeriod ?? '2s'),
    'routing-mode': String(values.routingMode ?? 'tunnel'),
    'tunnel-protocol': String(values.tunnelProtocol ?? 'vxlan'),
    ipam: String(ipam.mode ?? 'cluster-pool'),
    // The chart's cluster-pool defaults: the operator hands out /24s of 10.0.0.0/8, not node.spec.podCIDR.
    'cluster-pool-ipv4-cidr': [(ipam.operator as KubeObject | undefined)?.clusterPoolIPv4PodCIDRList ?? ['10.0.0.0/8']]
      .flat()
      .join(' '),
    'cluster-pool-ipv4-mask-size': String((ipam.operator as KubeObject | undefined)?.clusterPoolIPv4MaskSize ?? 24),
    'enable-ipv4-masquerade': String(values.enableIPv4Masquerade ?? true),
    ...(values.ipv4NativeRoutingCIDR ? { 'ipv4-native-routing-cidr': String(values.ipv4NativeRoutingCIDR) } : {}),
    ...(values.devices ? { devices: String(values.devices) } : {}),
    ...l2PodAnnouncementConfig(values, chartVersion),
  };
  // rollOutCiliumPods / operator.rollOutPods: the chart puts the ConfigMap's checksum on the pod
  // template (cilium-agent/daemonset.yaml, cilium-operator/deployment.yaml), so a values change rolls the pods.
  const checksum = {
    'cilium.io/cilium-configmap-checksum': createHash('sha256').update(JSON.stringify(config)).digest('hex'),
  };
  const agentAnnotations = values.rollOutCiliumPods === true ? checksum : undefined;
  const operatorAnnotations = (values.operator as KubeObject | undefined)?.rollOutPods === true ? checksum : undefined;
  // The chart's default `updateStrategy` (values.yaml): RollingUpdate, maxUnavailable 2.
  const updateStrategy = (values.updateStrategy as KubeObject | undefined) ?? {
    type: 'RollingUpdate',
    rollingUpdate: { maxUnavailable: 2 },
  };
  const labels = { 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/part-of': 'cilium' };
  const operatorReplicas = Number((values.operator as KubeObject | undefined)?.replicas ?? 2);
  const deployment = (
    name: string,
    replicas: number,
    appLabels: Record<string, string>,
    image: string,
    annotations?: Record<string, string>,
  ) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'kube-system', labels: { ...labels, ...appLabels } },
    spec: {
      replicas,
      selector: { matchLabels: appLabels },
      template: {
        metadata: { labels: appLabels, ...(annotations ? { annotations } : {}) },
        spec: { containers: [{ name, image }] },
      },
    },
  });
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cilium-config', namespace: 'kube-system', labels },
      data: config,
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'cilium', namespace: 'kube-system', labels: { ...labels, 'k8s-app': 'cilium' } },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'cilium' } },
        updateStrategy,
        template: {
          metadata: { labels: { 'k8s-app': 'cilium' }, ...(agentAnnotations ? { annotations: agentAnnotations } : {}) },
          spec: { containers: [{ name: 'cilium-agent', image: `quay.io/cilium/cilium:v${chartVersion}` }] },
        },
      },
    },
    deployment(
      'cilium-operator',
      operatorReplicas,
      { 'io.cilium/app': 'operator', name: 'cilium-operator' },
      `quay.io/cilium/operator-generic:v${chartVersion}`,
      operatorAnnotations,
    ),
    deployment('coredns', 2, { 'k8s-app': 'kube-dns' }, 'registry.k8s.io/coredns/coredns:v1.12.0'),
  ];
}
