import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DockerFaultProxy } from '../../e2e/lab/docker-fault-proxy.ts';
import { requireDocker } from '../../e2e/lab/require-docker.ts';
import { createTypedClient, type RunRecord } from '../contract';
import { createDockerClient } from '../core/docker/docker-client';
import { defaultEndpointEnvironment, resolveDockerEndpoint } from '../core/docker/docker-endpoint';
import { helperLabel } from '../core/docker/helper-containers';
import { GuiEnvironment } from '../core/tools/gui-environment';
import { createMemoryLogger } from '../core/util/logger';
import { createApp } from './compose';

/**
 * The composition root's promise that every service reaches the engine through one accessor
 * that follows `retarget`. Two real endpoints: two counting proxies in front of the one
 * engine, so each call is seen on the engine it went to.
 */
let before: DockerFaultProxy;
let after: DockerFaultProxy;
let home: string;

beforeAll(async () => {
  requireDocker();
  before = await DockerFaultProxy.start();
  after = await DockerFaultProxy.start();
  home = mkdtempSync(join(tmpdir(), 'kindscope-compose-'));
  mkdirSync(join(home, 'bin'));
});

afterAll(async () => {
  await before?.close();
  await after?.close();

  rmSync(home, { recursive: true, force: true });
});

/** An environment without kind, helm or cilium: a create run stops at its preflight, making nothing. */
const toolless = () => new GuiEnvironment({ env: { PATH: join(home, 'bin'), HOME: home }, shell: '/nonexistent' });

// Captures reach the engine through the same `docker` accessor (createCaptureHandlers), measured here through
// the capture call that needs no running cluster (a drill's recovery looks for its helpers and the node).
describe('after DockerEngineService.retarget', () => {
  it('plan validation, create, captures and the topology use the new engine, never the old one', async () => {
    const app = createApp({
      transport: 'test',
      live: false,
      dataDir: join(home, 'data-retarget'),
      log: createMemoryLogger(),
      endpointEnvironment: defaultEndpointEnvironment({ DOCKER_HOST: before.dockerHost }),
      environment: toolless(),
    });
    const client = createTypedClient(app.router);
    try {
      const endpoint = resolveDockerEndpoint(defaultEndpointEnvironment({ DOCKER_HOST: after.dockerHost }));
      app.services.docker!.retarget(endpoint, createDockerClient(endpoint));
      const since = Date.now();
      const name = `rt-${randomBytes(2).toString('hex')}`;

      // Plan validation reads the kind network and the clusters on it.
      const validated = await client.invoke('lab:validate-plan', { name });
      expect(validated.ok).toBe(true);
      expect(after.count({ path: '/networks/kind', since })).toBeGreaterThan(0);

      // The topology lists and snapshots there.
      const snapshot = await client.invoke('topology:snapshot', { cluster: name });
      expect(snapshot).toMatchObject({ ok: false, error: { code: 'CLUSTER_NOT_FOUND' } });
      expect(after.count({ path: '/containers/json', since })).toBeGreaterThan(0);

      // A create run's preflight reads the engine's facts (docker info) there; without kind it stops.
      const created = await client.invoke('lab:create', { name });
      if (!created.ok) throw new Error(created.error.message);
      const run = await vi.waitFor(
        async () => {
          const current = await client.invoke('lab:run', { id: created.value.id });
          if (!current.ok || current.value.state === 'running') throw new Error('still running');
          return current.value;
        },
        { timeout: 30_000, interval: 100 },
      );
      expect(run).toMatchObject<Partial<RunRecord>>({ state: 'failed' });
      expect(run.steps.find((step) => step.state === 'failed')?.name).toBe('preflight');
      expect(after.count({ path: '/info', since })).toBeGreaterThan(0);

      // A capture call: the failover drill's recovery lists this Kindscope's capture helpers, then the node.
      const capturedSince = Date.now();
      const recovered = await client.invoke('capture:failover-recover', { cluster: name, node: `${name}-worker` });
      expect(recovered).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      const captureCalls = after.calls.filter(
        (call) => call.at >= capturedSince && decodeURIComponent(call.target).includes(`${helperLabel}=capture`),
      );
      expect(captureCalls.length, 'the capture helpers were looked for on the new engine').toBeGreaterThan(0);

      expect(before.count({ since })).toBe(0);
      expect(after.count({ since })).toBeGreaterThan(0);
    } finally {
      await app.dispose();
    }
  });
});
