import { kubectlOk } from './lab-api.ts';
import type { LabCluster } from './lab-cluster.ts';

/**
 * What kubectl itself says about a cluster, in a shape a ClusterStatus can be projected onto:
 * the independent side of a comparison (two outputs of the product's own model builder agree
 * by construction, even when both are wrong).
 */
export interface StatusView {
  /** LoadBalancer services: "namespace/name ip,ip". */
  services: string[];
  /** CiliumLoadBalancerIPPool names. */
  pools: string[];
  nodes: string[];
  /** Cilium's L2 lease for each service that has one: "namespace/name → holder". */
  holders: string[];
}

interface Item {
  metadata: { name: string; namespace?: string };
  spec?: { type?: string; holderIdentity?: string };
  status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
}

const items = (cluster: LabCluster, args: string[]): Item[] =>
  (JSON.parse(kubectlOk(cluster, ['get', ...args, '-o', 'json'])) as { items: Item[] }).items;

export function kubectlView(cluster: LabCluster): StatusView {
  const services = items(cluster, ['svc', '-A']).filter((s) => s.spec?.type === 'LoadBalancer');
  const leases = new Map(
    items(cluster, ['leases', '-n', 'kube-system']).map((l) => [l.metadata.name, l.spec?.holderIdentity] as const),
  );
  return {
    services: services
      .map(
        (s) =>
          `${s.metadata.namespace}/${s.metadata.name} ${(s.status?.loadBalancer?.ingress ?? [])
            .map((i) => i.ip)
            .filter(Boolean)
            .sort()
            .join(',')}`,
      )
      .sort(),
    pools: items(cluster, ['ciliumloadbalancerippools'])
      .map((p) => p.metadata.name)
      .sort(),
    nodes: items(cluster, ['nodes'])
      .map((n) => n.metadata.name)
      .sort(),
    // Cilium names the lease cilium-l2announce-<namespace>-<name> (pkg/l2announcer).
    holders: services
      .flatMap((s) => {
        const holder = leases.get(`cilium-l2announce-${s.metadata.namespace}-${s.metadata.name}`);
        return holder ? [`${s.metadata.namespace}/${s.metadata.name} → ${holder}`] : [];
      })
      .sort(),
  };
}

/** The parts of the product's ClusterStatus read here (e2e code does not import the product). */
interface ModelParts {
  services: { namespace: string; name: string; externalIPs: string[]; leaseHolder?: { node: string } }[];
  pools: { name: string }[];
  nodes: { name: string }[];
}

/** The same projection of the product's model. */
export function modelView(status: ModelParts): StatusView {
  return {
    services: status.services.map((s) => `${s.namespace}/${s.name} ${[...s.externalIPs].sort().join(',')}`).sort(),
    pools: status.pools.map((p) => p.name).sort(),
    nodes: status.nodes.map((n) => n.name).sort(),
    holders: status.services
      .flatMap((s) => (s.leaseHolder ? [`${s.namespace}/${s.name} → ${s.leaseHolder.node}`] : []))
      .sort(),
  };
}
