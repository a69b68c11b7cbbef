import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../output';
import { runCli } from '../run-cli';

async function kindscope(args: string[], dataDir: string) {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => void (out += t), err: (t) => void (err += t) }, { dataDir });
  return { code, out, err };
}

describe('kindscope tools set-path', () => {
  it('refuses /bin/sh as kind with the reason, and keeps nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kindscope-setpath-'));
    const result = await kindscope(['tools', 'set-path', 'kind', '/bin/sh'], dataDir);
    expect(result.code).toBe(ExitCode.failed);
    expect(result.err).toBe(
      'kindscope: kind path: /bin/sh is not kind: its file name is "sh"\n  hint: Choose the kind program itself (for example /usr/local/bin/kind).\n',
    );
    expect(existsSync(join(dataDir, 'settings.json'))).toBe(false);

    const json = await kindscope(['tools', 'set-path', 'kind', '/bin/sh', '--json'], dataDir);
    expect(JSON.parse(json.out)).toEqual({
      error: {
        code: 'INVALID_INPUT',
        message: expect.stringContaining('/bin/sh is not kind'),
        hint: expect.any(String),
      },
    });
  });

  it('keeps a real kind and forgets it with --clear', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kindscope-setpath-'));
    const kind = join(dataDir, 'kind');
    writeFileSync(kind, '#!/bin/sh\necho "kind v0.29.0 go1.24.2 linux/amd64"\n', { mode: 0o755 });
    const set = await kindscope(['tools', 'set-path', 'kind', kind], dataDir);
    expect(set).toMatchObject({ code: ExitCode.ok, out: `kind 0.29.0: using ${kind}\n` });
    expect(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')).toolPaths).toEqual({ kind });
    const cleared = await kindscope(['tools', 'set-path', 'kind', '--clear', '--json'], dataDir);
    expect(cleared.code).toBe(ExitCode.ok);
    expect(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')).toolPaths).toEqual({});
  });

  it.each([
    [['tools', 'set-path'], /takes a tool/],
    [['tools', 'set-path', 'nosuch', '/usr/bin/kind'], /takes a tool/],
    [['tools', 'set-path', 'kind'], /one PATH/],
    [['tools', 'set-path', 'kind', '/a', '/b'], /one PATH/],
    [['tools', 'set-path', 'kind', '/a', '--clear'], /takes no path/],
  ])('%j is a usage error', async (args, message) => {
    const result = await kindscope(args, mkdtempSync(join(tmpdir(), 'kindscope-setpath-')));
    expect(result.code).toBe(ExitCode.usage);
    expect(result.err).toMatch(message);
  });
});

describe('kindscope tools download kind --version', () => {
  it('refuses a kind release no plan can name, naming the field and the releases, before anything is fetched', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kindscope-dl-'));
    const result = await kindscope(['tools', 'download', 'kind', '--version', 'v0.99.0'], dataDir);
    expect(result.code).toBe(ExitCode.failed);
    expect(result.err).toMatch(/version: kind v0\.99\.0 is not a release the compatibility table lists/);
    expect(result.err).toMatch(/v0\.33\.0/);
    expect(existsSync(join(dataDir, 'tools'))).toBe(false);
  });
});
