import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';

/**
 * The kubeconfig kubectl would use. KUBECONFIG may list several files: kubectl merges them
 * with the first file to set a name winning and missing files skipped
 * (https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/#merging-kubeconfig-files).
 * client-node's `loadFromDefault` throws on a missing file and on a name present in two
 * files, and lets the later file's current-context win, so the merge is done here.
 * `kubeconfigEnv` is the GUI environment's KUBECONFIG (the login shell's when the app was
 * started from a menu).
 */
export function loadKubeConfig(kubeconfigEnv: string | undefined): {
  config: KubeConfig;
  files: string[];
  problems: string[];
} {
  const files = kubeconfigEnv ? kubeconfigEnv.split(delimiter).filter(Boolean) : [join(homedir(), '.kube', 'config')];
  const present = files.filter((file) => existsSync(file));
  const merged = new KubeConfig();
  merged.loadFromOptions({ clusters: [], users: [], contexts: [], currentContext: '' });
  const problems: string[] = [];
  for (const file of present) {
    const one = new KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (error) {
      // A file being rewritten (kind writes it in steps) or broken: skipped, and said.
      problems.push(`${file}: ${(error as Error).message}`);
      continue;
    }
    if (!merged.currentContext && one.currentContext) merged.setCurrentContext(one.currentContext);
    for (const cluster of one.clusters)
      if (!merged.clusters.some((c) => c.name === cluster.name)) merged.addCluster(cluster);
    for (const user of one.users) if (!merged.users.some((u) => u.name === user.name)) merged.addUser(user);
    for (const context of one.contexts)
      if (!merged.contexts.some((c) => c.name === context.name)) merged.addContext(context);
  }
  return { config: merged, files: present, problems };
}

/** A copy of `config` using `context`, so two sessions never share a current context. */
export function withContext(config: KubeConfig, context: string): KubeConfig {
  const copy = new KubeConfig();
  copy.loadFromOptions({
    clusters: config.clusters,
    users: config.users,
    contexts: config.contexts,
    currentContext: context,
  });
  return copy;
}
