import type { KubeConfig } from '@kubernetes/client-node';
import type { OtherClusterPool } from '../diagnose/diagnose-input';
import { withContext } from '../kube/kube-config-loader';
import { KubeHttp } from '../kube/kube-http';

/**
 * The LB-IPAM pools of other kind clusters (read once through their `kind-<name>`
 * contexts), so two clusters on one Docker network that hand out the same IPs are found.
 * A cluster that is down, has no context or no Cilium contributes nothing.
 */
export async function readOtherClusterPools(config: KubeConfig, clusters: string[]): Promise<OtherClusterPool[]> {
  const found = await Promise.all(
    clusters.map(async (cluster) => {
      if (!config.getContextObject(`kind-${cluster}`)) return [];
      try {
        const list = await new KubeHttp(withContext(config, `kind-${cluster}`)).list(
          '/apis/cilium.io/v2alpha1/ciliumloadbalancerippools',
          5_000,
        );
        return list.items.map((raw) => {
          const pool = raw as {
            metadata?: { name?: string };
            spec?: { blocks?: { cidr?: string }[]; cidrs?: { cidr?: string }[] };
          };
          return {
            cluster,
            name: pool.metadata?.name ?? '?',
            ranges: [...(pool.spec?.blocks ?? []), ...(pool.spec?.cidrs ?? [])]
              .map((b) => b.cidr)
              .filter((c): c is string => Boolean(c)),
          };
        });
      } catch {
        return [];
      }
    }),
  );
  return found.flat();
}
