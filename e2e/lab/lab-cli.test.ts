import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './lab-paths.ts';
import { requireDocker, tryDocker } from './require-docker.ts';

/** `npm run lab -- …` as a person runs it, in a lab home and kind network of its own. */
function lab(args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, [join(repoRoot, 'e2e/lab/lab-cli.ts'), ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run lab', () => {
  it('up, shellenv and janitor: janitor removes what this lab made, network included', () => {
    requireDocker();
    const home = mkdtempSync(join(tmpdir(), 'kindscope-labhome-'));
    const network = `ks-net-${randomBytes(3).toString('hex')}`;
    const name = `ks-${randomBytes(3).toString('hex')}`;
    const env = {
      KINDSCOPE_LAB_HOME: home,
      KIND_EXPERIMENTAL_DOCKER_NETWORK: network,
      KUBECONFIG: join(home, 'kubeconfig'),
    };

    const up = lab(['up', '--name', name, '--workers', '1', '--no-cilium'], env);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain(`Set kubectl context to "kind-${name}"`);
    expect(tryDocker(['inspect', `${name}-worker`]).status).toBe(0);
    expect(tryDocker(['network', 'inspect', network]).status).toBe(0);

    const shellenv = lab(['shellenv'], env);
    expect(shellenv.stdout).toContain(`export PATH='${join(home, 'bin')}':"$PATH"`);
    const kind = spawnSync(join(home, 'bin', 'kind'), ['get', 'clusters'], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    expect(kind.stdout.split('\n')).toContain(name);

    const janitor = lab(['janitor', '--keep-images'], env);
    expect(janitor.code).toBe(0);
    expect(janitor.stderr).toMatch(/Removed 2 containers, 1 networks, 1 cluster states/);
    expect(tryDocker(['inspect', `${name}-control-plane`]).status).not.toBe(0);
    expect(tryDocker(['network', 'inspect', network]).status).not.toBe(0);
    const kubeconfig = parse(readFileSync(join(home, 'kubeconfig'), 'utf8'));
    expect(kubeconfig.contexts).toEqual([]);
  });

  it('says what is missing instead of guessing', () => {
    expect(lab(['up'], {})).toMatchObject({ code: 2, stderr: expect.stringContaining('up needs --name N') });
    expect(lab(['up', '--name', 'x', '--workers', 'many', '--no-cilium'], {})).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--workers must be a whole number'),
    });
    expect(lab(['up', '--name', 'x', '--routing', 'bgp'], {})).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--routing must be tunnel or native'),
    });
    expect(lab(['up', '--name', 'x', '--no-cilium', '--pool', 'auto'], {})).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('drop --no-cilium'),
    });
    expect(lab(['frobnicate'], {})).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('unknown command "frobnicate"'),
    });
  });
});
