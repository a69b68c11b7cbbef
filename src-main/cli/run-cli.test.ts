import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { docker, requireDocker } from '../../e2e/lab/require-docker.ts';
import { ExitCode } from './output';
import { runCli } from './run-cli';
import { kindscopeEntry } from '../../e2e/lab/kindscope-entry.ts';

const root = join(import.meta.dirname, '../..');

/** Runs the real `kindscope` entry point as a user would (the built CLI, like `npm run cli`). */
function kindscope(args: string[], env: Record<string, string | undefined> = {}) {
  const result = spawnSync(process.execPath, [...kindscopeEntry, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function inProcess(args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

beforeAll(() => {
  requireDocker();
});

describe('kindscope docker', () => {
  it('--json prints the facts `docker version` and `docker info` print', () => {
    const result = kindscope(['docker', '--json'], { DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined });
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout);
    const [version, api, os, arch] = docker([
      'version',
      '--format',
      '{{.Server.Version}}|{{.Server.APIVersion}}|{{.Server.Os}}|{{.Server.Arch}}',
    ])
      .trim()
      .split('|');
    const [containers, running, name] = docker(['info', '--format', '{{.Containers}}|{{.ContainersRunning}}|{{.Name}}'])
      .trim()
      .split('|');
    // Kindscope's own helper containers are left out of the user's counts.
    const helpers = docker(['ps', '-a', '--filter', 'label=io.kindscope.helper', '--format', '{{.State}}'])
      .trim()
      .split('\n')
      .filter(Boolean);
    expect(status).toMatchObject({
      state: 'live',
      engine: {
        version,
        apiVersion: api,
        os,
        arch,
        name,
        containers: {
          total: Number(containers) - helpers.length,
          running: Number(running) - helpers.filter((s) => s === 'running').length,
        },
      },
    });
  });

  it('prints a readable summary by default', () => {
    const result = kindscope(['docker']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Docker engine: reachable/);
    expect(result.stdout).toContain(docker(['version', '--format', '{{.Server.Version}}']).trim());
  });

  it('exits 1 with a message and a hint, and no stack trace, when the engine is not there', () => {
    const result = kindscope(['docker'], { DOCKER_HOST: 'unix:///nonexistent.sock' });
    expect(result.code).toBe(ExitCode.failed);
    const output = result.stdout + result.stderr;
    expect(output).toContain('No Docker engine socket at /nonexistent.sock');
    expect(output).toMatch(/Fix\s+Start your Docker engine/);
    expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);

    const json = kindscope(['docker', '--json'], { DOCKER_HOST: 'unix:///nonexistent.sock' });
    expect(json.code).toBe(ExitCode.failed);
    expect(JSON.parse(json.stdout)).toMatchObject({
      state: 'offline',
      problem: { message: expect.stringContaining('/nonexistent.sock'), hint: expect.any(String) },
    });
  });

  it('reports a malformed DOCKER_HOST as an error with the variable named', () => {
    const result = kindscope(['docker', '--json'], { DOCKER_HOST: 'localhost:2375' });
    expect(result.code).toBe(ExitCode.failed);
    expect(JSON.parse(result.stdout)).toEqual({
      error: {
        code: 'DOCKER_ERROR',
        message: expect.stringContaining('DOCKER_HOST'),
        hint: expect.stringContaining('tcp://'),
      },
    });
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('kindscope usage', () => {
  it('exits 2 for an unknown command or option, naming it', async () => {
    await expect(inProcess(['frobnicate'])).resolves.toMatchObject({
      code: ExitCode.usage,
      err: expect.stringContaining('Unknown command "frobnicate"'),
    });
    await expect(inProcess(['docker', '--colour'])).resolves.toMatchObject({
      code: ExitCode.usage,
      err: expect.stringContaining('--colour'),
    });
    await expect(inProcess([])).resolves.toMatchObject({
      code: ExitCode.usage,
      err: expect.stringContaining('Usage: kindscope'),
    });
  });

  it('documents commands and exit codes in --help', async () => {
    const help = await inProcess(['--help']);
    expect(help.code).toBe(ExitCode.ok);
    expect(help.out).toContain('Exit codes: 0 success, 1 the command failed, 2 wrong usage, 130 interrupted.');
    expect(help.out).toContain('docker');
  });

  it('prints its version', async () => {
    const result = await inProcess(['version', '--json']);
    expect(JSON.parse(result.out)).toMatchObject({ name: 'Kindscope', transport: 'cli' });
  });

  it("keeps Node's compiled code between starts (the one-shot commands' load time), unless told not to", () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => entry.name);
    // Where Node keeps it by default: node-compile-cache in the OS temp folder (TMPDIR here).
    // Not NODE_COMPILE_CACHE: that variable alone turns the cache on, whatever the CLI does.
    const temp = mkdtempSync(join(tmpdir(), 'kindscope-compile-cache-'));
    const off = mkdtempSync(join(tmpdir(), 'kindscope-compile-cache-off-'));
    try {
      expect(kindscope(['version'], { TMPDIR: temp, NODE_COMPILE_CACHE: undefined }).code).toBe(ExitCode.ok);
      expect(files(join(temp, 'node-compile-cache')).length).toBeGreaterThan(0);
      const disabled = { TMPDIR: off, NODE_COMPILE_CACHE: undefined, NODE_DISABLE_COMPILE_CACHE: '1' };
      expect(kindscope(['version'], disabled).code).toBe(ExitCode.ok);
      expect(readdirSync(off)).toEqual([]);
    } finally {
      rmSync(temp, { recursive: true, force: true });
      rmSync(off, { recursive: true, force: true });
    }
  });
});
