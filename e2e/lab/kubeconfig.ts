import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parse, stringify } from 'yaml';

export interface KindKubeconfigEntry {
  /** Cluster name; kind's entries are all called `kind-<name>`. */
  cluster: string;
  server: string;
  caData: string;
  certData: string;
  keyData: string;
}

interface Named<T> {
  name: string;
  [key: string]: unknown;
  cluster?: T;
  user?: T;
  context?: T;
}

interface Kubeconfig {
  apiVersion: string;
  kind: string;
  preferences: Record<string, unknown>;
  clusters: Named<unknown>[];
  users: Named<unknown>[];
  contexts: Named<unknown>[];
  'current-context': string;
  [key: string]: unknown;
}

function read(path: string): Kubeconfig {
  const empty: Kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [],
    users: [],
    contexts: [],
    'current-context': '',
  };
  if (!existsSync(path)) return empty;
  const parsed = (parse(readFileSync(path, 'utf8')) ?? {}) as Partial<Kubeconfig>;
  return {
    ...empty,
    ...parsed,
    clusters: parsed.clusters ?? [],
    users: parsed.users ?? [],
    contexts: parsed.contexts ?? [],
  };
}

function write(path: string, config: Kubeconfig): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.lab-${process.pid}`;
  writeFileSync(temporary, stringify(config), { mode: 0o600 });
  renameSync(temporary, path);
}

/** The kubeconfig documents kind writes for one cluster. */
export function kindEntries(entry: KindKubeconfigEntry) {
  const name = `kind-${entry.cluster}`;
  return {
    cluster: { name, cluster: { 'certificate-authority-data': entry.caData, server: entry.server } },
    user: { name, user: { 'client-certificate-data': entry.certData, 'client-key-data': entry.keyData } },
    context: { name, context: { cluster: name, user: name } },
  };
}

/** Adds or replaces `kind-<name>` and makes it current, as `kind create`/`export kubeconfig` do. */
export function upsertKindContext(path: string, entry: KindKubeconfigEntry): void {
  const config = read(path);
  const { cluster, user, context } = kindEntries(entry);
  const replace = <T extends { name: string }>(list: T[], item: T) => [
    ...list.filter((x) => x.name !== item.name),
    item,
  ];
  config.clusters = replace(config.clusters, cluster);
  config.users = replace(config.users, user);
  config.contexts = replace(config.contexts, context);
  config['current-context'] = context.name;
  write(path, config);
}

/** Removes `kind-<name>`, as `kind delete cluster` does; unsets current-context if it was that. */
export function removeKindContext(path: string, clusterName: string): void {
  if (!existsSync(path)) return;
  const config = read(path);
  const name = `kind-${clusterName}`;
  config.clusters = config.clusters.filter((x) => x.name !== name);
  config.users = config.users.filter((x) => x.name !== name);
  config.contexts = config.contexts.filter((x) => x.name !== name);
  if (config['current-context'] === name) config['current-context'] = '';
  write(path, config);
}

/** A kubeconfig holding only this cluster, as `kind get kubeconfig` prints it. */
export function renderKindKubeconfig(entry: KindKubeconfigEntry): string {
  const { cluster, user, context } = kindEntries(entry);
  return stringify({
    apiVersion: 'v1',
    clusters: [cluster],
    contexts: [context],
    'current-context': context.name,
    kind: 'Config',
    preferences: {},
    users: [user],
  });
}
