/**
 * The `kindscope` CLI as a Node single executable (scripts/packaging/build-sea.ts): the same
 * runCli as `out/main/cli.js`, bundled into one CommonJS file, because Node's SEA runs one
 * CommonJS script (https://nodejs.org/api/single-executable-applications.html) and a
 * CommonJS bundle cannot use main.ts's top-level await. The embedded Node is the one that
 * built it, so no version guard is needed here.
 *
 * `kindscope serve [--port N] [--host A]` runs serve mode from the same file: its ES module
 * bundle and the built renderer are SEA assets; the renderer is unpacked into a private
 * temporary folder for the server, removed on exit.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { getAsset, getAssetKeys } from 'node:sea';
import { ExitCode } from './output';
import { runCli } from './run-cli';

function serveFromAssets(): void {
  const staticDir = mkdtempSync(join(tmpdir(), 'kindscope-sea-renderer-'));
  for (const key of getAssetKeys().filter((name) => name.startsWith('renderer/'))) {
    const file = join(staticDir, key.slice('renderer/'.length));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, new Uint8Array(getAsset(key)));
  }
  process.on('exit', () => rmSync(staticDir, { recursive: true, force: true }));
  process.env.KINDSCOPE_SERVE_STATIC_DIR = staticDir;
  // serve's own argument parser reads process.argv after the executable: drop "serve".
  process.argv.splice(2, 1);
  const module = `data:text/javascript,${encodeURIComponent(getAsset('serve.mjs', 'utf8'))}`;
  import(module).catch((error: unknown) => {
    process.stderr.write(`kindscope serve: ${(error as Error).message}\n`);
    process.exit(1);
  });
}

if (process.argv[2] === 'serve') {
  serveFromAssets();
} else {
  process.on('SIGINT', () => process.exit(ExitCode.interrupted));
  void runCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  }).then((code) => {
    process.exitCode = code;
  });
}
