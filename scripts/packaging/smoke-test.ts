/**
 * `node scripts/packaging/smoke-test.ts <app executable> [--docker]`: the SHIPPED artifact,
 * without Playwright (its build keeps the nodeCliInspect fuse off, so Playwright cannot
 * attach): start it, wait for the window (the log line, and on Linux the X window under
 * Xvfb: run it with `xvfb-run -a`), SIGTERM it, require exit 0 and — with --docker — no
 * helper container left behind.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const readyLine = 'Kindscope is ready: window shown';
/** ms: a cold start on a CI runner under Xvfb stays well inside this. */
const startLimit = 120_000;
const quitLimit = 30_000;

const [executable, ...flags] = process.argv.slice(2);
if (!executable) {
  process.stderr.write('Usage: node scripts/packaging/smoke-test.ts <path to the app executable> [--docker]\n');
  process.exit(2);
}
const withDocker = flags.includes('--docker');
const results: string[] = [];
function fail(message: string, log = ''): never {
  process.stderr.write(
    `smoke test FAILED: ${message}\n${log ? `--- app log ---\n${log.split('\n').slice(-40).join('\n')}\n` : ''}`,
  );
  if (/No usable sandbox|SUID sandbox helper binary/.test(log)) {
    process.stderr.write(
      'hint: Chromium could not create its sandbox. ' +
        'On Ubuntu 24.04 an unconfined program may not create user namespaces; ' +
        'the deb installs an AppArmor profile, an AppImage needs the one in the README ' +
        '("AppImage on Ubuntu 24.04"). Never work around it with --no-sandbox.\n',
    );
  }
  process.exit(1);
}
const helpers = () =>
  spawnSync('docker', ['ps', '-a', '--filter', 'label=io.kindscope.helper', '--format', '{{.ID}}'], {
    encoding: 'utf8',
  })
    .stdout.split('\n')
    .filter(Boolean);

const before = withDocker ? new Set(helpers()) : new Set<string>();
const child = spawn(executable, [], {
  env: { ...process.env, KINDSCOPE_HOME: mkdtempSync(join(tmpdir(), 'kindscope-smoke-')), KINDSCOPE_LOG: 'info' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let log = '';
child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
  child.once('exit', (code, signal) => resolve({ code, signal })),
);

const ready = await Promise.race([
  new Promise<boolean>((resolve) => {
    const poll = setInterval(() => {
      if (log.includes(readyLine)) {
        clearInterval(poll);
        resolve(true);
      }
    }, 200);
  }),
  exited.then(() => false),
  // unref: a timer that lost the race must not keep this process alive.
  new Promise<boolean>((resolve) => setTimeout(() => resolve(false), startLimit).unref()),
]);
if (!ready) {
  child.kill('SIGKILL');
  fail(`no "${readyLine}" within ${startLimit / 1000} s (or the app exited)`, log);
}
results.push(`log says ready ("${readyLine}")`);

if (process.platform === 'linux') {
  const tree = spawnSync('xwininfo', ['-root', '-tree'], { encoding: 'utf8' });
  if (tree.error) fail('xwininfo is missing: install x11-utils to see the window');
  if (!/"Kindscope"/.test(tree.stdout)) fail('no X window titled "Kindscope" on the display', log);
  results.push('an X window titled "Kindscope" is on the display');
}

child.kill('SIGTERM');
const end = await Promise.race([
  exited,
  new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), quitLimit).unref()),
]);
if (!end) {
  child.kill('SIGKILL');
  fail(`did not quit within ${quitLimit / 1000} s of SIGTERM`, log);
}
if (end.code !== 0)
  fail(`quit with ${end.code === null ? `signal ${end.signal}` : `exit code ${end.code}`}, not 0`, log);
results.push('quit on SIGTERM with exit code 0');

if (withDocker) {
  const left = helpers().filter((id) => !before.has(id));
  if (left.length > 0) fail(`helper containers left behind: ${left.join(', ')}`, log);
  results.push('no helper container left behind');
} else {
  results.push('helper containers not checked (no --docker: this runner has no Docker engine)');
}
process.stdout.write(`smoke test passed for ${executable}:\n${results.map((r) => `  ✓ ${r}`).join('\n')}\n`);
