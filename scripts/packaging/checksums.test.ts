import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { writeChecksums } from './checksums.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

it('lists every artifact, and only artifacts, in the format sha256sum -c verifies', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kindscope-sums-'));
  dirs.push(dir);
  for (const name of [
    'Kindscope-0.1.0-arm64.dmg',
    'Kindscope-0.1.0-x86_64.AppImage',
    'kindscope_0.1.0_amd64.deb',
    'kindscope-cli-0.1.0-linux-x64',
    'builder-debug.yml',
    'latest-linux.yml',
  ]) {
    writeFileSync(join(dir, name), `contents of ${name}`);
  }
  mkdirSync(join(dir, 'linux-unpacked'));
  const lines = await writeChecksums(dir);
  expect(lines.map((line) => line.split('  ')[1])).toEqual([
    'Kindscope-0.1.0-arm64.dmg',
    'Kindscope-0.1.0-x86_64.AppImage',
    'kindscope-cli-0.1.0-linux-x64',
    'kindscope_0.1.0_amd64.deb',
  ]);
  expect(readFileSync(join(dir, 'SHA256SUMS'), 'utf8')).toBe(`${lines.join('\n')}\n`);
  const verified = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });
  expect([verified.status, verified.stdout.trim().split('\n').length]).toEqual([0, 4]);
  // A changed download no longer verifies.
  writeFileSync(join(dir, 'kindscope_0.1.0_amd64.deb'), 'tampered');
  expect(spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir }).status).toBe(1);
});
