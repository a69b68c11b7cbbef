import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerFaultProxy } from '../../e2e/lab/docker-fault-proxy.ts';
import { startLabCluster, type LabCluster } from '../../e2e/lab/lab-cluster.ts';
import { docker, requireDocker } from '../../e2e/lab/require-docker.ts';
import { ExitCode } from './output';
import { kindscopeEntry } from '../../e2e/lab/kindscope-entry.ts';

const root = join(import.meta.dirname, '../..');
let cluster: LabCluster;
let proxy: DockerFaultProxy;

beforeAll(async () => {
  requireDocker();
  cluster = await startLabCluster({ name: `i13-ctrlc-${process.pid}`, workers: 1 });
  proxy = await DockerFaultProxy.start();
});

afterAll(async () => {
  await proxy?.close();
  await cluster?.down();
});

describe('Ctrl-C during `kindscope topology`', () => {
  it('exits 130 and removes the helper container it started', async () => {
    // A slow engine (every chunk delayed) keeps the command running while the helper exists.
    proxy.delay(150);
    const child = spawn(process.execPath, [...kindscopeEntry, 'topology', '--cluster', cluster.name], {
      cwd: root,
      env: { ...process.env, DOCKER_HOST: proxy.dockerHost, KUBECONFIG: cluster.kubeconfig },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const ownedByChild = () =>
      docker(['ps', '-a', '--filter', `label=io.kindscope.owner-pid=${child.pid}`, '--format', '{{.Names}}']).trim();
    await expect
      .poll(
        () =>
          proxy.calls.some(
            (call) =>
              call.method === 'POST' && call.path === '/containers/create' && call.target.includes('kindscope-helper-'),
          ),
        { timeout: 60_000, interval: 50 },
      )
      .toBe(true);
    await expect
      .poll(ownedByChild, { timeout: 30_000, interval: 100 })
      .toMatch(/^kindscope-helper-netns-\d+-[0-9a-f]{6}$/);
    child.kill('SIGINT');
    expect(await exited).toBe(ExitCode.interrupted);
    expect(stderr).toContain('interrupted; cleaning up');
    expect(ownedByChild()).toBe('');
  });
});
