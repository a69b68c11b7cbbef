import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOtherPools } from '../lab/environment/other-pools';
import { readOtherClusterPools } from './other-cluster-pools';

/**
 * An API server on loopback per cluster, answering the pool lists as told: the lab's
 * server serves v2 and v2alpha1 together, and Cilium before 1.18 serves v2alpha1 only,
 * so the order and the 404 fallback are checked here, path by path.
 */
const v2 = '/apis/cilium.io/v2/ciliumloadbalancerippools';
const v2alpha1 = '/apis/cilium.io/v2alpha1/ciliumloadbalancerippools';
type Answer = { status: number; items?: unknown[] } | 'hang';
const asked: string[] = [];
const answers = new Map<string, Record<string, Answer>>();
let server: Server;
let port: number;
let dir: string;

const pool = (name: string, cidr: string, field: 'blocks' | 'cidrs' = 'blocks') => ({
  metadata: { name },
  spec: { [field]: [{ cidr }] },
});

beforeAll(async () => {
  server = createServer((request, response) => {
    const [cluster, ...rest] = (request.url ?? '').slice(1).split('/');
    const path = `/${rest.join('/')}`;
    asked.push(`${cluster} ${path}`);
    const answer = answers.get(cluster!)?.[path] ?? { status: 404 };
    if (answer === 'hang') return;
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(
      answer.status === 200
        ? JSON.stringify({ items: answer.items ?? [], metadata: { resourceVersion: '1' } })
        : JSON.stringify({ kind: 'Status', message: `told to answer ${answer.status}` }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  dir = mkdtempSync(join(tmpdir(), 'kindscope-pools-'));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** A kubeconfig with a `kind-<name>` context per cluster, each at its own path prefix on the loopback server. */
function kubeconfig(clusters: string[]): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: clusters.map((c) => ({
      name: `kind-${c}`,
      server: `http://127.0.0.1:${port}/${c}`,
      skipTLSVerify: true,
    })),
    users: [{ name: 'user', token: 'x' }],
    contexts: clusters.map((c) => ({ name: `kind-${c}`, cluster: `kind-${c}`, user: 'user' })),
    currentContext: '',
  });
  return config;
}

describe('readOtherClusterPools (the one reader of other clusters’ pools)', () => {
  it('asks cilium.io/v2 first, and takes its answer without asking v2alpha1', async () => {
    answers.set('v2', { [v2]: { status: 200, items: [pool('new', '172.18.250.0/24')] } });
    asked.length = 0;
    const [result] = await readOtherClusterPools(kubeconfig(['v2']), ['v2']);
    expect(result).toEqual({ cluster: 'v2', read: true, pools: [{ name: 'new', ranges: ['172.18.250.0/24'] }] });
    expect(asked).toEqual([`v2 ${v2}`]);
  });

  it('falls back to v2alpha1 when v2 is not served (Cilium before 1.18), reading blocks and the old cidrs', async () => {
    answers.set('old', {
      [v2alpha1]: { status: 200, items: [pool('a', '172.18.200.0/24'), pool('b', '172.18.201.0/24', 'cidrs')] },
    });
    asked.length = 0;
    const [result] = await readOtherClusterPools(kubeconfig(['old']), ['old']);
    expect(asked).toEqual([`old ${v2}`, `old ${v2alpha1}`]);
    expect(result).toEqual({
      cluster: 'old',
      read: true,
      pools: [
        { name: 'a', ranges: ['172.18.200.0/24'] },
        { name: 'b', ranges: ['172.18.201.0/24'] },
      ],
    });
  });

  it('neither version served: no Cilium pools (read, none)', async () => {
    answers.set('bare', {});
    expect(await readOtherClusterPools(kubeconfig(['bare']), ['bare'])).toEqual([
      { cluster: 'bare', read: true, pools: [] },
    ]);
  });

  it('an error is unknown, never "no pools": a 403 on v2, a server that does not answer, one that is down, no context', async () => {
    answers.set('denied', {
      [v2]: { status: 403 },
      [v2alpha1]: { status: 200, items: [pool('x', '172.18.9.0/24')] },
    });
    answers.set('hung', { [v2]: 'hang' });
    const config = kubeconfig(['denied', 'hung']);
    config.addCluster({ name: 'kind-down', server: 'http://127.0.0.1:1', skipTLSVerify: true });
    config.addContext({ name: 'kind-down', cluster: 'kind-down', user: 'user' });
    const results = await readOtherClusterPools(config, ['denied', 'hung', 'down', 'nocontext'], 1_000);
    for (const result of results) expect(result).toMatchObject({ read: false });
    expect(results.map((r) => (r.read ? '' : r.reason))).toEqual([
      expect.stringContaining('HTTP 403'),
      expect.stringContaining('no answer'),
      expect.any(String),
      'no kubeconfig context kind-nocontext',
    ]);
    expect(results.map((r) => !r.read && r.noContext)).toEqual([false, false, false, true]);
  });

  it('the lab plan notes an unknown cluster as a problem, and uses the pools it read', async () => {
    answers.set('seen', { [v2]: { status: 200, items: [pool('p', '172.18.240.0/24')] } });
    answers.set('broken', { [v2]: { status: 500 } });
    const file = join(dir, 'config');
    writeFileSync(file, kubeconfig(['seen', 'broken']).exportConfig());
    const { used, problems } = await readOtherPools(['seen', 'broken', 'gone'], { kubeconfigEnv: file });
    expect(used).toEqual([{ cidr: '172.18.240.0/24', what: 'the pool p of cluster "seen"' }]);
    expect(problems).toEqual([
      expect.stringMatching(/^cluster "broken" did not list its pools \(HTTP 500 .*\); they were not checked$/),
      'cluster "gone" has no kubeconfig context kind-gone; its pools were not checked',
    ]);
  });
});
