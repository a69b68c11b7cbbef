import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labApi } from '../lab-api.ts';
import { startLabCluster, type LabCluster } from '../lab-cluster.ts';
import { docker, tryDocker } from '../require-docker.ts';

let cluster: LabCluster;
let kubeConfig: KubeConfig;

beforeAll(async () => {
  cluster = await startLabCluster({ name: `i12-relay-${process.pid}`, workers: 0 });
  kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfig);
  kubeConfig.setCurrentContext(`kind-${cluster.name}`);
});

afterAll(async () => {
  if (cluster) tryDocker(['unpause', `${cluster.name}-control-plane`]);
  await cluster?.down();
}, 120_000);

type Outcome = 'answered' | 'hung' | `failed: ${string}`;

/** A GET on a fresh TLS connection (no agent reuse); "hung" when nothing came back within `waitMs`. */
function probe(path: string, waitMs: number): Promise<Outcome> {
  const stateDir = labApi(cluster).stateDir;
  const pki = (name: string) => readFileSync(join(stateDir, 'pki', name));
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: new URL(labApi(cluster).url()).port,
        path,
        agent: false,
        ca: pki('ca.crt'),
        cert: pki('admin.crt'),
        key: pki('admin.key'),
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve(response.statusCode === 200 ? 'answered' : `failed: HTTP ${response.statusCode}`),
        );
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      resolve('hung');
    }, waitMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      resolve(`failed: ${error.message}`);
    });
    req.on('close', () => clearTimeout(timer));
    req.end();
  });
}

describe('the control-plane relay of port 6443', () => {
  it('serves 50 concurrent @kubernetes/client-node lists, each on its own connection, against a slow upstream', async () => {
    const api = labApi(cluster);
    // A slow upstream keeps every connection open at once (the relay must accept and serve them concurrently).
    await api.fault({ action: 'delay', ms: 300 });
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, () => {
          // A client per request: client-node's agent would otherwise queue some on one socket.
          const client = new KubeConfig();
          client.loadFromString(kubeConfig.exportConfig());
          return client.makeApiClient(CoreV1Api).listNamespace();
        }),
      );
      const failures = results
        .filter((r) => r.status === 'rejected')
        .map((r) => String((r as PromiseRejectedResult).reason).slice(0, 200));
      expect(failures).toEqual([]);
      for (const result of results)
        expect((result as PromiseFulfilledResult<{ items: unknown[] }>).value.items.length).toBeGreaterThan(0);
    } finally {
      await api.fault({ action: 'delay', ms: 0 });
    }
  });

  it('docker pause of the control-plane hangs open and new connections alike; unpause answers again', async () => {
    const node = `${cluster.name}-control-plane`;
    expect(await probe('/version', 10_000)).toBe('answered');
    const api = labApi(cluster);
    // An open connection: a request in flight (the upstream answers after 1.5 s, by then the relay is frozen).
    await api.fault({ action: 'delay', ms: 1_500 });
    const open = probe('/version', 6_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    docker(['pause', node]);
    try {
      const fresh = await probe('/version', 4_000);
      expect(fresh).toBe('hung');
      expect(await open).toBe('hung');
    } finally {
      docker(['unpause', node]);
    }
    await api.fault({ action: 'delay', ms: 0 });
    expect(await probe('/version', 10_000)).toBe('answered');
  });

  it('docker stop of the control-plane takes the API away (refused, not hung); start brings it back', async () => {
    const node = `${cluster.name}-control-plane`;
    docker(['stop', '-t', '1', node]);
    try {
      expect(await probe('/version', 10_000)).toMatch(/^failed: /);
    } finally {
      docker(['start', node]);
    }
    for (let i = 0; i < 50 && (await probe('/version', 3_000)) !== 'answered'; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await probe('/version', 10_000)).toBe('answered');
  });
});
