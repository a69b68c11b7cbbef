/**
 * The LoadBalancer pools of the other kind clusters on the same Docker network, as ranges a
 * new pool must not overlap (core/kube/other-cluster-pools.ts reads them). A cluster that is
 * down or whose pools are unknown is noted, not fatal, and never taken for "no pools".
 */
import { loadKubeConfig } from '../../kube/kube-config-loader';
import { readOtherClusterPools } from '../../kube/other-cluster-pools';
import type { UsedRange } from '../plan/pool-carve';

/** `kubeconfigEnv`: KUBECONFIG as the GUI environment has it, every file merged as kubectl does. */
export async function readOtherPools(
  clusters: readonly string[],
  options: { kubeconfigEnv?: string; timeoutMs?: number } = {},
): Promise<{ used: UsedRange[]; problems: string[] }> {
  const loaded = loadKubeConfig(options.kubeconfigEnv);
  const problems: string[] = loaded.problems.map(
    (problem) => `the kubeconfig could not be read (${problem}); pools of clusters only it names were not checked`,
  );
  const used: UsedRange[] = [];
  for (const result of await readOtherClusterPools(loaded.config, clusters, options.timeoutMs ?? 3000)) {
    const cluster = result.cluster;
    if (!result.read) {
      problems.push(
        result.noContext
          ? `cluster "${cluster}" has no kubeconfig context kind-${cluster}; its pools were not checked`
          : `cluster "${cluster}" did not list its pools (${result.reason}); they were not checked`,
      );
      continue;
    }
    for (const pool of result.pools)
      for (const cidr of pool.ranges) used.push({ cidr, what: `the pool ${pool.name} of cluster "${cluster}"` });
  }
  return { used, problems };
}
