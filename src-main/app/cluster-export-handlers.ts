import type { clusterExportCalls } from '../contract/cluster-export';
import { exportKindKubeconfig } from '../core/kube/kubeconfig-export';
import type { Handlers } from './router';

type ClusterExportHandlers = Pick<Handlers, keyof typeof clusterExportCalls>;

/** Export kubeconfig, from the kubeconfig kind wrote (the first KUBECONFIG entry, else ~/.kube/config). */
export function clusterExportHandlers(kubeconfigPath: () => string | undefined): ClusterExportHandlers {
  return {
    clusterKubeconfig: ({ cluster }) => exportKindKubeconfig(cluster, kubeconfigPath()),
  };
}
