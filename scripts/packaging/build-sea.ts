/**
 * The headless `kindscope` CLI as a Node single executable application for this machine's
 * platform and arch: no Electron, no display, no installed Node. Written to
 * `dist/sea/<os>-<arch>/kindscope` (<os> as electron-builder names it: linux, mac), which
 * electron-builder puts into the app's resources/bin, and copied beside the installers as
 * `kindscope-cli-<version>-<os>-<arch>`. `kindscope serve` runs serve mode from it, with the
 * built renderer (out/renderer) embedded.
 *
 * Steps from https://nodejs.org/api/single-executable-applications.html: bundle (esbuild,
 * CommonJS), `node --experimental-sea-config`, copy the node binary, inject the blob with
 * postject; on macOS remove the signature before and sign ad-hoc after.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '../..');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const os = process.platform === 'darwin' ? 'mac' : process.platform;
const target = `${os}-${process.arch}`;
const work = join(root, 'dist/sea', target);
const bundle = join(work, 'kindscope.cjs');
const serveBundle = join(work, 'serve.mjs');
const rendererDir = join(root, 'out/renderer');
const blob = join(work, 'kindscope.blob');
const executable = join(work, 'kindscope');
/** Node's documented sentinel for SEA blob injection. */
const seaFuse = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0)
    throw new Error(`\`${[command, ...args].join(' ')}\` failed (exit ${result.status ?? result.signal})`);
}

mkdirSync(work, { recursive: true });
await build({
  entryPoints: [join(root, 'src-main/cli/sea-main.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: `node${process.versions.node.split('.')[0]}`,
  outfile: bundle,
  alias: { '@contract': join(root, 'src-main/contract') },
  // ssh2's optional native speed-up is never built (package.json allowScripts).
  external: ['cpu-features'],
  minify: true,
  keepNames: true,
  logLevel: 'warning',
});
// Serve mode as one ES module (its entry awaits at top level), imported by sea-main.ts from
// a data: URL, where import.meta has no file: its require() comes from the executable.
await build({
  entryPoints: [join(root, 'src-main/serve/main.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: `node${process.versions.node.split('.')[0]}`,
  outfile: serveBundle,
  alias: { '@contract': join(root, 'src-main/contract') },
  external: ['cpu-features'],
  // CommonJS dependencies inside expect require, __filename and __dirname: the executable's.
  banner: {
    js:
      "import { createRequire as __kindscopeCreateRequire } from 'node:module'; " +
      "import { dirname as __kindscopeDirname } from 'node:path'; " +
      'const require = __kindscopeCreateRequire(process.execPath); ' +
      'const __filename = process.execPath; ' +
      'const __dirname = __kindscopeDirname(process.execPath);',
  },
  minify: true,
  keepNames: true,
  logLevel: 'error',
});
if (!existsSync(join(rendererDir, 'index.html')))
  throw new Error('out/renderer is missing: run `npx electron-vite build` first (npm run package does).');
const rendererFiles = readdirSync(rendererDir, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => join(entry.parentPath, entry.name));
const assets = Object.fromEntries([
  ['serve.mjs', serveBundle],
  ...rendererFiles.map((file) => [`renderer/${relative(rendererDir, file)}`, file]),
]);
writeFileSync(
  join(work, 'sea-config.json'),
  JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, assets }),
);
run(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')]);
copyFileSync(process.execPath, executable);
chmodSync(executable, 0o755);
if (process.platform === 'darwin') run('codesign', ['--remove-signature', executable]);
const postject = [
  '--sentinel-fuse',
  seaFuse,
  ...(process.platform === 'darwin' ? ['--macho-segment-name', 'NODE_SEA'] : []),
];
run(join(root, 'node_modules/.bin/postject'), [executable, 'NODE_SEA_BLOB', blob, ...postject]);
if (process.platform === 'darwin') run('codesign', ['--sign', '-', executable]);

mkdirSync(join(root, 'dist/installers'), { recursive: true });
const published = join(root, 'dist/installers', `kindscope-cli-${version}-${target}`);
copyFileSync(executable, published);
process.stdout.write(`sea: ${executable} (and ${published})\n`);
