import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

/**
 * The heavy dependencies a CLI run loads, as seen by a module hook. The hook writes with
 * writeSync: it runs on the loader thread, whose buffered stderr is lost when the CLI ends
 * with process.exit (as it does, so that a hung socket cannot keep it alive).
 */
function heavyModulesLoaded(args: string[]): string[] {
  const hook = join(mkdtempSync(join(tmpdir(), 'kindscope-hook-')), 'hook.mjs');
  writeFileSync(
    hook,
    `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`import { writeSync } from 'node:fs'; export async function resolve(s, c, n) { if (/^(dockerode|@kubernetes\\\\/client-node|ws)$/.test(s)) writeSync(2, 'LOADED ' + s + '\\\\n'); return n(s, c); }\`));
`,
  );
  const result = spawnSync(
    process.execPath,
    ['--import', hook, '--import', 'tsx', join(root, 'src-main/cli/main.ts'), ...args],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/i13.sock' },
    },
  );
  return [...result.stderr.matchAll(/^LOADED (.+)$/gm)].map((m) => m[1]!);
}

describe('CLI start-up', () => {
  it.each([[['--help']], [['topolgy']], [['docker', '--bogus']], [['status', '--help']]])(
    '%j answers without loading Docker or the Kubernetes client',
    (args) => {
      expect(heavyModulesLoaded(args)).toEqual([]);
    },
  );

  it('a command that runs loads them (the hook sees what it should)', () => {
    expect(heavyModulesLoaded(['docker'])).toEqual(expect.arrayContaining(['dockerode']));
  });
});
