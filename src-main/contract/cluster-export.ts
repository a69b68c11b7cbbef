import { z } from 'zod';
import { defineCall } from './define';

/** Export one cluster's kubeconfig entry (the Clusters page's "Export kubeconfig"). */
export const clusterExportCalls = {
  clusterKubeconfig: defineCall(
    'cluster:kubeconfig',
    z
      .object({
        cluster: z
          .string()
          .regex(/^[a-z0-9][a-z0-9.-]{0,62}$/, 'must be a kind cluster name (see `kindscope topology`)'),
      })
      .strict(),
    z.object({ context: z.string(), path: z.string(), kubeconfig: z.string() }),
    "The kubeconfig holding only the cluster's context kind-<name> (its cluster and user), as YAML, from the kubeconfig kind wrote",
  ),
} as const;
