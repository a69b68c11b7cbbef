import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerFaultProxy } from '../../e2e/lab/docker-fault-proxy.ts';
import { requireDocker } from '../../e2e/lab/require-docker.ts';
import { createApp } from './compose';
import { GuiEnvironment } from '../core/tools/gui-environment';
import { createMemoryLogger } from '../core/util/logger';
import { defaultEndpointEnvironment } from '../core/docker/docker-endpoint';
import { loginShellEndpoint } from '../core/docker/login-shell-endpoint';

/** A login shell (named bash, as the run policy requires) whose profile exports these. */
function shellExporting(values: Record<string, string>): { shell: string; home: string } {
  const home = mkdtempSync(join(tmpdir(), 'kindscope-shell-'));
  mkdirSync(join(home, 'bin'));
  const shell = join(home, 'bin/bash');
  const exports = Object.entries(values)
    .map(([k, v]) => `export ${k}='${v}'`)
    .join('\n');
  writeFileSync(shell, `#!/bin/sh\n${exports}\nexec env -0\n`, { mode: 0o755 });
  return { shell, home };
}

let proxy: DockerFaultProxy;
beforeAll(async () => {
  requireDocker();
  proxy = await DockerFaultProxy.start();
});
afterAll(() => proxy?.close());

describe('DOCKER_HOST set only in the login shell', () => {
  it('is read into the endpoint once the login shell answers', async () => {
    const { shell, home } = shellExporting({ DOCKER_HOST: proxy.dockerHost });
    const environment = new GuiEnvironment({ env: { PATH: '/usr/bin:/bin', HOME: home }, shell });
    expect(loginShellEndpoint(environment, defaultEndpointEnvironment({}))).toBeUndefined();
    await environment.loadLoginShell();
    expect(loginShellEndpoint(environment, defaultEndpointEnvironment({}))).toMatchObject({
      host: proxy.dockerHost,
      source: 'DOCKER_HOST',
    });
  });

  it("the process's own DOCKER_HOST wins, as in a terminal", async () => {
    const { shell, home } = shellExporting({ DOCKER_HOST: proxy.dockerHost });
    const environment = new GuiEnvironment({
      env: { PATH: '/usr/bin:/bin', HOME: home, DOCKER_HOST: 'unix:///var/run/docker.sock' },
      shell,
    });
    await environment.loadLoginShell();
    expect(
      loginShellEndpoint(environment, defaultEndpointEnvironment({ DOCKER_HOST: 'unix:///var/run/docker.sock' })),
    ).toBeUndefined();
  });

  it("moves a desktop app's own engine connection there (status, events and calls)", async () => {
    const { shell, home } = shellExporting({ DOCKER_HOST: proxy.dockerHost });
    const since = Date.now();
    const app = createApp({
      transport: 'test',
      live: true,
      dataDir: join(home, 'data'),
      log: createMemoryLogger(),
      // Started like a GUI app: no DOCKER_HOST in its own environment, so the default socket first.
      endpointEnvironment: defaultEndpointEnvironment({}),
      environment: new GuiEnvironment({ env: { PATH: '/usr/bin:/bin', HOME: home }, shell }),
    });
    try {
      await expect
        .poll(
          async () => {
            const result = await app.router.invoke('docker:engine', {});
            return result.ok ? (result.value as { endpoint: { host: string }; state: string }) : undefined;
          },
          { timeout: 20_000 },
        )
        .toMatchObject({ endpoint: { host: proxy.dockerHost }, state: 'live' });
      expect(proxy.count({ path: '/events', since })).toBeGreaterThan(0);
      await app.router.invoke('topology:clusters', {});
      expect(proxy.count({ path: '/containers/json', since })).toBeGreaterThan(0);
    } finally {
      await app.dispose();
    }
  });
});
