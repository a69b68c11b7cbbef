import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { kindscopeEntry } from '../../../e2e/lab/kindscope-entry.ts';
import { labEnv } from '../../../e2e/lab/lab-cluster.ts';
import { docker, requireDocker } from '../../../e2e/lab/require-docker.ts';
import type { FailoverResult } from '../../contract';
import { kindscope } from './kindscope-process';
import { labPlanYaml } from '../../../e2e/lab/lab-kind-plan.ts';

/**
 * Issue 29 item 7, acceptance on the lab: the failover drill in BGP mode reports the router's
 * withdrawal of the stopped node's next hop and the downtime from this machine, each beside
 * what the live CiliumBGPPeerConfig's timers predict, for a clean stop (docker stop: the
 * speaker's session closes, withdrawn at once) and a pause (docker pause: withdrawn when the
 * router's hold timer runs out). One lab cluster for both stops (CI time): the cases run in order.
 */
const suffix = randomBytes(3).toString('hex');
const network = `ks-bgpf-${suffix}`;
const name = `bgpf-${suffix}`;
const router = `${name}-router`;
const home = mkdtempSync(join(tmpdir(), 'ks-bgpf-home-'));
const planFile = join(home, 'lab.yaml');
let env: NodeJS.ProcessEnv;
let runId: string | undefined;
let ip: string;
const measured: Record<string, { withdrawnMs?: number; downtimeMs?: number; predicted: string }> = {};

/** The router's installed next hops for the IP, read with its own ip route (not through the product). */
const fibHops = () =>
  (
    JSON.parse(docker(['exec', router, 'ip', '-j', '-4', 'route', 'show', `${ip}/32`]) || '[]') as {
      gateway?: string;
      nexthops?: { gateway: string }[];
    }[]
  ).flatMap((r) => (r.gateway ? [r.gateway] : (r.nexthops ?? []).map((h) => h.gateway)));

const nodeState = (node: string) =>
  JSON.parse(docker(['inspect', '--format', '{{json .State}}', node])) as { Running: boolean; Paused: boolean };

beforeAll(() => {
  requireDocker();
  env = labEnv({ HOME: home, KIND_EXPERIMENTAL_DOCKER_NETWORK: network });
  for (const key of ['KUBECONFIG', 'KINDSCOPE_HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME']) delete env[key];
  // The plan's defaults: lab timers (hold 9 s, keepalive 3 s), graceful restart off.
  writeFileSync(planFile, labPlanYaml(name, { announce: 'bgp', workers: 2 }));
  const created = kindscope(['create', '-f', planFile, '--json'], env, 600_000);
  const result = JSON.parse(created.stdout || '{}') as { run?: string; service?: { ip: string } };
  runId = result.run;
  if (created.code !== 0) throw new Error(`create failed:\n${created.stderr}\n${created.stdout}`);
  ip = result.service!.ip;
}, 660_000);

afterAll(() => {
  // Whatever a failed drill left frozen or stopped is restored first, so cleanup can remove it.
  for (const node of [`${name}-worker`, `${name}-worker2`]) {
    spawnSync('docker', ['unpause', node], { encoding: 'utf8' });
    spawnSync('docker', ['start', node], { encoding: 'utf8' });
  }
  if (runId) kindscope(['cleanup', runId, '--yes'], env, 300_000);
  spawnSync('kind', ['delete', 'cluster', '--name', name], { env, encoding: 'utf8', timeout: 120_000 });
  spawnSync('docker', ['rm', '--force', router], { encoding: 'utf8' });
  spawnSync('docker', ['network', 'rm', `${name}-lb`], { encoding: 'utf8' });
  spawnSync('docker', ['network', 'rm', network], { encoding: 'utf8' });
  rmSync(home, { recursive: true, force: true });
  // The closing note's figures.
  console.log(`BGP failover drill on the lab: ${JSON.stringify(measured)}`);
}, 400_000);

/** Runs the drill and checks what both stops share: the router measured, the prediction beside it, the node back. */
function drill(
  stop: 'stop' | 'pause',
  gracefulRestart = { enabled: false, restartTimeSeconds: 120 },
): NonNullable<FailoverResult['bgp']> & { result: FailoverResult } {
  const ran = kindscope(
    ['failover', '--cluster', name, '--service', 'default/web', '--stop', stop, '--yes', '--json'],
    env,
    180_000,
  );
  expect(ran.code, `${ran.stderr}\n${ran.stdout}`).toBe(0);
  const result = JSON.parse(ran.stdout) as FailoverResult;
  const bgp = result.bgp!;
  measured[gracefulRestart.enabled ? `${stop} with graceful restart` : stop] = {
    ...(bgp.withdrawnMs !== undefined ? { withdrawnMs: bgp.withdrawnMs } : {}),
    ...(result.downtimeMs !== undefined ? { downtimeMs: result.downtimeMs } : {}),
    predicted: `${bgp.prediction.fromMs}-${bgp.prediction.toMs} ms (${bgp.verdict})`,
  };
  expect(result.announce).toBe('bgp');
  expect(result.stop).toBe(stop);
  // The node stopped is one of the router's two next hops, and the one this machine's flow took.
  expect(bgp.nextHopsBefore).toHaveLength(2);
  expect(bgp.nextHopsBefore).toContain(bgp.stoppedNode.ip);
  expect(bgp.chosenBecause).toContain("this machine's flow");
  // Configuration: the live peer config the plan wrote.
  expect(bgp.configured).toEqual({
    peerConfig: 'lab-router',
    holdTimeSeconds: 9,
    keepAliveTimeSeconds: 3,
    gracefulRestart,
  });
  // Measurement: the router withdrew the node's next hop, read in a loop, and kept the other one.
  expect(bgp.routerReadings).toBeGreaterThan(10);
  expect(bgp.withdrawnMs).toBeDefined();
  expect(bgp.nextHopsAfter).not.toContain(bgp.stoppedNode.ip);
  expect(bgp.nextHopsAfter).toHaveLength(1);
  // The downtime from this machine is measured (0 when the withdrawal beat every probe), and HTTP answers after.
  expect(result.downtimeMs).toBeDefined();
  expect(result.intervals.length).toBeGreaterThan(3);
  expect(result.httpAfter?.ok).toBe(true);
  // The claim is its own field, read from the node's CiliumBGPNodeConfig, never the router's word.
  expect(bgp.claim.before).toBe('established');
  expect(result.timeline.map((e) => e.kind)).toEqual(
    expect.arrayContaining(['next-hop-withdrawn', 'predicted-withdrawal', stop === 'pause' ? 'unpaused' : 'started']),
  );
  // The node is back (running, not frozen).
  expect(result.restarted).toBe(true);
  expect(nodeState(bgp.stoppedNode.node)).toMatchObject({ Running: true, Paused: false });
  return { ...bgp, result };
}

const bothHopsBack = async () =>
  vi.waitFor(() => expect(fibHops()).toHaveLength(2), { timeout: 60_000, interval: 1_000 });

describe('the failover drill in BGP mode on the lab', () => {
  it('refuses a stop that is neither stop nor pause, naming the flag, before touching a node', () => {
    const ran = kindscope(['failover', '--cluster', name, '--service', 'default/web', '--stop', 'kill', '--yes'], env);
    expect(ran.code).not.toBe(0);
    expect(ran.stderr).toContain('--stop must be stop (docker stop) or pause (docker pause)');
    expect(fibHops()).toHaveLength(2);
  });

  it('a clean stop: the speaker closes its session, the router withdraws the next hop at once', async () => {
    await bothHopsBack();
    const bgp = drill('stop');
    expect(bgp.prediction.fromMs).toBe(0);
    expect(bgp.prediction.rule).toContain('at once');
    // At once means long before the hold timer could have run out (9 s − 3 s keepalive).
    expect(bgp.withdrawnMs!).toBeLessThan(6_000);
    expect(bgp.sessionDownMs).toBeDefined();
    expect(bgp.result.explanation).toContain('stopped (docker stop)');
  }, 240_000);

  it('a pause: the frozen speaker goes silent, the router withdraws only when its hold timer runs out', async () => {
    await bothHopsBack();
    const bgp = drill('pause');
    expect([bgp.prediction.fromMs, bgp.prediction.toMs]).toEqual([6_000, 10_000]);
    expect(bgp.prediction.rule).toContain('hold timer (9 s)');
    // Not at once: the session stayed up until the hold timer (at least hold − keepalive after the pause).
    expect(bgp.withdrawnMs!).toBeGreaterThanOrEqual(6_000 - bgp.routerSamplingMs);
    expect(bgp.lastSeenMs!).toBeGreaterThan(5_000);
    // Requests went to the frozen node until then: a downtime of seconds, whole intervals unanswered.
    expect(bgp.result.downtimeMs!).toBeGreaterThan(5_000);
    expect(bgp.result.intervals.some((i) => i.ok === 0 && i.total > 0)).toBe(true);
    expect(bgp.result.explanation).toContain('froze (docker pause)');
  }, 240_000);

  it('Ctrl-C during a pause: the frozen node is unpaused before the command leaves', async () => {
    await bothHopsBack();
    const child = spawn(
      process.execPath,
      [...kindscopeEntry, 'failover', '--cluster', name, '--service', 'default/web', '--stop', 'pause', '--yes'],
      { env, stdio: 'ignore' },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // Interrupted once a worker is frozen (the drill froze it).
    const frozen = await vi.waitFor(
      () => {
        const paused = [`${name}-worker`, `${name}-worker2`].find((n) => nodeState(n).Paused);
        expect(paused).toBeDefined();
        return paused!;
      },
      { timeout: 60_000, interval: 200 },
    );
    child.kill('SIGINT');
    await exited;
    expect(nodeState(frozen)).toMatchObject({ Running: true, Paused: false });
  }, 120_000);

  it('graceful restart on: a clean stop leaves the route stale in the router for the restart time, and the drill says so', async () => {
    // Patched live, as a user would: the drill reads the peer config as it is now (5 s keeps the test short).
    const patched = spawnSync(
      'kubectl',
      [
        '--context',
        `kind-${name}`,
        'patch',
        'ciliumbgppeerconfigs',
        'lab-router',
        '--type',
        'merge',
        '-p',
        '{"spec":{"gracefulRestart":{"enabled":true,"restartTimeSeconds":5}}}',
      ],
      { env, encoding: 'utf8' },
    );
    expect(patched.status, patched.stderr).toBe(0);
    // Both speakers re-peered with graceful restart: the router saw it in their OPEN.
    await vi.waitFor(
      () => {
        const neighbours = JSON.parse(docker(['exec', router, 'vtysh', '-c', 'show bgp neighbors json'])) as Record<
          string,
          { gracefulRestartInfo?: { remoteGrMode?: string } }
        >;
        expect(Object.values(neighbours).filter((n) => n.gracefulRestartInfo?.remoteGrMode === 'Restart')).toHaveLength(
          2,
        );
      },
      { timeout: 60_000, interval: 1_000 },
    );
    await bothHopsBack();
    const bgp = drill('stop', { enabled: true, restartTimeSeconds: 5 });
    expect([bgp.prediction.fromMs, bgp.prediction.toMs]).toEqual([5_000, 6_000]);
    expect(bgp.prediction.rule).toContain('stale for the restart time (5 s)');
    // Measured: the session went down at once, the path was kept stale, the FIB kept the dead node until the restart time.
    expect(bgp.staleMs).toBeDefined();
    expect(bgp.sessionDownMs!).toBeLessThan(bgp.withdrawnMs!);
    expect(bgp.withdrawnMs!).toBeGreaterThanOrEqual(5_000 - bgp.routerSamplingMs);
    // Requests kept going to the stopped node: seconds of downtime a clean stop without graceful restart does not have.
    expect(bgp.result.downtimeMs!).toBeGreaterThan(3_000);
    expect(bgp.result.explanation).toContain('graceful restart holding it for the restart time');
  }, 240_000);
});
