import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { startApiServer, stopApiServer } from './apiserver/control.ts';
import type { LabCluster } from './lab-cluster.ts';
import { clusterStateDir } from './lab-paths.ts';

export type ApiFault =
  | { action: 'expire-next-watch'; mode?: 'event' | 'http' }
  | { action: 'compact' }
  | { action: 'stall-watches' }
  | { action: 'close-watches' }
  | { action: 'delay'; ms: number }
  | { action: 'inject-garbage' }
  | { action: 'bookmarks'; everyMs: number }
  | { action: 'watch-timeout'; seconds: number };

/** Test handle on a lab cluster's API server: fault hooks, stop and start (LAB.md §2). */
export function labApi(cluster: LabCluster) {
  const stateDir = clusterStateDir(cluster.name, cluster.env);
  const state = () => JSON.parse(readFileSync(join(stateDir, 'cluster.json'), 'utf8')) as { apiPort: number };
  const pki = (name: string) => readFileSync(join(stateDir, 'pki', name));
  return {
    stateDir,
    url: () => `https://127.0.0.1:${state().apiPort}`,
    fault(fault: ApiFault): Promise<void> {
      return new Promise((resolve, reject) => {
        const body = JSON.stringify(fault);
        const req = request(
          {
            host: '127.0.0.1',
            port: state().apiPort,
            path: '/lab/faults',
            method: 'POST',
            ca: pki('ca.crt'),
            cert: pki('admin.crt'),
            key: pki('admin.key'),
            headers: { 'content-type': 'application/json' },
          },
          (response) => {
            response.resume();
            response.on('end', () =>
              response.statusCode === 200
                ? resolve()
                : reject(new Error(`fault ${fault.action}: HTTP ${response.statusCode}`)),
            );
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
    /** Stops the API server process (its objects stay on disk, as etcd's would). */
    stop: () => stopApiServer(stateDir),
    start: () => startApiServer(stateDir),
  };
}

/** Runs the machine's kubectl against the cluster's kubeconfig; no shell. */
export function kubectl(cluster: LabCluster, args: string[], input?: string) {
  const result = spawnSync('kubectl', ['--context', `kind-${cluster.name}`, ...args], {
    env: cluster.env,
    encoding: 'utf8',
    input,
    timeout: 60_000,
  });
  if (result.error)
    throw new Error(
      `kubectl could not run (${result.error.message}). Fix: the machine image provides /usr/bin/kubectl; install kubectl >= 1.27 elsewhere.`,
    );
  return { code: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** kubectl that must succeed; returns stdout. */
export function kubectlOk(cluster: LabCluster, args: string[], input?: string): string {
  const result = kubectl(cluster, args, input);
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}
