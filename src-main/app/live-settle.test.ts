import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLabCluster, type LabCluster } from '../../e2e/lab/lab-cluster.ts';
import { docker, tryDocker } from '../../e2e/lab/require-docker.ts';
import { createTypedClient, type ClusterTopology, type KindscopeClient } from '../contract';
import { createApp, type App } from './compose';

let lab: LabCluster;
let app: App;
let client: KindscopeClient;
let home: string;
const saved = { ...process.env };

beforeAll(async () => {
  lab = await startLabCluster({ name: `i28-live-${randomBytes(2).toString('hex')}`, workers: 1, cilium: {} });
  home = mkdtempSync(join(tmpdir(), 'kindscope-live-'));
  Object.assign(process.env, lab.env, { KINDSCOPE_HOME: join(home, 'data') });
  app = createApp({ transport: 'test', live: true, dataDir: join(home, 'data') });
  client = createTypedClient(app.router);
}, 240_000);

afterAll(async () => {
  await app?.dispose();
  process.env = saved;
  await lab?.down();
  rmSync(home, { recursive: true, force: true });
}, 120_000);

describe('live means live: a run re-reads the cluster it changes until it settles', () => {
  it(
    "a change inside a node that no Docker event reports reaches the pushed model once a run's step ends — no Refresh",
    { timeout: 240_000 },
    async () => {
      const worker = `${lab.name}-worker`;
      const pushed: ClusterTopology[] = [];
      const subscription = client.subscribe(
        'topology:changed',
        (topology) => topology.name === lab.name && pushed.push(topology),
      );
      try {
        const first = await client.invoke('topology:snapshot', { cluster: lab.name });
        if (!first.ok) throw new Error(first.error.message);
        const mtuOf = (t: ClusterTopology) => t.nodes.find((n) => n.name === worker)?.eth0?.mtu;
        expect(mtuOf(first.value)).toBe(1500);
        // Inside the node, as Cilium changes interfaces and routes: `docker exec` is no event the topology follows.
        docker(['exec', worker, 'ip', 'link', 'set', 'dev', 'eth0', 'mtu', '1400']);
        const cached = await client.invoke('topology:snapshot', { cluster: lab.name });
        expect(cached.ok && mtuOf(cached.value)).toBe(1500);
        // A Kindscope run on the cluster (a start of a running lab: its steps end whatever they find).
        // What the run did, for the failure message: a step that never ended asks for no re-read.
        const runLog: string[] = [];
        const runs = client.subscribe('lab:run-changed', (r) =>
          runLog.push(`${r.state} ${r.steps.map((x) => `${x.name}:${x.state}`).join(' ')}`),
        );
        const started = await client.invoke('lab:start', { cluster: lab.name });
        if (!started.ok) throw new Error(started.error.message);
        await vi
          .waitFor(() => expect(pushed.map(mtuOf), runLog.join('\n')).toContain(1400), {
            timeout: 120_000,
            interval: 250,
          })
          .finally(runs);
        // And what is asked for now is that read, not the stale one.
        const now = await client.invoke('topology:snapshot', { cluster: lab.name });
        expect(now.ok && mtuOf(now.value)).toBe(1400);
      } finally {
        subscription();
        tryDocker(['exec', worker, 'ip', 'link', 'set', 'dev', 'eth0', 'mtu', '1500']);
      }
    },
  );
});
