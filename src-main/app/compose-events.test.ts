import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, type EventKey } from '../contract';
import { fakeClusterStatus } from '../contract/cluster-status.fake';
import { createMemoryLogger } from '../core/util/logger';
import { createApp, type App } from './compose';

/**
 * On the real composition (createApp, not the router's table): every event of the contract
 * reaches a subscriber when its source fires. Each source is fired where the service itself
 * fires it — its own listener set — so removing a wiring in compose.ts (an event wired to a
 * no-op, or to the wrong service) fails here. The payloads are valid by the contract (the
 * router drops anything else).
 */
let app: App;
let dir: string;

/** The listeners a service notifies, read from its own private set (or Emitter). */
function listenersOf(service: unknown, field: string): ((payload: unknown) => void)[] {
  const holder = (service as Record<string, unknown>)[field];
  if (holder instanceof Set) return [...(holder as Set<(payload: unknown) => void>)];
  const inner = (holder as { listeners?: Set<(payload: unknown) => void> } | undefined)?.listeners;
  if (inner instanceof Set) return [...inner];
  throw new Error(`${field} is not a listener set any more: update this test to the service's way of notifying`);
}

const now = new Date().toISOString();
const run = {
  id: 'run-1',
  kind: 'create',
  cluster: 'lab',
  state: 'running',
  createdAt: now,
  updatedAt: now,
  steps: [],
  created: [],
  facts: {},
  dir: '/tmp/run-1',
};

/** How each event's source fires, and a payload it would carry. */
const sources: Record<EventKey, { fire: (payload: unknown) => void; payload: unknown }> = {
  dockerEngineChanged: {
    fire: (p) => listenersOf(app.services.docker, 'statusListeners').forEach((l) => l(p)),
    payload: {
      state: 'live',
      endpoint: { host: 'unix:///var/run/docker.sock', source: 'default', tls: false },
      updatedAt: now,
    },
  },
  topologyChanged: {
    fire: (p) => listenersOf(app.services.topology, 'listeners').forEach((l) => l(p)),
    payload: {
      name: 'lab',
      observedFrom: 'host',
      networks: [],
      nodes: [],
      host: { platform: 'linux', routes: [], reachability: { status: 'unknown', reason: 'test' } },
      problems: [],
      generatedAt: now,
      tookMs: 1,
    },
  },
  clusterStatusChanged: {
    fire: (p) => listenersOf(app.services.clusters, 'changed').forEach((l) => l(p)),
    payload: fakeClusterStatus({ cluster: 'lab' }),
  },
  toolDownloadProgress: {
    fire: (p) => listenersOf(app.services.tools, 'progressListeners').forEach((l) => l(p)),
    payload: { tool: 'kind', receivedBytes: 10, totalBytes: 100 },
  },
  clustersChanged: {
    fire: (p) =>
      listenersOf(app.services.topology, 'clusterListeners').forEach((l) => l((p as { clusters: unknown }).clusters)),
    payload: { clusters: [{ name: 'lab', nodes: 1, running: 1, networks: ['kind'] }] },
  },
  labRunChanged: {
    fire: (p) => listenersOf(app.services.runs!.runner, 'listeners').forEach((l) => l(p)),
    payload: run,
  },
  labRunLogLine: {
    fire: (p) => listenersOf(app.services.runs!.runner, 'logListeners').forEach((l) => l(p)),
    payload: { run: 'run-1', step: 'kind-create', line: 'Creating cluster "lab" ...' },
  },
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kindscope-compose-'));
  // Not live: nothing is followed or started; the sources are fired by hand below.
  app = createApp({ transport: 'serve', live: false, dataDir: dir, log: createMemoryLogger() });
});

afterAll(async () => {
  await app?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('createApp: every pushed event is wired to its source', () => {
  it('the table below covers every event of the contract', () => {
    expect(Object.keys(sources).sort()).toEqual(Object.keys(events).sort());
  });

  for (const key of Object.keys(events) as EventKey[]) {
    it(`${events[key].id}: delivered to a subscriber when its source fires, and not after unsubscribing`, () => {
      const source = sources[key];
      expect(events[key].payload.safeParse(source.payload).success, 'the payload is valid by the contract').toBe(true);
      const received: unknown[] = [];
      const unsubscribe = app.router.subscribe(events[key].id, (payload) => received.push(payload));
      source.fire(source.payload);
      expect(received).toEqual([events[key].payload.parse(source.payload)]);
      unsubscribe();
      source.fire(source.payload);
      expect(received).toHaveLength(1);
    });
  }
});
