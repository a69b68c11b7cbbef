import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

/** The repository root (the lab lives under its test tree). */
export const repoRoot = resolve(import.meta.dirname, '../..');

/** Where the lab keeps state: clusters' PKI and API-server data, generated wrappers. */
export function labHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.KINDSCOPE_LAB_HOME ?? join(repoRoot, '.lab');
  mkdirSync(home, { recursive: true });
  return home;
}

export function clusterStateDir(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(labHome(env), 'clusters', name);
}

/** The kubeconfig kind writes: --kubeconfig, else the first of $KUBECONFIG, else ~/.kube/config. */
export function kubeconfigPath(env: NodeJS.ProcessEnv = process.env, explicit?: string): string {
  if (explicit) return explicit;
  const first = env.KUBECONFIG?.split(delimiter).find((part) => part.length > 0);
  return first ?? join(env.HOME ?? homedir(), '.kube', 'config');
}

/**
 * The value of the lab label on what this lab home makes: the janitor of one lab (say, a
 * test's) never touches another's containers and networks.
 */
export function labInstance(env: NodeJS.ProcessEnv = process.env): string {
  return createHash('sha256').update(labHome(env)).digest('hex').slice(0, 12);
}
