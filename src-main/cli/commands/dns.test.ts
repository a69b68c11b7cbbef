import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installWiringStandIns } from '../../../e2e/lab/dns-wiring-standins.ts';
import { kindscopeEntry } from '../../../e2e/lab/kindscope-entry.ts';

const root = join(import.meta.dirname, '../../..');
let dir: string;
let standIns: ReturnType<typeof installWiringStandIns>;

/** The real `kindscope` entry point, on "macOS" (KINDSCOPE_PLATFORM) with the prompt stand-ins first on PATH. */
function kindscope(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [...kindscopeEntry, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: {
      ...process.env,
      KINDSCOPE_HOME: join(dir, 'home'),
      KINDSCOPE_PLATFORM: 'darwin',
      PATH: `${standIns.bin}:${process.env.PATH}`,
      ...standIns.env,
      ...env,
    },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
const resolverFile = () => join(standIns.root, 'etc/resolver/kind.internal');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'i21-cli-'));
  standIns = installWiringStandIns(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('kindscope dns wire / unwire (macOS logic, stand-in prompt)', () => {
  it('shows every file and command and runs nothing without --yes', () => {
    const result = kindscope(['dns', 'wire', '--port', '15399']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'file /etc/resolver/kind.internal:\n    | nameserver 127.0.0.1\n    | port 15399\n',
    );
    expect(result.stdout).toContain(
      "$ /bin/echo 'port 15399' >> /etc/resolver/kind.internal.kindscope-new   (as administrator)",
    );
    expect(result.stdout).toContain('Nothing ran. Run again with --yes');
    expect(readFileSync(standIns.log, 'utf8')).toBe('');
  });

  it('with --yes writes the resolver file through one prompt; a cancelled prompt exits 1 and leaves nothing', () => {
    const denied = kindscope(['dns', 'wire', '--port', '15399', '--yes', '--json'], { STANDIN_DENY: '1' });
    expect(denied.code).toBe(1);
    expect(JSON.parse(denied.stdout).error).toMatchObject({ code: 'CANCELLED' });
    expect(existsSync(resolverFile())).toBe(false);

    const applied = kindscope(['dns', 'wire', '--port', '15399', '--yes']);
    expect(applied.code).toBe(0);
    expect(readFileSync(resolverFile(), 'utf8')).toBe('nameserver 127.0.0.1\nport 15399\n');
    const removed = kindscope(['dns', 'unwire', '--port', '15399', '--yes']);
    expect(removed.code).toBe(0);
    expect(existsSync(resolverFile())).toBe(false);
    const calls = readFileSync(standIns.log, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).name);
    expect(calls).toEqual(['osascript', 'osascript', 'osascript']);
  });

  it('refuses a port that is not a whole number before anything runs', () => {
    for (const port of ['53; rm -rf /', '0', '70000', '1.5']) {
      const result = kindscope(['dns', 'wire', '--port', port, '--yes']);
      expect([port, result.code]).toEqual([port, 2]);
      expect(result.stderr).toContain('is not a port number');
    }
    expect(readFileSync(standIns.log, 'utf8')).toBe('');
  });
});

describe('kindscope dns usage', () => {
  it('names the option that does not belong to the subcommand', () => {
    expect(kindscope(['dns', 'serve', '--cluster', 'demo'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--cluster is for kindscope dns'),
    });
    expect(kindscope(['dns', 'status', '--yes'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--yes is for dns wire'),
    });
    expect(kindscope(['dns', 'bogus'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Unknown dns subcommand "bogus"'),
    });
  });
});
