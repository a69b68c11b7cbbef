#!/usr/bin/env node
// `npm run serve` / `npm run cli`: runs the built entry (out/main/<entry>.js, the same file
// the package's bin, the packaged app and the single executable carry), building first only
// when the build's inputs changed since the last build (a fresh clone: the first run builds).
// Plain JavaScript so it needs no loader; the version guard comes first, as in every entry.
import '../src-main/core/util/node-guard.mjs';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entries = { serve: 'out/main/serve.js', cli: 'out/main/cli.js' };
const stampFile = join(root, 'out', '.build-inputs');

/** Everything electron-vite reads: sources (tests excluded), configs, the locked dependencies. */
export function buildInputs() {
  const files = [];
  for (const dir of ['src-main', 'src-renderer'])
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || /\.(test|spec)\.[cm]?[jt]sx?$/.test(entry.name)) continue;
      files.push(relative(root, join(entry.parentPath, entry.name)));
    }
  for (const name of readdirSync(root))
    if (/^(electron\.vite\.config\.ts|package\.json|package-lock\.json|tsconfig.*\.json)$/.test(name)) files.push(name);
  return files.sort();
}

/** One hash over the inputs' paths and contents (contents, not mtimes: a checkout rewrites mtimes). */
export function inputsHash() {
  const hash = createHash('sha256');
  for (const file of buildInputs()) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function readStamp() {
  try {
    return readFileSync(stampFile, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Builds when the inputs differ from the last build's (or an output is missing); says why on stderr. */
export function ensureBuilt() {
  const hash = inputsHash();
  const outputs = [...Object.values(entries), 'out/renderer/index.html'];
  const missing = outputs.find((file) => !existsSync(join(root, file)));
  const stamp = readStamp();
  if (!missing && stamp === hash) return false;
  const why = missing ? `${missing} is missing` : stamp ? 'the sources changed' : 'no record of the last build';
  process.stderr.write(`kindscope: building (${why})…\n`);
  // The build's chatter goes to stderr: `npm run cli -- status --json` keeps stdout for the answer.
  const build = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
    cwd: root,
    stdio: ['ignore', 2, 2],
  });
  if (build.status !== 0) {
    process.stderr.write(`kindscope: the build failed (exit ${build.status ?? build.signal}); fix the error above\n`);
    process.exit(1);
  }
  // The hash read before the build: a file edited during the build makes the next run build again.
  writeFileSync(stampFile, `${hash}\n`);
  return true;
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const [name, ...args] = process.argv.slice(2);
  const entry = entries[name];
  if (!entry) {
    process.stderr.write(`Usage: node scripts/built.mjs ${Object.keys(entries).join('|')} [arguments…]\n`);
    process.exit(2);
  }
  ensureBuilt();
  // The entry reads its arguments from process.argv as if started directly.
  process.argv = [process.argv[0], join(root, entry), ...args];
  await import(pathToFileURL(join(root, entry)).href);
}
