import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBusyboxImage, labLabel } from '../../../../e2e/lab/images.ts';
import { docker as dockerCli, requireDocker, tryDocker } from '../../../../e2e/lab/require-docker.ts';
import type { ToolStatus } from '../../../contract';
import { readEngineFacts, runPreflight, type PreflightInput } from './preflight';

const engine = new Docker();
const decoy = `i15-cloud-provider-kind-${process.pid}`;
const ok = (name: ToolStatus['name']): ToolStatus => ({
  name,
  status: 'ok',
  version: '1.0.0',
  path: `/usr/bin/${name}`,
  minimum: '0',
  managed: { available: false, installed: false },
});
const input = async (over: Partial<PreflightInput> = {}): Promise<PreflightInput> => ({
  cluster: 'demo',
  kubernetesVersion: '1.33.1',
  ...(await readEngineFacts(engine)),
  existingClusters: [],
  toolStatus: async (name) => ok(name),
  engineIsLocalLinux: true,
  ...over,
});

beforeAll(() => {
  requireDocker();
});
afterAll(() => {
  tryDocker(['rm', '-f', decoy]);
});

describe('runPreflight (real engine)', () => {
  it("reads the engine's memory and cgroup version from its own info", async () => {
    const checks = await runPreflight(await input());
    const [mem, cgroup] = dockerCli(['info', '--format', '{{.MemTotal}}|{{.CgroupVersion}}']).trim().split('|');
    expect(checks.find((c) => c.name === 'memory')?.detail).toBe(
      `${(Number(mem) / 1024 ** 3).toFixed(1)} GiB for the engine`,
    );
    expect(checks.find((c) => c.name === 'cgroup')?.detail).toContain(`cgroup v${cgroup}`);
  });

  it('refuses a taken name and a missing tool, each with its fix', async () => {
    const checks = await runPreflight(
      await input({
        existingClusters: ['demo'],
        toolStatus: async (name) =>
          name === 'helm'
            ? { ...ok(name), status: 'missing', problem: 'helm was not found', fix: 'Download it in Settings' }
            : ok(name),
      }),
    );
    expect(checks.find((c) => c.name === 'name')).toMatchObject({
      ok: false,
      severity: 'error',
      fix: expect.stringContaining('kindscope delete --cluster demo'),
    });
    expect(checks.find((c) => c.name === 'tool helm')).toMatchObject({
      ok: false,
      detail: 'helm was not found',
      fix: 'Download it in Settings',
    });
    expect(checks.filter((c) => !c.ok && c.severity === 'error').map((c) => c.name)).toEqual(['tool helm', 'name']);
  });

  it('cgroup v1 with Kubernetes 1.35+ is a warning (reported, not upstream); 1.34 is fine on v1', async () => {
    const v1 = { ...(await readEngineFacts(engine)).engineInfo, CgroupVersion: '1' };
    expect(
      (await runPreflight(await input({ engineInfo: v1, kubernetesVersion: '1.35.0' }))).find(
        (c) => c.name === 'cgroup',
      ),
    ).toMatchObject({ ok: false, severity: 'warning' });
    expect(
      (await runPreflight(await input({ engineInfo: v1, kubernetesVersion: '1.34.0' }))).find(
        (c) => c.name === 'cgroup',
      )?.ok,
    ).toBe(true);
  });

  it("a kind older than the plan's release is a warning whose fix downloads the plan's kind", async () => {
    const kindAt = (version: string) => async (name: ToolStatus['name']) => ({ ...ok(name), version });
    const older = await runPreflight(await input({ kindVersion: 'v0.33.0', toolStatus: kindAt('0.29.0') }));
    expect(older.find((c) => c.name === 'kind release')).toMatchObject({
      ok: false,
      severity: 'warning',
      detail: 'kind 0.29.0 runs a plan made for kind v0.33.0',
      fix: expect.stringContaining('kindscope tools download kind --version v0.33.0'),
    });
    const same = await runPreflight(await input({ kindVersion: 'v0.33.0', toolStatus: kindAt('0.33.0') }));
    expect(same.find((c) => c.name === 'kind release')?.ok).toBe(true);
  });

  it('low inotify limits are a warning with the sysctl to run', async () => {
    const checks = await runPreflight(
      await input({ readProc: (path) => (path.endsWith('max_user_watches') ? '8192\n' : '128\n') }),
    );
    expect(checks.find((c) => c.name === 'inotify max_user_watches')).toMatchObject({
      ok: false,
      severity: 'warning',
      fix: expect.stringContaining('fs.inotify.max_user_watches=524288'),
    });
    expect(
      (await runPreflight(await input({ engineIsLocalLinux: false }))).some((c) => c.name.startsWith('inotify')),
    ).toBe(false);
  });

  it('finds a running cloud-provider-kind container', async () => {
    expect((await runPreflight(await input())).find((c) => c.name === 'cloud-provider-kind')?.ok).toBe(true);
    dockerCli(['run', '-d', '--name', decoy, '--label', `${labLabel}=i15`, ensureBusyboxImage(), 'sleep', '300']);
    expect((await runPreflight(await input())).find((c) => c.name === 'cloud-provider-kind')).toMatchObject({
      ok: false,
      detail: expect.stringContaining(decoy),
    });
  });
});
