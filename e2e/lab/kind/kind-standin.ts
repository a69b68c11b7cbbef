/**
 * The test lab's `kind` (LAB.md §1): kind's command grammar, config validation, progress
 * lines, errors and exit codes, and exactly the Docker objects kind leaves — network
 * `kind`, node containers with kind's labels and hostnames, the API port published on
 * 127.0.0.1 — plus a kubeconfig context `kind-<name>`. Node images are the lab's; the
 * requested `kindest/node:vX.Y.Z` is tagged onto it and reported.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureNodeImage, labLabel } from '../images.ts';
import { base64, ensureClusterPki } from '../pki.ts';
import { clusterStateDir, kubeconfigPath, labInstance } from '../lab-paths.ts';
import { removeKindContext, renderKindKubeconfig, upsertKindContext, type KindKubeconfigEntry } from '../kubeconfig.ts';
import { tryDocker } from '../require-docker.ts';
import { KindError, ensureNetwork } from './kind-network.ts';
import { KindConfigError, kubernetesVersionOf, loadKindConfig, type KindClusterConfig } from './kind-config.ts';
import { freePortOn, startApiServer, stopApiServer } from '../apiserver/control.ts';

export const kindVersion = 'kind v0.29.0 go1.24.2 linux/amd64';
export const clusterLabel = 'io.x-k8s.kind.cluster';
export const roleLabel = 'io.x-k8s.kind.role';

export interface ClusterState {
  name: string;
  config: KindClusterConfig;
  kubernetesVersion: string;
  network: string;
  /** Published on 127.0.0.1, in the kubeconfig. */
  apiPort: number;
  /** Where the lab API server listens: the network gateway, relayed by the control-plane. */
  apiUpstream: { host: string; port: number };
  nodes: { name: string; role: 'control-plane' | 'worker' }[];
  createdAt: string;
  /**
   * kube-controller-manager's --node-monitor-grace-period, when the lab shortens it for
   * tests (KINDSCOPE_LAB_NODE_MONITOR_GRACE_PERIOD at create, e.g. `5s`); otherwise the
   * version's default.
   */
  nodeMonitorGraceMs?: number;
  /** kube-apiserver's --default-unreachable-toleration-seconds when shortened (KINDSCOPE_LAB_UNREACHABLE_TOLERATION); 300 s otherwise. */
  unreachableTolerationMs?: number;
}

const err = (text: string) => process.stderr.write(text);

function docker(args: string[]): string {
  const result = tryDocker(args);
  if (result.status !== 0) {
    throw new KindError(
      `command "docker ${args.join(' ')}" failed with error: exit status ${result.status}\nCommand Output: ${result.stderr.trim()}`,
    );
  }
  return result.stdout;
}

export function listNodes(cluster?: string): { name: string; cluster: string; role: string }[] {
  const filter = cluster ? `label=${clusterLabel}=${cluster}` : `label=${clusterLabel}`;
  const out = docker([
    'ps',
    '-a',
    '--filter',
    filter,
    '--format',
    `{{.Names}}\t{{.Label "${clusterLabel}"}}\t{{.Label "${roleLabel}"}}`,
  ]);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [name = '', clusterName = '', role = ''] = line.split('\t');
      return { name, cluster: clusterName, role };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function readClusterState(name: string): ClusterState | undefined {
  const file = join(clusterStateDir(name), 'cluster.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ClusterState) : undefined;
}

function kubeconfigEntry(state: ClusterState): KindKubeconfigEntry {
  const pki = ensureClusterPki(join(clusterStateDir(state.name), 'pki'), state.name);
  return {
    cluster: state.name,
    server: `https://127.0.0.1:${state.apiPort}`,
    caData: base64(pki.caCert),
    certData: base64(pki.clientCert),
    keyData: base64(pki.clientKey),
  };
}

/** Tags the lab node image as the requested kindest/node image, unless a real one is there. */
function ensureNodeImageAs(requested: string): string {
  const labImage = ensureNodeImage();
  const existing = tryDocker(['image', 'inspect', '--format', `{{index .Config.Labels "${labLabel}"}}`, requested]);
  // A real kindest/node image stays untouched; a lab tag is moved to the current lab image.
  if (existing.status === 0 && existing.stdout.trim() !== '1') return labImage;
  return tryDocker(['tag', labImage, requested]).status === 0 ? requested : labImage;
}

function step(label: string, run: () => void | Promise<void>): Promise<void> {
  err(` • ${label}  ...\n`);
  return Promise.resolve()
    .then(run)
    .then(
      () => void err(` ✓ ${label}\n`),
      (error: unknown) => {
        err(` ✗ ${label}\n`);
        throw error;
      },
    );
}

async function createCluster(values: Record<string, string | boolean | undefined>): Promise<void> {
  const configText = typeof values.config === 'string' ? readConfig(values.config) : undefined;
  let config: KindClusterConfig;
  try {
    config = loadKindConfig(configText, {
      name: (values.name as string | undefined) ?? process.env.KIND_CLUSTER_NAME,
      image: values.image as string | undefined,
    });
  } catch (error) {
    if (error instanceof KindConfigError) throw new KindError(error.message);
    throw error;
  }
  const name = config.name;
  err(`Creating cluster "${name}" ...\n`);
  if (listNodes(name).length > 0) throw new KindError(`node(s) already exist for a cluster with the name "${name}"`);

  const network = process.env.KIND_EXPERIMENTAL_DOCKER_NETWORK || 'kind';
  const requestedImage = config.nodes[0]!.image;
  const workerCount = config.nodes.filter((node) => node.role === 'worker').length;
  const nodes = [
    { name: `${name}-control-plane`, role: 'control-plane' as const },
    ...Array.from({ length: workerCount }, (_, index) => ({
      name: `${name}-worker${index === 0 ? '' : index + 1}`,
      role: 'worker' as const,
    })),
  ];
  const apiPort = config.networking.apiServerPort > 0 ? config.networking.apiServerPort : await freePortOn('127.0.0.1');
  const state: ClusterState = {
    name,
    config,
    kubernetesVersion: kubernetesVersionOf(requestedImage),
    network,
    apiPort,
    apiUpstream: { host: '', port: 0 },
    nodes,
    createdAt: new Date().toISOString(),
    ...labDuration('nodeMonitorGraceMs', 'KINDSCOPE_LAB_NODE_MONITOR_GRACE_PERIOD'),
    ...labDuration('unreachableTolerationMs', 'KINDSCOPE_LAB_UNREACHABLE_TOLERATION'),
  };
  const stateDir = clusterStateDir(name);
  let image = requestedImage;
  try {
    await step(`Ensuring node image (${requestedImage}) 🖼`, () => {
      image = ensureNodeImageAs(requestedImage);
    });
    await step(`Preparing nodes ${nodes.map(() => '📦').join(' ')}`, async () => {
      ensureNetwork(network);
      const gateway = docker(['network', 'inspect', '--format', '{{range .IPAM.Config}}{{.Gateway}} {{end}}', network])
        .split(' ')
        .find((ip) => ip.includes('.'));
      if (!gateway) throw new KindError(`network "${network}" has no IPv4 gateway`);
      state.apiUpstream = { host: gateway, port: await freePortOn(gateway) };
      for (const node of nodes) {
        docker([
          'run',
          '--detach',
          '--hostname',
          node.name,
          '--name',
          node.name,
          '--label',
          `${clusterLabel}=${name}`,
          '--label',
          `${roleLabel}=${node.role}`,
          '--label',
          `${labLabel}=${labInstance()}`,
          '--net',
          network,
          '--restart=on-failure:1',
          '--cap-add',
          'NET_ADMIN',
          '--cap-add',
          'NET_RAW',
          '--tmpfs',
          '/tmp',
          '--tmpfs',
          '/run',
          '--env',
          'container=docker',
          ...(node.role === 'control-plane'
            ? [
                '--publish',
                `${config.networking.apiServerAddress}:${apiPort}:6443/TCP`,
                '--env',
                `KINDSCOPE_LAB_API_UPSTREAM=${state.apiUpstream.host}:${state.apiUpstream.port}`,
              ]
            : []),
          image,
        ]);
      }
    });
    await step('Writing configuration 📜', () => {
      mkdirSync(stateDir, { recursive: true });
      ensureClusterPki(join(stateDir, 'pki'), name);
      writeFileSync(join(stateDir, 'cluster.json'), JSON.stringify(state, null, 2));
    });
    await step('Starting control-plane 🕹️', () => startApiServer(stateDir));
    if (!config.networking.disableDefaultCNI) await step('Installing CNI 🔌', () => undefined);
    await step('Installing StorageClass 💾', () => undefined);
    if (workerCount > 0) await step('Joining worker nodes 🚜', () => undefined);
  } catch (error) {
    if (!values.retain) {
      const names = nodes.map((node) => node.name).filter((node) => tryDocker(['inspect', node]).status === 0);
      if (names.length > 0) tryDocker(['rm', '-f', '-v', ...names]);
      stopApiServer(stateDir);
      rmSync(stateDir, { recursive: true, force: true });
    }
    throw error;
  }
  const kubeconfig = kubeconfigPath(process.env, values.kubeconfig as string | undefined);
  upsertKindContext(kubeconfig, kubeconfigEntry(state));
  err(
    `Set kubectl context to "kind-${name}"\nYou can now use your cluster with:\n\nkubectl ` +
      `cluster-info --context kind-${name}${values.kubeconfig ? ` --kubeconfig ${values.kubeconfig}` : ''}\n\nHave ` +
      `a nice day! 👋\n`,
  );
}

/** A lab setting from the environment at create time, as a duration (`5s`, `300ms`, `2m`). */
function labDuration(
  field: 'nodeMonitorGraceMs' | 'unreachableTolerationMs',
  variable: string,
): Partial<Record<typeof field, number>> {
  const text = process.env[variable];
  if (!text) return {};
  const match = /^(\d+)(ms|s|m)$/.exec(text.trim());
  if (!match)
    throw new KindError(`${variable}="${text}" is not a duration. Fix: use a Go-style duration such as 5s or 40s`);
  return { [field]: Number(match[1]) * (match[2] === 'ms' ? 1 : match[2] === 's' ? 1000 : 60_000) };
}

function readConfig(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new KindError(`error reading file: ${(error as Error).message}`);
  }
}

function deleteCluster(values: Record<string, string | boolean | undefined>): void {
  const name = (values.name as string | undefined) ?? process.env.KIND_CLUSTER_NAME ?? 'kind';
  err(`Deleting cluster "${name}" ...\n`);
  const nodes = listNodes(name);
  if (nodes.length > 0) docker(['rm', '-f', '-v', ...nodes.map((node) => node.name)]);
  stopApiServer(clusterStateDir(name));
  removeKindContext(kubeconfigPath(process.env, values.kubeconfig as string | undefined), name);
  rmSync(clusterStateDir(name), { recursive: true, force: true });
  if (nodes.length > 0) err(`Deleted nodes: [${nodes.map((node) => `"${node.name}"`).join(' ')}]\n`);
}

function requireState(name: string): ClusterState {
  const state = readClusterState(name);
  if (!state || listNodes(name).length === 0)
    throw new KindError(
      `could not locate any control plane nodes for cluster named '${name}'. Use the --name option to select a different cluster`,
    );
  return state;
}

export async function main(argv: string[]): Promise<number> {
  const [verb, noun, ...rest] = argv;
  const flag = { type: 'string' as const };
  const options = {
    name: flag,
    config: flag,
    image: flag,
    kubeconfig: flag,
    wait: flag,
    retain: { type: 'boolean' as const },
    internal: { type: 'boolean' as const },
    verbosity: { ...flag, short: 'v' },
  };
  try {
    if (verb === 'version' || verb === '--version') {
      process.stdout.write(`${kindVersion}\n`);
      return 0;
    }
    const parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
    const values = parsed.values as Record<string, string | boolean | undefined>;
    const name = (values.name as string | undefined) ?? process.env.KIND_CLUSTER_NAME ?? 'kind';
    switch (`${verb} ${noun}`) {
      case 'create cluster':
        await createCluster(values).catch((error: unknown) => {
          if (error instanceof KindError) throw new KindError(`failed to create cluster: ${error.message}`);
          throw error;
        });
        return 0;
      case 'delete cluster':
        deleteCluster(values);
        return 0;
      case 'get clusters': {
        const clusters = [...new Set(listNodes().map((node) => node.cluster))].sort();
        if (clusters.length === 0) err('No kind clusters found.\n');
        else process.stdout.write(clusters.map((cluster) => `${cluster}\n`).join(''));
        return 0;
      }
      case 'get nodes': {
        const nodes = listNodes(name);
        if (nodes.length === 0) err(`No kind nodes found for cluster "${name}".\n`);
        else process.stdout.write(nodes.map((node) => `${node.name}\n`).join(''));
        return 0;
      }
      case 'get kubeconfig': {
        const state = requireState(name);
        const entry = kubeconfigEntry(state);
        process.stdout.write(
          renderKindKubeconfig(values.internal ? { ...entry, server: `https://${name}-control-plane:6443` } : entry),
        );
        return 0;
      }
      case 'export kubeconfig': {
        const state = requireState(name);
        upsertKindContext(kubeconfigPath(process.env, values.kubeconfig as string | undefined), kubeconfigEntry(state));
        err(`Set kubectl context to "kind-${name}"\n`);
        return 0;
      }
      case 'load docker-image': {
        const images = parsed.positionals;
        if (images.length === 0) throw new KindError('a list of image names is required');
        const nodes = listNodes(name);
        if (nodes.length === 0) throw new KindError(`no nodes found for cluster "${name}"`);
        for (const image of images) {
          const id = tryDocker(['image', 'inspect', '--format', '{{.Id}}', image]);
          if (id.status !== 0) throw new KindError(`image: "${image}" not present locally`);
          for (const node of nodes)
            err(`Image: "${image}" with ID "${id.stdout.trim()}" not yet present on node "${node.name}", loading...\n`);
        }
        return 0;
      }
      default:
        throw new KindError(
          verb
            ? `unknown command "${[verb, noun].filter(Boolean).join(' ')}" for "kind"\nRun 'kind --help' for usage.`
            : "kind creates and manages local Kubernetes clusters using Docker container 'nodes'",
        );
    }
  } catch (error) {
    const message =
      error instanceof KindError
        ? error.message
        : (error as Error).message.replace(/^Unknown option '(.+)'.*$/s, 'unknown flag: $1');
    err(`ERROR: ${message}\n`);
    return 1;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
