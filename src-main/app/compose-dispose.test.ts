import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DockerFaultProxy } from '../../e2e/lab/docker-fault-proxy.ts';
import { labEnv, startLabCluster, type LabCluster } from '../../e2e/lab/lab-cluster.ts';
import { docker, requireDocker, tryDocker } from '../../e2e/lab/require-docker.ts';
import { alive, ResourceTracker, turns, type OpenResource } from '../../e2e/lab/resource-tracker.ts';
import { createTypedClient, events } from '../contract';
import { defaultEndpointEnvironment } from '../core/docker/docker-endpoint';
import { ownerLabel } from '../core/docker/helper-containers';
import { freePort } from '../core/dns/dns-test-client';
import { GuiEnvironment } from '../core/tools/gui-environment';
import { createMemoryLogger } from '../core/util/logger';
import { createApp } from './compose';

/**
 * The composition root's promise: after `dispose()` no timer, child process or socket of
 * the app is left. The app is built against the real engine (behind a counting proxy) with
 * a lab cluster watched — the engine's event stream open, the topology followed, a cluster
 * session with its Kubernetes watches, the DNS responder — and with work in flight that
 * would never end by itself: a login shell that does not answer, a host `ip` that hangs, an
 * exec the engine never answers. The evidence is the process's own (async_hooks: every
 * handle and timer the app opened, and whether it was closed), the PIDs it started, and
 * the engine side's open connections — not the services' word.
 */
let cluster: LabCluster | undefined;
let proxy: DockerFaultProxy;
let home: string;
let bin: string;
const network = `ks-dispose-${randomBytes(3).toString('hex')}`;
const saved = { ...process.env };

beforeAll(async () => {
  requireDocker();
  home = mkdtempSync(join(tmpdir(), 'kindscope-dispose-'));
  bin = join(home, 'bin');
  mkdirSync(bin);
  // A host `ip` that hangs once asked to (the topology's host view runs it), else the real one.
  const realIp = execFileSync('sh', ['-c', 'command -v ip'], { encoding: 'utf8' }).trim();
  writeScript(
    join(bin, 'ip'),
    `if [ -e "${join(home, 'hold-ip')}" ]; then : > "${join(home, 'ip-held')}"; exec sleep 600; fi\nexec ${realIp} "$@"`,
  );
  // A login shell that never answers (a .zshrc waiting on a prompt); named sh, as the run policy wants a shell.
  mkdirSync(join(home, 'slow'));
  writeScript(join(home, 'slow', 'sh'), 'exec sleep 600');
  Object.assign(process.env, labEnv({ KINDSCOPE_DNS_PORT: String(await freePort()) }));
  process.env.PATH = `${bin}${delimiter}${process.env.PATH ?? ''}`;
  cluster = await startLabCluster({ name: `disp-${randomBytes(2).toString('hex')}`, workers: 1, network });
  proxy = await DockerFaultProxy.start();
}, 180_000);

afterAll(async () => {
  await proxy?.close();
  await cluster?.down();
  tryDocker(['network', 'rm', network]);
  process.env = saved;
  rmSync(home, { recursive: true, force: true });
});

function writeScript(path: string, body: string): void {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
}

/**
 * Timers a library keeps for the whole process, not for a request: undici's one clock
 * (`lib/util/timers.js`, a 1 s tick that stops by itself once no request needs it).
 */
const processWide = (resource: OpenResource) =>
  resource.type === 'Timeout' && /undici\/lib\/util\/timers/.test(resource.stack);

describe('createApp().dispose()', () => {
  it(
    'ends everything the app opened: no timer, child process or socket is left, and work in flight is cancelled',
    { timeout: 120_000 },
    async () => {
      const lab = cluster!;
      const tracker = new ResourceTracker();
      try {
        const app = tracker.run(() =>
          createApp({
            transport: 'test',
            live: true,
            dataDir: join(home, 'data'),
            log: createMemoryLogger(),
            endpointEnvironment: defaultEndpointEnvironment({ DOCKER_HOST: proxy.dockerHost }),
            environment: new GuiEnvironment({
              env: { PATH: process.env.PATH, HOME: home, KUBECONFIG: lab.kubeconfig },
              shell: join(home, 'slow', 'sh'),
              timeoutMs: 600_000,
            }),
            dnsRefreshMs: 3_600_000,
          }),
        );
        const client = createTypedClient(app.router);
        const pushed: string[] = [];
        tracker.run(() => {
          for (const event of Object.values(events)) app.router.subscribe(event.id, () => pushed.push(event.id));
        });

        // Watched: the cluster's session (its Kubernetes watches) and the topology it follows.
        await vi.waitFor(
          async () => {
            const status = await tracker.call(() => client.invoke('cluster:status', { cluster: lab.name }));
            if (!status.ok) throw new Error(status.error.message);
            expect(
              status.value.streams.some((stream) => stream.state === 'live'),
              JSON.stringify(status.value.streams),
            ).toBe(true);
          },
          { timeout: 60_000, interval: 500 },
        );
        await vi.waitFor(() => expect(proxy.openEventStreams).toBeGreaterThan(0), { timeout: 30_000 });
        expect(tracker.pids.length, 'the login shell and the host view ran').toBeGreaterThan(0);

        // In flight: a snapshot held in the host's `ip`, another held in an exec the engine never answers.
        writeFileSync(join(home, 'hold-ip'), '');
        const heldInIp = tracker.call(() => client.invoke('topology:snapshot', { cluster: lab.name, refresh: true }));
        let endedEarly: unknown;
        void heldInIp.then((result) => (endedEarly = result));
        await vi.waitFor(
          () => expect(existsSync(join(home, 'ip-held')), `held in ip? ${JSON.stringify(endedEarly)}`).toBe(true),
          { timeout: 30_000 },
        );
        const since = Date.now();
        proxy.hold(/^\/exec\/[^/]+\/start$/);
        const heldInExec = tracker.call(() => client.invoke('topology:snapshot', { cluster: lab.name, refresh: true }));
        await vi.waitFor(() => expect(proxy.count({ path: /^\/exec\/[^/]+\/start$/, since })).toBeGreaterThan(0), {
          timeout: 30_000,
        });
        const pids = tracker.pids;
        // The two held `ip` runs and the login shell (and any refresh an engine event began meanwhile, held too).
        expect(pids.filter(alive).length, 'the held ip runs and the login shell are running').toBeGreaterThanOrEqual(3);
        expect(tracker.stillOpen().length).toBeGreaterThan(0);

        await tracker.call(() => app.dispose());
        await turns(20);

        // The work in flight was ended by the dispose, not left to time out.
        for (const held of [heldInIp, heldInExec])
          expect(await held).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
        const left = tracker
          .stillOpen(processWide)
          .map((r) => `${r.type}${r.pid ? ` (pid ${r.pid})` : ''}\n${r.stack}`);
        expect(left, 'handles and timers the app opened and did not close').toEqual([]);
        expect(pids.filter(alive), 'child processes (or their groups) still there').toEqual([]);
        expect(proxy.openConnections, 'connections to the engine the app did not close').toBe(0);
        // The netns helper it made is gone from the engine too.
        const helpers = docker(['ps', '-aq', '--filter', `label=${ownerLabel}=${process.pid}`]).trim();
        expect(helpers).toBe('');
        expect(pushed.length, 'events reached the subscribers while it ran').toBeGreaterThan(0);
      } finally {
        proxy.hold(undefined);
        tracker.dispose();
      }
    },
  );
});
