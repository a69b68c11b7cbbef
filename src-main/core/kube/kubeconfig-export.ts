import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { KindscopeError } from '../../contract';

interface Named {
  name: string;
  [key: string]: unknown;
}
interface KubeconfigFile {
  clusters?: Named[];
  users?: Named[];
  contexts?: (Named & { context?: { cluster?: string; user?: string } })[];
}

/**
 * The part of a kubeconfig that reaches one kind cluster: context `kind-<name>`, the
 * cluster and the user it names — what `kind get kubeconfig --name <name>` prints, read
 * from the file kind wrote (no extra tool run, and it works while the cluster is stopped).
 */
export async function exportKindKubeconfig(
  cluster: string,
  kubeconfigPath = join(homedir(), '.kube', 'config'),
): Promise<{ context: string; path: string; kubeconfig: string }> {
  const context = `kind-${cluster}`;
  let text: string;
  try {
    text = await readFile(kubeconfigPath, 'utf8');
  } catch (error) {
    throw new KindscopeError(
      'CLUSTER_NOT_FOUND',
      `The kubeconfig ${kubeconfigPath} could not be read (${(error as Error).message})`,
      `Run \`kind export kubeconfig --name ${cluster}\` to write it again.`,
      { cause: error },
    );
  }
  const config = (parse(text) ?? {}) as KubeconfigFile;
  const entry = config.contexts?.find((c) => c.name === context);
  const clusterEntry = config.clusters?.find((c) => c.name === entry?.context?.cluster);
  const userEntry = config.users?.find((u) => u.name === entry?.context?.user);
  if (!entry || !clusterEntry || !userEntry) {
    throw new KindscopeError(
      'CLUSTER_NOT_FOUND',
      `${kubeconfigPath} has no complete context ${context}`,
      `Run \`kind export kubeconfig --name ${cluster}\` to write it again.`,
    );
  }
  const kubeconfig = stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    'current-context': context,
    clusters: [clusterEntry],
    contexts: [entry],
    users: [userEntry],
  });
  return { context, path: kubeconfigPath, kubeconfig };
}
