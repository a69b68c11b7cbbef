import type { KubeObject } from '../apiserver/kube-object.ts';
import { kubeProxyReplacementOf } from './chart-rules.ts';

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
  };
  const labels = { 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/part-of': 'cilium' };
  const operatorReplicas = Number((values.operator as KubeObject | undefined)?.replicas ?? 2);
  const deployment = (name: string, replicas: number, appLabels: Record<string, string>, image: string) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'kube-system', labels: { ...labels, ...appLabels } },
    spec: {
      replicas,
      selector: { matchLabels: appLabels },
      template: { metadata: { labels: appLabels }, spec: { containers: [{ name, image }] } },
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
        template: {
          metadata: { labels: { 'k8s-app': 'cilium' } },
          spec: { containers: [{ name: 'cilium-agent', image: `quay.io/cilium/cilium:v${chartVersion}` }] },
        },
      },
    },
    deployment(
      'cilium-operator',
      operatorReplicas,
      { 'io.cilium/app': 'operator', name: 'cilium-operator' },
      `quay.io/cilium/operator-generic:v${chartVersion}`,
    ),
    deployment('coredns', 2, { 'k8s-app': 'kube-dns' }, 'registry.k8s.io/coredns/coredns:v1.12.0'),
  ];
}
