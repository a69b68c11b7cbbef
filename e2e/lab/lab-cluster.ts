import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { labHome } from './lab-paths.ts';
import { docker, requireDocker } from './require-docker.ts';
import { writeStandInWrappers } from './wrappers.ts';

export interface CiliumOptions {
  routing?: 'tunnel' | 'native';
  /** A CIDR, or `auto` for a /24 carved from the kind network (x.y.250.0/24, as the seed). */
  pool?: string;
  /** Extra `--set` expressions, applied last (the later value wins, as in helm). */
  set?: string[];
  version?: string;
}

/**
 * Installs the simulated Cilium as a user does: `helm repo add` and `helm install cilium
 * cilium/cilium` with the seed article's values, then the pool and the L2 policy.
 */
export async function installCilium(
  name: string,
  env: NodeJS.ProcessEnv,
  options: CiliumOptions = {},
  onLine?: (line: string) => void,
): Promise<number> {
  const context = `kind-${name}`;
  const steps: [string, string[]][] = [
    ['helm', ['repo', 'add', 'cilium', 'https://helm.cilium.io/']],
    [
      'helm',
      [
        'install',
        'cilium',
        'cilium/cilium',
        '--version',
        options.version ?? '1.16.5',
        '--namespace',
        'kube-system',
        '--kube-context',
        context,
        '--set',
        'kubeProxyReplacement=true',
        '--set',
        `k8sServiceHost=${name}-control-plane`,
        '--set',
        'k8sServicePort=6443',
        '--set',
        'l2announcements.enabled=true',
        '--set',
        'l2announcements.leaseDuration=3s',
        '--set',
        'l2announcements.leaseRenewDeadline=1s',
        '--set',
        'l2announcements.leaseRetryPeriod=200ms',
        '--set',
        'ipam.mode=kubernetes',
        '--set',
        'operator.replicas=1',
        ...(options.routing === 'native'
          ? [
              '--set',
              'routingMode=native',
              '--set',
              'autoDirectNodeRoutes=true',
              '--set',
              'ipv4NativeRoutingCIDR=10.244.0.0/16',
            ]
          : []),
        ...(options.set ?? []).flatMap((expression) => ['--set', expression]),
        '--wait',
        '--timeout',
        '2m',
      ],
    ],
  ];
  for (const [bin, args] of steps) {
    const result = await run(bin, args, env, onLine);
    if (result.code !== 0) {
      onLine?.(result.output);
      return result.code;
    }
  }
  if (options.pool !== undefined) {
    const cidr =
      options.pool === 'auto' ? autoPool(env.KIND_EXPERIMENTAL_DOCKER_NETWORK || 'kind', name) : options.pool;
    const manifests =
      `apiVersion: cilium.io/v2alpha1\nkind: CiliumLoadBalancerIPPool\nmetadata:\n  name: ` +
      `${name}-pool\nspec:\n  blocks:\n  - cidr: ` +
      `"${cidr}"\n---\n${readFileSync(join(import.meta.dirname, 'manifests/seed-l2-policy.yaml'), 'utf8')}`;
    const applied = await runWithInput('kubectl', ['--context', context, 'apply', '-f', '-'], env, manifests);
    onLine?.(applied.output.trim());
    if (applied.code !== 0) return applied.code;
  }
  return 0;
}

/**
 * A /24 of the kind network's IPv4 subnet for LoadBalancer IPs the host reaches on the
 * bridge: x.y.250.0/24 as in the seed article, or, per cluster, x.y.(200–249).0/24 so that
 * lab clusters sharing the network never hand out the same IP (two nodes would answer ARP).
 */
export function autoPool(network = 'kind', cluster?: string): string {
  const hash = cluster ? createHash('sha256').update(cluster).digest()[0]! : 0;
  // In a /16 (Docker's usual 172.x networks): x.y.200–249 per cluster, x.y.250 without one. In a
  // smaller network (Docker's 192.168.x.0/20 once the 172.x ones are used up) the upper half of its /24s.
  return subnetSlot(network, (count) =>
    count >= 256 ? (cluster ? 200 + (hash % 50) : 250) : cluster ? count / 2 + (hash % (count / 2 - 2)) : count - 2,
  );
}

/**
 * A /24 of the network's IPv4 subnet, by its index counted from the subnet's start (`pick` gets how
 * many /24s the subnet holds). The lab's nodes take the first addresses, so low indexes near 0 meet them.
 */
export function subnetSlot(network: string, pick: (count: number) => number): string {
  const subnets = docker(['network', 'inspect', '--format', '{{range .IPAM.Config}}{{.Subnet}} {{end}}', network])
    .trim()
    .split(' ');
  const v4 = subnets.find((s) => s.includes('.'));
  if (!v4) throw new Error(`network ${network} has no IPv4 subnet`);
  const [address, bits] = v4.split('/');
  const prefix = Number(bits);
  if (prefix > 22) throw new Error(`network ${network} (${v4}) is too small for the lab's /24 pools`);
  const count = 2 ** (24 - Math.max(prefix, 16));
  const [a, b, c] = address!.split('.').map(Number);
  const third = (prefix <= 16 ? 0 : c!) + (pick(count) % count);
  return `${a}.${b}.${third}.0/24`;
}

function runWithInput(
  bin: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input: string,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? 1, output }));
    child.stdin.end(input);
  });
}

export interface LabClusterOptions {
  /** Install the simulated Cilium after creating the cluster. */
  cilium?: CiliumOptions;
  name?: string;
  workers?: number;
  /** Extra networking fields for the kind config. */
  networking?: Record<string, unknown>;
  /** kind's KIND_EXPERIMENTAL_DOCKER_NETWORK: a Docker network of the test's own (created by kind, removed by the test). */
  network?: string;
  /** Where kind writes the kubeconfig; a fresh temporary file by default. */
  kubeconfig?: string;
  /** kube-controller-manager's node-monitor grace period for this cluster (e.g. `5s`); the version's default otherwise. */
  nodeMonitorGracePeriod?: string;
  /** How long pods tolerate an unreachable node before eviction (e.g. `3s`); 300 s otherwise. */
  unreachableToleration?: string;
  /** Lines kind prints (it writes progress to stderr). */
  onLine?: (line: string) => void;
}

export interface LabCluster {
  name: string;
  kubeconfig: string;
  /** The environment a product process needs to see this lab as a user would. */
  env: NodeJS.ProcessEnv;
  nodeNames: string[];
  down(): Promise<void>;
}

/** Runs a command, streaming lines; resolves with the exit code and all output. */
export function run(
  bin: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine?: (line: string) => void,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      if (onLine) for (const line of text.split('\n')) if (line) onLine(line);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** The environment that puts the lab's stand-ins first on PATH. */
export function labEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const bin = writeStandInWrappers();
  return {
    ...process.env,
    KINDSCOPE_LAB_HOME: labHome(),
    ...extra,
    PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
  };
}

export function kindConfigYaml(workers: number, networking: Record<string, unknown> = {}): string {
  const net = { disableDefaultCNI: true, kubeProxyMode: 'none', ...networking };
  return [
    'kind: Cluster',
    'apiVersion: kind.x-k8s.io/v1alpha4',
    'nodes:',
    '- role: control-plane',
    ...Array.from({ length: workers }, () => '- role: worker'),
    'networking:',
    ...Object.entries(net).map(([key, value]) => `  ${key}: ${JSON.stringify(value)}`),
    '',
  ].join('\n');
}

/**
 * A lab cluster for a test, made with the `kind` stand-in exactly as a user's kind would
 * be run, with a unique name and a private kubeconfig. `down()` removes it (kind keeps
 * the `kind` network, so does the lab).
 */
export async function startLabCluster(options: LabClusterOptions = {}): Promise<LabCluster> {
  requireDocker();
  const name = options.name ?? `ks-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'kindscope-lab-'));
  const kubeconfig = options.kubeconfig ?? join(dir, 'kubeconfig');
  const configFile = join(dir, 'kind.yaml');
  writeFileSync(configFile, kindConfigYaml(options.workers ?? 1, options.networking));
  const env = labEnv({
    KUBECONFIG: kubeconfig,
    // kubectl caches discovery per server address (~/.kube/cache/discovery/127.0.0.1_PORT): a lab
    // cluster given a port an earlier one had (a 1.20 lab serving pools at v2, then a 1.16 lab
    // serving only v2alpha1) read the stale cache and got "the server could not find the
    // requested resource" (ci12). Each lab cluster keeps its own cache.
    KUBECACHEDIR: join(dir, 'kube-cache'),
    ...(options.network ? { KIND_EXPERIMENTAL_DOCKER_NETWORK: options.network } : {}),
  });
  const createEnv = {
    ...env,
    ...(options.nodeMonitorGracePeriod
      ? { KINDSCOPE_LAB_NODE_MONITOR_GRACE_PERIOD: options.nodeMonitorGracePeriod }
      : {}),
    ...(options.unreachableToleration ? { KINDSCOPE_LAB_UNREACHABLE_TOLERATION: options.unreachableToleration } : {}),
  };
  const created = await run(
    'kind',
    ['create', 'cluster', '--name', name, '--config', configFile],
    createEnv,
    options.onLine,
  );
  if (created.code !== 0) {
    await run('kind', ['delete', 'cluster', '--name', name], env);
    throw new Error(`kind create cluster --name ${name} failed:\n${created.output}`);
  }
  const workers = options.workers ?? 1;
  if (options.cilium) {
    const installed = await installCilium(name, env, options.cilium, options.onLine);
    if (installed !== 0) {
      await run('kind', ['delete', 'cluster', '--name', name], env);
      throw new Error(`installing the simulated Cilium on ${name} failed`);
    }
  }
  return {
    name,
    kubeconfig,
    env,
    nodeNames: [
      `${name}-control-plane`,
      ...Array.from({ length: workers }, (_, i) => `${name}-worker${i === 0 ? '' : i + 1}`),
    ],
    async down() {
      const deleted = await run('kind', ['delete', 'cluster', '--name', name], env);
      rmSync(dir, { recursive: true, force: true });
      if (deleted.code !== 0) throw new Error(`kind delete cluster --name ${name} failed:\n${deleted.output}`);
    },
  };
}
