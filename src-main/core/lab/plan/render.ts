/**
 * Everything a plan creates, generated from it alone: the kind config, the Cilium chart
 * values, the pool / L2 policy / sample manifests. Nothing here is typed twice: the
 * steps and the script take these texts as they are.
 */
import { createHash } from 'node:crypto';
import { kindNetworkingDefaults, type LabPlan } from '../../../contract';
import { chartHasValue } from './chart-keys';
import { poolApiVersion } from '../../../contract/compat-table';
import { serviceHost } from './plan';
import { yaml } from './render-yaml';

// BGP mode's objects and names (render-bgp.ts), importable from here as before.
export { advertisementLabel, bgpOf, lbNetworkName, renderBgp, routerAddressAtRun, routerName } from './render-bgp';

/** The IPv6 halves of kind's dual-stack defaults (pkg/apis/config/v1alpha4/default.go). */
export const kindDualIPv6 = {
  podSubnet: kindNetworkingDefaults.podSubnetIPv6,
  serviceSubnet: kindNetworkingDefaults.serviceSubnetIPv6,
};

export function renderKindConfig(plan: LabPlan): string {
  const { cluster } = plan;
  const nodes = [
    ...Array.from({ length: cluster.controlPlanes }, () => ({ role: 'control-plane', image: cluster.nodeImage })),
    ...Array.from({ length: cluster.workers }, () => ({ role: 'worker', image: cluster.nodeImage })),
  ];
  return yaml({
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    name: cluster.name,
    networking: {
      // Cilium is the CNI and replaces kube-proxy.
      disableDefaultCNI: cluster.disableDefaultCNI,
      kubeProxyMode: cluster.kubeProxyMode,
      ipFamily: cluster.ipFamily,
      // kind fills its dual-stack defaults only when these are empty; written, they must name
      // both families, else the nodes get no IPv6 pod CIDR (kind's v1alpha4 default.go:
      // 10.244.0.0/16,fd00:10:244::/56 and 10.96.0.0/16,fd00:10:96::/112).
      podSubnet: cluster.ipFamily === 'dual' ? `${cluster.podSubnet},${kindDualIPv6.podSubnet}` : cluster.podSubnet,
      serviceSubnet:
        cluster.ipFamily === 'dual' ? `${cluster.serviceSubnet},${kindDualIPv6.serviceSubnet}` : cluster.serviceSubnet,
    },
    nodes,
  });
}

function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    target[key] =
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      existing &&
      typeof existing === 'object' &&
      !Array.isArray(existing)
        ? deepMerge({ ...(existing as Record<string, unknown>) }, value as Record<string, unknown>)
        : value;
  }
  return target;
}

/** The chart values: the plan's fields win over `extraValues`. */
export function renderHelmValues(plan: LabPlan): Record<string, unknown> {
  const { cilium } = plan;
  const values: Record<string, unknown> = {
    kubeProxyReplacement: cilium.kubeProxyReplacement,
    k8sServiceHost: serviceHost(plan),
    k8sServicePort: cilium.k8sServicePort,
    // The nodes' podCIDRs come from the kind pod subnet; the chart's default cluster-pool
    // would hand out 10.0.0.0/8 on its own.
    ipam: { mode: cilium.ipamMode },
    // BGP mode: the BGP control plane announces the IPs, nobody answers ARP for them (the
    // chart's `bgpControlPlane.enabled`, in every supported chart's key table).
    l2announcements:
      plan.announce === 'bgp' ? { ...cilium.l2announcements, enabled: false } : { ...cilium.l2announcements },
    ...(plan.announce === 'bgp' ? { bgpControlPlane: { enabled: true } } : {}),
    devices: cilium.devices,
    // Gone from chart 1.18 (the feature comes with kube-proxy replacement): emitting it
    // would be a value helm ignores.
    ...(chartHasValue(cilium.version, 'externalIPs.enabled') ? { externalIPs: { enabled: cilium.externalIPs } } : {}),
    operator: { replicas: cilium.operatorReplicas },
    // Cilium's L2 announcements guide: each lease renewal is an API call; raise the limit.
    k8sClientRateLimit: { ...cilium.k8sClientRateLimit },
    // Dual stack: the nodes get IPv6 pod CIDRs too; Cilium must hand them out.
    ...(plan.cluster.ipFamily === 'dual' ? { ipv6: { enabled: true } } : {}),
    routingMode: cilium.routingMode,
    ...(cilium.ipv4NativeRoutingCIDR ? { ipv4NativeRoutingCIDR: cilium.ipv4NativeRoutingCIDR } : {}),
    ...(cilium.autoDirectNodeRoutes !== undefined ? { autoDirectNodeRoutes: cilium.autoDirectNodeRoutes } : {}),
  };
  return deepMerge(structuredClone(cilium.extraValues), values);
}

export function renderHelmValuesYaml(plan: LabPlan): string {
  return yaml(renderHelmValues(plan));
}

export function renderPool(plan: LabPlan, poolCidr: string): string {
  return yaml({
    apiVersion: poolApiVersion(plan.cilium.version),
    kind: 'CiliumLoadBalancerIPPool',
    metadata: { name: plan.pool.name },
    spec: {
      // IPv4 carved from the kind network; the IPv6 block only when the dual-stack plan asks for one.
      blocks: [{ cidr: poolCidr }, ...(plan.pool.ipv6Cidr ? [{ cidr: plan.pool.ipv6Cidr }] : [])],
      // Its default changed in 1.16: say it.
      allowFirstLastIPs: plan.pool.allowFirstLastIPs,
    },
  });
}

export function renderL2Policy(plan: LabPlan): string {
  const policy = plan.l2Policy;
  return yaml({
    // Still v2alpha1 only, also on 1.19 and 1.20.
    apiVersion: 'cilium.io/v2alpha1',
    kind: 'CiliumL2AnnouncementPolicy',
    metadata: { name: policy.name },
    spec: {
      ...(policy.excludeControlPlane
        ? {
            nodeSelector: {
              matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' }],
            },
          }
        : {}),
      interfaces: policy.interfaces,
      loadBalancerIPs: policy.loadBalancerIPs,
      externalIPs: policy.externalIPs,
    },
  });
}

/** The annotation on the sample's Service that names its token (read back by the cluster model, core/cluster). */
export const sampleTokenAnnotation = 'kindscope.dev/sample-token';

/**
 * The sample app's per-lab token: derived from the lab's name and the sample's, so the plan,
 * the exported script, a resume and a later `check` all agree without storing it. It is no
 * secret — it only lets the proof tell Kindscope's sample from whatever else answers an IP.
 */
export function sampleToken(plan: Pick<LabPlan, 'cluster' | 'sample'>): string {
  const { cluster, sample } = plan;
  return createHash('sha256')
    .update(`kindscope-sample:${cluster.name}:${sample.namespace}/${sample.name}`)
    .digest('hex')
    .slice(0, 16);
}

/**
 * The official nginx image renders `/etc/nginx/templates/*.template` into `conf.d` with
 * envsubst at start, substituting only variables that are set (its 20-envsubst-on-templates.sh,
 * https://github.com/nginxinc/docker-nginx, "Using environment variables in nginx configuration"):
 * each pod answers with its own name (downward API) and the lab's token.
 */
const isOfficialNginx = (image: string) =>
  /^(docker\.io\/)?(library\/)?nginx(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$/.test(image);

export function renderSample(plan: LabPlan): string | undefined {
  const sample = plan.sample;
  if (!sample.enabled) return undefined;
  const labels = { app: sample.name };
  // Another image than nginx cannot be told to answer with the marker: its answer is reported, not judged.
  const marked = isOfficialNginx(sample.image);
  const token = sampleToken(plan);
  const markerConfig = `${sample.name}-kindscope-marker`;
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: markerConfig, namespace: sample.namespace, labels },
    data: {
      'default.conf.template': [
        'server {',
        '  listen 80;',
        '  location / {',
        '    default_type text/plain;',
        '    return 200 "kindscope-sample pod=${POD_NAME} token=${KINDSCOPE_SAMPLE_TOKEN}\\n";',
        '  }',
        '}',
        '',
      ].join('\n'),
    },
  };
  const container = {
    name: sample.name,
    image: sample.image,
    ports: [{ containerPort: 80 }],
    ...(marked
      ? {
          env: [
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'KINDSCOPE_SAMPLE_TOKEN', value: token },
          ],
          volumeMounts: [{ name: 'kindscope-marker', mountPath: '/etc/nginx/templates', readOnly: true }],
        }
      : {}),
  };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: sample.name, namespace: sample.namespace, labels },
    spec: {
      replicas: sample.replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [container],
          ...(marked ? { volumes: [{ name: 'kindscope-marker', configMap: { name: markerConfig } }] } : {}),
        },
      },
    },
  };
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: sample.name,
      namespace: sample.namespace,
      labels,
      ...(marked ? { annotations: { [sampleTokenAnnotation]: token } } : {}),
    },
    spec: { type: 'LoadBalancer', selector: labels, ports: [{ name: 'http', port: sample.port, targetPort: 80 }] },
  };
  return `${marked ? `${yaml(configMap)}---\n` : ''}${yaml(deployment)}---\n${yaml(service)}`;
}
