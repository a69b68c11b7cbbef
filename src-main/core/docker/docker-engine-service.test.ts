import { helperLabel } from './helper-containers';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DockerEngineStatus } from '../../contract';
import { DockerFaultProxy } from '../../../e2e/lab/docker-fault-proxy.ts';
import { ensureBusyboxImage, labLabel } from '../../../e2e/lab/images.ts';
import { docker, requireDocker } from '../../../e2e/lab/require-docker.ts';
import { createMemoryLogger } from '../util/logger';
import { createDockerClient } from './docker-client';
import { resolveDockerEndpoint, defaultEndpointEnvironment } from './docker-endpoint';
import { DockerEngineService } from './docker-engine-service';

let image: string;
let proxy: DockerFaultProxy;
const created: string[] = [];
const services: DockerEngineService[] = [];

beforeAll(async () => {
  requireDocker();
  image = ensureBusyboxImage();
  proxy = await DockerFaultProxy.start();
});

afterEach(() => {
  for (const service of services.splice(0)) service.dispose();
});

afterAll(async () => {
  if (created.length > 0) docker(['rm', '-f', ...created]);
  await proxy?.close();
});

function serviceFor(dockerHost: string): DockerEngineService {
  const endpoint = resolveDockerEndpoint(defaultEndpointEnvironment({ DOCKER_HOST: dockerHost }));
  const service = new DockerEngineService({
    endpoint,
    docker: createDockerClient(endpoint),
    log: createMemoryLogger(),
    coalesceMs: 50,
  });
  services.push(service);
  return service;
}

function recordStatuses(service: DockerEngineService): DockerEngineStatus[] {
  const seen: DockerEngineStatus[] = [];
  service.onDidChangeStatus((status) => seen.push(status));
  return seen;
}

const until = <T>(fn: () => T) => vi.waitFor(fn, { timeout: 20_000, interval: 50 });

describe('DockerEngineService on the real engine', () => {
  it('reports what `docker version` and `docker info` report', async () => {
    const status = await serviceFor('unix:///var/run/docker.sock').refresh();
    const [serverVersion, apiVersion, os, arch] = docker([
      'version',
      '--format',
      '{{.Server.Version}}|{{.Server.APIVersion}}|{{.Server.Os}}|{{.Server.Arch}}',
    ])
      .trim()
      .split('|');
    const [operatingSystem, name] = docker(['info', '--format', '{{.OperatingSystem}}|{{.Name}}']).trim().split('|');
    expect(status.state).toBe('live');
    expect(status.engine).toMatchObject({ version: serverVersion, apiVersion, os, arch, operatingSystem, name });
    expect(status.endpoint).toEqual({ host: 'unix:///var/run/docker.sock', source: 'DOCKER_HOST', tls: false });
  });

  it('follows containers appearing and disappearing through events, without polling', async () => {
    const service = serviceFor(proxy.dockerHost);
    const statuses = recordStatuses(service);
    service.start();
    await until(() => expect(service.getStatus().state).toBe('live'));
    const infoCallsBefore = proxy.count({ path: '/info' });
    // Container events the service saw meanwhile: ours, and those of other test files on this engine.
    let eventsSeen = 0;
    const counting = service.onDidReceiveEvent((event) => {
      if (event.Type === 'container') eventsSeen += 1;
    });

    const name = `kindscope-test-${randomBytes(4).toString('hex')}`;
    created.push(name);
    // Other test files make and remove containers meanwhile: the count followed is compared with the
    // engine's own count (Kindscope's helpers left out, as the service leaves them out), not with ours ± 1.
    const ours: string[] = [];
    service.onDidReceiveEvent((event) => {
      if (event.Type === 'container' && event.Actor?.Attributes?.name === name) ours.push(event.Action);
    });
    const count = (args: string[]) =>
      docker(['ps', '--all', '--quiet', ...args])
        .split('\n')
        .filter(Boolean).length;
    const engineCount = () => count([]) - count(['--filter', `label=${helperLabel}`]);
    docker(['create', '--name', name, '--label', `${labLabel}=1`, image, 'sleep', '60']);
    await until(() => expect(ours).toContain('create'));
    await until(() => expect(service.getStatus().engine!.containers.total).toBe(engineCount()));
    docker(['rm', '-f', name]);
    await until(() => expect(ours).toContain('destroy'));
    await until(() => expect(service.getStatus().engine!.containers.total).toBe(engineCount()));

    // One re-read per burst of events, and nothing while idle: on a quiet engine 2–4 for our create
    // and remove; with other files' containers coming and going, at most one per event seen.
    counting.dispose();
    const infoCalls = proxy.count({ path: '/info' }) - infoCallsBefore;
    expect(infoCalls).toBeGreaterThanOrEqual(2);
    expect(infoCalls).toBeLessThanOrEqual(Math.max(4, eventsSeen));
    // Idle, no polling: any call in this window is a re-read caused by an engine event
    // (other test files create containers on the same engine), at most /version, /info and
    // the list of Kindscope's own helpers (left out of the counts) each: three calls per event at most.
    let eventsInWindow = 0;
    service.onDidReceiveEvent((event) => {
      if (event.Type === 'container' && /^(create|destroy|start|die|pause|unpause|stop|kill)$/.test(event.Action))
        eventsInWindow += 1;
    });
    const settled = proxy.count();
    // 6 s: long enough to catch polling every 2–5 s, which a 1.5 s window would miss.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(proxy.count() - settled).toBeLessThanOrEqual(3 * eventsInWindow);
    expect(statuses.length).toBeGreaterThan(1);
  });

  it('shows the engine going away and coming back without a restart', async () => {
    const service = serviceFor(proxy.dockerHost);
    const statuses = recordStatuses(service);
    service.start();
    await until(() => expect(service.getStatus().state).toBe('live'));

    await proxy.refuse();
    await until(() => expect(service.getStatus().state).toBe('offline'));
    // First the stream breaks, then reconnecting finds no socket.
    await until(() => expect(service.getStatus().problem?.message).toMatch(/No Docker engine socket|Nothing answers/));
    const offline = service.getStatus();
    expect(offline.problem?.hint).toMatch(/Start your Docker engine/);
    expect(offline.engine).toBeUndefined();

    await proxy.accept();
    await until(() => expect(service.getStatus().state).toBe('live'));
    expect(service.getStatus().engine?.version).toBe(docker(['version', '--format', '{{.Server.Version}}']).trim());
    expect(statuses.map((s) => s.state)).toEqual(expect.arrayContaining(['live', 'offline']));
  });

  it('reconnects a cut event stream with since= and keeps following', async () => {
    const service = serviceFor(proxy.dockerHost);
    const events: string[] = [];
    service.onDidReceiveEvent((event) => events.push(`${event.Type}/${event.Action}/${event.Actor.ID}`));
    let reconnects = 0;
    service.onDidReconnect(() => (reconnects += 1));
    service.start();
    await until(() => expect(reconnects).toBe(1));
    expect(proxy.openEventStreams).toBe(1);

    const first = `kindscope-test-${randomBytes(4).toString('hex')}`;
    created.push(first);
    const firstId = docker(['create', '--name', first, '--label', `${labLabel}=1`, image, 'sleep', '60']).trim();
    await until(() => expect(events).toContain(`container/create/${firstId}`));

    expect(proxy.cutEvents()).toBe(1);
    // While the stream is down, an event happens; the reconnect's since= must bring it.
    const second = `kindscope-test-${randomBytes(4).toString('hex')}`;
    created.push(second);
    const secondId = docker(['create', '--name', second, '--label', `${labLabel}=1`, image, 'sleep', '60']).trim();
    await until(() => expect(events).toContain(`container/create/${secondId}`));
    await until(() => expect(reconnects).toBeGreaterThanOrEqual(2));

    const eventCalls = proxy.calls.filter((call) => call.path === '/events');
    expect(eventCalls.length).toBeGreaterThanOrEqual(2);
    expect(eventCalls.at(-1)!.target).toMatch(/since=\d+\.\d{9}/);
    // No event is delivered twice across the reconnect.
    expect(events.filter((e) => e === `container/create/${firstId}`)).toHaveLength(1);
    docker(['rm', '-f', first, second]);
  });
});
