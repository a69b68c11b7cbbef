import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConnectivityHop } from '../../contract';
import { kubectlOk } from '../../../e2e/lab/lab-api.ts';
import { startLabCluster, type LabCluster } from '../../../e2e/lab/lab-cluster.ts';
import { createMacStandIns, type MacStandIns } from '../../../e2e/lab/mac-net-standins.ts';
import { docker } from '../../../e2e/lab/require-docker.ts';
import { kindscopeEntry } from '../../../e2e/lab/kindscope-entry.ts';

// Generous deadlines, not timed assertions: the shared 2-core machine runs many labs at once.
vi.setConfig({ testTimeout: 120_000 });

const root = join(import.meta.dirname, '../../..');
const formula = 'chipmk/tap/docker-mac-net-connect';
const elevated = (action: string) =>
  `do shell script "/opt/homebrew/bin/brew services ${action} ${formula}" with administrator privileges`;
let cluster: LabCluster;
let mac: MacStandIns;

/** The real `kindscope` entry point, as a user runs it (optionally inside another network namespace). */
function kindscope(args: string[], env: NodeJS.ProcessEnv, prefix: string[] = []) {
  const [bin, ...rest] = [...prefix, process.execPath, ...kindscopeEntry, 'connectivity', ...args];
  const result = spawnSync(bin!, rest, { cwd: root, encoding: 'utf8', env, timeout: 100_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function hops(result: { stdout: string; stderr: string }): ConnectivityHop[] {
  try {
    return JSON.parse(result.stdout) as ConnectivityHop[];
  } catch {
    throw new Error(`not JSON: ${result.stdout}${result.stderr}`);
  }
}

/** The calls that change something on a Mac (everything else only reads). */
const changes = () =>
  mac
    .calls()
    .filter(
      ([tool, ...args]) =>
        tool === 'osascript' ||
        (tool === 'brew' && ['install', 'upgrade', 'uninstall', 'services'].includes(args[0]!) && args[1] !== 'info'),
    );

const nodeIps = () =>
  cluster.nodeNames.map((name) => ({
    name,
    ip: docker(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', name]).trim(),
  }));
const subnet = () =>
  JSON.parse(docker(['network', 'inspect', 'kind', '-f', '{{json .IPAM.Config}}'])).find(
    (c: { Subnet: string }) => !c.Subnet.includes(':'),
  ).Subnet as string;

beforeAll(async () => {
  cluster = await startLabCluster({
    name: `i19-${randomBytes(3).toString('hex')}`,
    workers: 1,
    cilium: { pool: 'auto' },
  });
  mac = createMacStandIns(cluster.env);
}, 180_000);

afterAll(async () => {
  // Whatever ran, no elevated string other than the fixed ones ever reached osascript.
  const scripts =
    mac
      ?.calls()
      .filter(([tool]) => tool === 'osascript')
      .map(([, , script]) => script) ?? [];
  mac?.remove();
  await cluster?.down();
  for (const script of scripts) expect([elevated('start'), elevated('stop'), elevated('restart')]).toContain(script);
}, 120_000);

describe('macOS with Docker Desktop (KINDSCOPE_PLATFORM=darwin KINDSCOPE_RUNTIME=docker-desktop, stand-ins on PATH)', () => {
  const reset = (options: Parameters<MacStandIns['set']>[0]) => {
    mac.set({
      state: 'not-installed',
      version: '0.1.5',
      prefix: '/opt/homebrew',
      routes: false,
      routesOnStart: true,
      deny: false,
      ...options,
    });
    mac.clearCalls();
  };

  it('not installed: the tool is the failing hop, the route hop says no route, and nothing is changed', () => {
    reset({});
    const result = kindscope(['--cluster', cluster.name, '--json'], mac.env);
    expect(result.code).toBe(1);
    const list = hops(result);
    expect(list.map((h) => h.hop).slice(0, 3)).toEqual([
      'runtime',
      'docker-mac-net-connect',
      `host route to ${subnet()} (Docker network kind)`,
    ]);
    expect(list[1]).toMatchObject({ ok: false, detail: 'Not installed (Homebrew at /opt/homebrew).' });
    expect(list[2]!.ok).toBe(false);
    expect(list[2]!.detail).toMatch(/^No route: only the default route \(0\.0\.0\.0\/0 dev en0 via 192\.168\.1\.1\)/);
    for (const { name, ip } of nodeIps())
      expect(list).toContainEqual(expect.objectContaining({ hop: `ping ${name} (${ip})`, ok: false }));
    expect(changes()).toEqual([]);
  });

  it('--fix without --yes shows the exact commands, exits 1 and runs none of them', () => {
    reset({});
    const result = kindscope(['--cluster', cluster.name, '--fix'], mac.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`1. ${join(mac.dir, 'bin/brew')} install ${formula}   (as you)`);
    expect(result.stderr).toContain(`2. osascript -e '${elevated('start')}'   (as root`);
    expect(changes()).toEqual([]);
    expect(mac.state()).toEqual({ state: 'not-installed', version: '0.1.5', routes: false });
  });

  it('--fix --yes runs exactly brew install, then the elevated start, then verifies against the replayed "after" table', () => {
    reset({});
    const result = kindscope(['--cluster', cluster.name, '--fix', '--yes', '--json'], mac.env);
    expect(result.code, result.stderr).toBe(0);
    expect(changes()).toEqual([
      ['brew', 'install', formula],
      ['osascript', '-e', elevated('start')],
    ]);
    // The verification read the tables after the start: netstat, route -n get a node, ping every node.
    const calls = mac.calls();
    const afterStart = calls.slice(calls.findIndex(([tool]) => tool === 'osascript') + 1);
    expect(afterStart).toContainEqual(['netstat', '-rn', '-f', 'inet']);
    expect(afterStart).toContainEqual(['route', '-n', 'get', nodeIps()[0]!.ip].filter(Boolean) as string[]);
    const list = hops(result);
    expect(list.every((h) => h.ok)).toBe(true);
    expect(list.find((h) => h.hop.startsWith('host route'))!.detail).toBe(
      `${subnet()} dev utun0 — docker-mac-net-connect's tunnel route; \`route -n get ${list.find((h) => h.hop.startsWith('ping'))!.hop.match(/\((.+)\)/)![1]}\` names utun0.`,
    );
    expect(result.stderr).toMatch(
      /Ran 2 step\(s\) and verified every hop; state now: docker-mac-net-connect 0.1.5 installed, service running \(was: docker-mac-net-connect not installed\)/,
    );
    expect(mac.state()).toEqual({ state: 'running', version: '0.1.5', routes: true });
  });

  it('a denied administrator prompt exits non-zero, says so, and leaves the state unchanged', () => {
    reset({ state: 'installed', deny: true });
    const result = kindscope(['--cluster', cluster.name, '--fix', '--yes'], mac.env);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`✗ osascript -e '${elevated('start')}' (administrator prompt cancelled)`);
    expect(result.stdout).toContain('The administrator prompt was cancelled, so `osascript -e');
    expect(result.stdout).toContain('state unchanged: docker-mac-net-connect 0.1.5 installed, service not running.');
    expect(changes()).toEqual([['osascript', '-e', elevated('start')]]);
    expect(mac.state()).toEqual({ state: 'installed', version: '0.1.5', routes: false });
  });

  it('installed but not running: only the elevated start is planned', () => {
    reset({ state: 'installed' });
    const result = kindscope(['--cluster', cluster.name, '--fix'], mac.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`1. osascript -e '${elevated('start')}'`);
    expect(result.stderr).not.toContain('install chipmk');
    const check = hops(kindscope(['--cluster', cluster.name, '--json'], mac.env));
    expect(check[1]).toMatchObject({
      hop: 'docker-mac-net-connect',
      ok: false,
      detail: 'docker-mac-net-connect 0.1.5 installed, service not running.',
    });
  });

  it('too old for Docker Desktop 4.52: says so (chipmk/docker-mac-net-connect#63) and plans brew upgrade; fine for 4.51', () => {
    reset({ state: 'running', version: '0.1.4', routes: true });
    const env = { ...mac.env, KINDSCOPE_RUNTIME_VERSION: '4.52.0' };
    const list = hops(kindscope(['--cluster', cluster.name, '--json'], env));
    expect(list[1]).toMatchObject({
      ok: false,
      detail: '0.1.4 is installed, but Docker Desktop 4.52.0 needs 0.1.5 or later (chipmk/docker-mac-net-connect#63).',
    });
    const plan = kindscope(['--cluster', cluster.name, '--fix'], env);
    expect(plan.stderr).toContain(`1. ${join(mac.dir, 'bin/brew')} upgrade ${formula}`);
    expect(plan.stderr).toContain(`2. osascript -e '${elevated('restart')}'`);
    const older = hops(
      kindscope(['--cluster', cluster.name, '--json'], { ...mac.env, KINDSCOPE_RUNTIME_VERSION: '4.51.1' }),
    );
    expect(older[1]).toMatchObject({ ok: true });
    expect(changes()).toEqual([]);
  });

  it('running but no route (the tunnel dropped): the route is the failing hop and a restart is planned', () => {
    reset({ state: 'running', routes: false });
    const result = kindscope(['--cluster', cluster.name, '--json'], mac.env);
    const list = hops(result);
    expect(list[1]).toMatchObject({ hop: 'docker-mac-net-connect', ok: true });
    expect(list.find((h) => !h.ok)!.hop).toBe(`host route to ${subnet()} (Docker network kind)`);
    expect(kindscope(['--cluster', cluster.name, '--fix'], mac.env).stderr).toContain(
      `1. osascript -e '${elevated('restart')}'`,
    );
  });

  it('OrbStack: nothing to install, verify only — no Homebrew call at all', () => {
    reset({});
    const result = kindscope(['--cluster', cluster.name, '--fix', '--yes'], {
      ...mac.env,
      KINDSCOPE_RUNTIME: 'orbstack',
    });
    expect(result.stdout).toContain(
      'OrbStack routes container IPs to macOS itself: nothing to install, Kindscope only verifies.',
    );
    expect(result.stdout).not.toContain('docker-mac-net-connect\n');
    expect(mac.calls().filter(([tool]) => tool === 'brew' || tool === 'osascript')).toEqual([]);
    expect(result.code).toBe(1);
  });

  it('quotes, $(), backticks and ; in a cluster name, a brew prefix or an env value never reach the elevated command', () => {
    reset({});
    for (const name of ['demo"; $(touch /tmp/i19-pwned) `id`', "demo'; id", 'demo;id']) {
      const result = kindscope(['--cluster', name, '--fix', '--yes'], mac.env);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/cluster/);
    }
    expect(mac.calls()).toEqual([]);
    // A brew on PATH whose prefix is not one of Homebrew's two: refused, nothing elevated.
    reset({ prefix: '/opt/homebrew"; touch /tmp/i19-pwned; "' });
    const odd = kindscope(['--cluster', cluster.name, '--fix', '--yes'], mac.env);
    expect(odd.code).toBe(1);
    expect(odd.stdout).toMatch(/reports the prefix .* not \/opt\/homebrew or \/usr\/local/);
    expect(changes()).toEqual([]);
    const badEnv = kindscope(['--cluster', cluster.name, '--fix', '--yes'], {
      ...mac.env,
      KINDSCOPE_RUNTIME_VERSION: '4.52.0"; $(id); `id`',
    });
    expect(badEnv.code).not.toBe(0);
    expect(badEnv.stderr + badEnv.stdout).toContain('KINDSCOPE_RUNTIME_VERSION');
    expect(changes()).toEqual([]);
  });

  it('--remove --yes stops the service as root, then uninstalls as the user', () => {
    reset({ state: 'running', routes: true });
    const result = kindscope(['--cluster', cluster.name, '--remove', '--yes'], mac.env);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(changes()).toEqual([
      ['osascript', '-e', elevated('stop')],
      ['brew', 'uninstall', formula],
    ]);
    expect(mac.state()).toMatchObject({ state: 'not-installed', routes: false });
  });
});

describe('Linux, the real path on the lab', () => {
  let lbIp: string;
  beforeAll(async () => {
    kubectlOk(cluster, ['create', 'deployment', 'web', '--image=nginx', '--replicas=1']);
    kubectlOk(cluster, ['expose', 'deployment', 'web', '--type=LoadBalancer', '--port=80']);
    await vi.waitFor(
      () =>
        expect(
          (lbIp = kubectlOk(cluster, [
            'get',
            'svc',
            'web',
            '-o',
            'jsonpath={.status.loadBalancer.ingress[0].ip}',
          ]).trim()),
        ).not.toBe(''),
      { timeout: 60_000, interval: 500 },
    );
  }, 90_000);

  it('reports the bridge route and successful probes to every node IP and the LoadBalancer IP', async () => {
    const bridge = `br-${docker(['network', 'inspect', 'kind', '-f', '{{.Id}}']).trim().slice(0, 12)}`;
    // The L2 lease holder serves the VIP once its endpoints are ready: eventually, not at once.
    await vi.waitFor(
      () => {
        const result = kindscope(['--cluster', cluster.name, '--json'], cluster.env);
        expect(result.code, result.stdout + result.stderr).toBe(0);
        const list = hops(result);
        expect(list[0]).toMatchObject({ hop: 'runtime', ok: true, detail: "native on linux (the engine's own info)." });
        expect(list[1]).toEqual({
          hop: `host route to ${subnet()} (Docker network kind)`,
          target: subnet(),
          ok: true,
          detail: `${subnet()} dev ${bridge} — longest prefix match in \`ip -j route show\`: the Docker bridge.`,
        });
        for (const { name, ip } of nodeIps())
          expect(list).toContainEqual(expect.objectContaining({ hop: `ping ${name} (${ip})`, ok: true }));
        expect(list).toContainEqual(
          expect.objectContaining({
            hop: `TCP default/web ${lbIp}:80`,
            ok: true,
            detail: expect.stringMatching(/HTTP 200\.$/),
          }),
        );
      },
      { timeout: 60_000, interval: 2_000 },
    );
  });

  it('inside unshare -n (no route to the containers, no API on 127.0.0.1) the missing route is the failing hop and the hops still come out', () => {
    const result = kindscope(['--cluster', cluster.name, '--json'], cluster.env, ['unshare', '-n']);
    expect(result.code).toBe(1);
    const list = hops(result);
    const failing = list.find((h) => !h.ok)!;
    expect(failing).toMatchObject({
      hop: `host route to ${subnet()} (Docker network kind)`,
      detail: `No route: no route in \`ip -j route show\` contains ${subnet()}.`,
    });
    for (const { name, ip } of nodeIps())
      expect(list).toContainEqual(expect.objectContaining({ hop: `ping ${name} (${ip})`, ok: false }));
    expect(list.at(-1)).toMatchObject({ hop: 'LoadBalancer IPs', ok: false });
  });
});
