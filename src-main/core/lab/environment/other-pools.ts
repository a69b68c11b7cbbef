/**
 * The LoadBalancer pools of the other kind clusters on the same Docker network: a new
 * pool must not overlap them, or two clusters hand out the same IP and two nodes answer
 * ARP for it. Read from each cluster's API through its `kind-<name>` kubeconfig context;
 * a cluster that is down or has no Cilium is noted, not fatal.
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import { loadKubeConfig, withContext } from '../../kube/kube-config-loader';
import type { UsedRange } from '../plan/pool-carve';
import { withTimeout } from '../../util/timeout';

interface PoolObject {
  metadata?: { name?: string };
  spec?: { blocks?: { cidr?: string }[]; cidrs?: { cidr?: string }[] };
}

/** `kubeconfigEnv`: KUBECONFIG as the GUI environment has it, every file merged as kubectl does. */
export async function readOtherPools(
  clusters: readonly string[],
  options: { kubeconfigEnv?: string; timeoutMs?: number } = {},
): Promise<{ used: UsedRange[]; problems: string[] }> {
  const used: UsedRange[] = [];
  const loaded = loadKubeConfig(options.kubeconfigEnv);
  const base = loaded.config;
  const problems: string[] = loaded.problems.map(
    (problem) => `the kubeconfig could not be read (${problem}); pools of clusters only it names were not checked`,
  );
  await Promise.all(
    clusters.map(async (cluster) => {
      const context = `kind-${cluster}`;
      if (!base.getContexts().some((c) => c.name === context)) {
        problems.push(`cluster "${cluster}" has no kubeconfig context ${context}; its pools were not checked`);
        return;
      }
      const api = withContext(base, context).makeApiClient(CustomObjectsApi);
      // v2alpha1 is served by every release that has pools (also next to v2 from 1.18).
      try {
        const list = (await withTimeout(
          api.listClusterCustomObject({ group: 'cilium.io', version: 'v2alpha1', plural: 'ciliumloadbalancerippools' }),
          options.timeoutMs ?? 3000,
        )) as { items: PoolObject[] };
        for (const pool of list.items) {
          for (const block of [...(pool.spec?.blocks ?? []), ...(pool.spec?.cidrs ?? [])]) {
            if (block.cidr)
              used.push({ cidr: block.cidr, what: `the pool ${pool.metadata?.name ?? '?'} of cluster "${cluster}"` });
          }
        }
      } catch (error) {
        if ((error as { code?: number }).code !== 404)
          problems.push(
            `cluster "${cluster}" did not list its pools (${(error as Error).message.split('\n')[0]}); they were not checked`,
          );
      }
    }),
  );
  return { used, problems };
}
