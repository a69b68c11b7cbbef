import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { labHome } from './lab-paths.ts';
import { requireDocker } from './require-docker.ts';
import { writeStandInWrappers } from './wrappers.ts';

export interface LabClusterOptions {
  name?: string;
  workers?: number;
  /** Extra networking fields for the kind config. */
  networking?: Record<string, unknown>;
  /** Where kind writes the kubeconfig; a fresh temporary file by default. */
  kubeconfig?: string;
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
export function run(bin: string, args: string[], env: NodeJS.ProcessEnv, onLine?: (line: string) => void): Promise<{ code: number; output: string }> {
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
  return { ...process.env, KINDSCOPE_LAB_HOME: labHome(), ...extra, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` };
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
  const env = labEnv({ KUBECONFIG: kubeconfig });
  const created = await run('kind', ['create', 'cluster', '--name', name, '--config', configFile], env, options.onLine);
  if (created.code !== 0) {
    await run('kind', ['delete', 'cluster', '--name', name], env);
    throw new Error(`kind create cluster --name ${name} failed:\n${created.output}`);
  }
  const workers = options.workers ?? 1;
  return {
    name,
    kubeconfig,
    env,
    nodeNames: [`${name}-control-plane`, ...Array.from({ length: workers }, (_, i) => `${name}-worker${i === 0 ? '' : i + 1}`)],
    async down() {
      const deleted = await run('kind', ['delete', 'cluster', '--name', name], env);
      rmSync(dir, { recursive: true, force: true });
      if (deleted.code !== 0) throw new Error(`kind delete cluster --name ${name} failed:\n${deleted.output}`);
    },
  };
}
