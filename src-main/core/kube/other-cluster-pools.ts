import type { KubeConfig } from '@kubernetes/client-node';
import { withContext } from './kube-config-loader';
import { KubeHttp, KubeHttpError } from './kube-http';

/**
 * The LB-IPAM pools of other kind clusters, read once through their `kind-<name>`
 * contexts: a pool must not overlap them, or two clusters on one Docker network hand out
 * the same IP and two nodes answer ARP for it. The one reader for the lab plan (carving a
 * free block) and the cluster wing (the overlap finding).
 */

/** What one cluster's pools are: read (possibly none), or unknown with the reason. Unknown is never "no pools". */
export type ClusterPools =
  | { cluster: string; read: true; pools: { name: string; ranges: string[] }[] }
  | { cluster: string; read: false; noContext: boolean; reason: string };

/**
 * `cilium.io/v2` first (served from Cilium 1.18, cilium/cilium#39090), then `v2alpha1`
 * (every release with pools; deprecated in 1.19). Both 404: the CRD is not installed, so
 * the cluster has no pools. Any other error (no context, no answer, 403) is unknown.
 */
const poolPaths = [
  '/apis/cilium.io/v2/ciliumloadbalancerippools',
  '/apis/cilium.io/v2alpha1/ciliumloadbalancerippools',
] as const;

export async function readOtherClusterPools(
  config: KubeConfig,
  clusters: readonly string[],
  timeoutMs = 5_000,
  /** Ends the reads at once (the asking session is disposed): they reject with its reason. */
  signal?: AbortSignal,
): Promise<ClusterPools[]> {
  return Promise.all(clusters.map((cluster) => readClusterPools(config, cluster, timeoutMs, signal)));
}

async function readClusterPools(
  config: KubeConfig,
  cluster: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<ClusterPools> {
  const context = `kind-${cluster}`;
  if (!config.getContextObject(context))
    return { cluster, read: false, noContext: true, reason: `no kubeconfig context ${context}` };
  const http = new KubeHttp(withContext(config, context));
  for (const path of poolPaths) {
    try {
      const list = await http.list(path, timeoutMs, signal);
      return { cluster, read: true, pools: list.items.map(poolOf) };
    } catch (error) {
      // Cancelled is not an answer about the cluster: the caller is gone.
      if (signal?.aborted) throw signal.reason;
      if (error instanceof KubeHttpError && error.status === 404) continue;
      return {
        cluster,
        read: false,
        noContext: false,
        reason: (error as Error).message.split('\n')[0] ?? String(error),
      };
    }
  }
  return { cluster, read: true, pools: [] };
}

function poolOf(raw: unknown): { name: string; ranges: string[] } {
  const pool = raw as {
    metadata?: { name?: string };
    spec?: { blocks?: { cidr?: string }[]; cidrs?: { cidr?: string }[] };
  };
  return {
    name: pool.metadata?.name ?? '?',
    // `cidrs` until 1.16 renamed it `blocks`.
    ranges: [...(pool.spec?.blocks ?? []), ...(pool.spec?.cidrs ?? [])]
      .map((b) => b.cidr)
      .filter((c): c is string => Boolean(c)),
  };
}
