/**
 * The app's icons, generated from the one source `resources/icon.svg`:
 * a PNG set for Linux (`resources/icons/png/NxN.png`, the layout electron-builder reads for
 * the desktop entry and hicolor theme) and `resources/icons/icon.icns` for macOS.
 *
 * `node scripts/packaging/icons.ts` writes them; `--check` renders into memory and fails
 * when a committed file differs from what the source gives (an SVG edit without a re-run).
 *
 * resvg (Rust, prebuilt per platform inside the npm package) rasterizes the SVG the same
 * way on Linux and macOS runners, with no system librsvg; png2icons is pure JS.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import png2icons from 'png2icons';

const root = join(import.meta.dirname, '../..');
export const iconSource = join(root, 'resources/icon.svg');
export const iconDir = join(root, 'resources/icons');
/** px: the sizes the freedesktop hicolor theme and electron-builder's Linux targets use. */
export const linuxIconSizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;

export interface IconFile {
  /** Relative to resources/icons. */
  path: string;
  bytes: Buffer;
}

export function renderPng(svg: string, size: number): Buffer {
  return Buffer.from(
    new Resvg(svg, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' }).render().asPng(),
  );
}

/** Every icon file, rendered from the SVG. */
export function renderIcons(svg = readFileSync(iconSource, 'utf8')): IconFile[] {
  const files: IconFile[] = linuxIconSizes.map((size) => ({
    path: `png/${size}x${size}.png`,
    bytes: renderPng(svg, size),
  }));
  const largest = files.at(-1)!.bytes;
  // png2icons downsizes the 1024 px render for the icns slots (16 … 512@2x).
  const icns = png2icons.createICNS(largest, png2icons.BICUBIC2, 0);
  if (!icns) throw new Error('png2icons could not build icon.icns from the 1024 px render');
  files.push({ path: 'icon.icns', bytes: icns });
  return files;
}

/** Names of committed icon files that are missing or differ from a fresh render. */
export function staleIcons(files = renderIcons()): string[] {
  return files
    .filter((file) => {
      try {
        return !readFileSync(join(iconDir, file.path)).equals(file.bytes);
      } catch {
        return true;
      }
    })
    .map((file) => file.path);
}

function main(argv: string[]): number {
  const files = renderIcons();
  if (argv.includes('--check')) {
    const stale = staleIcons(files);
    if (stale.length > 0) {
      process.stderr.write(
        `icons: ${stale.join(', ')} differ from resources/icon.svg.\n  hint: run \`npm run icons\` and commit resources/icons.\n`,
      );
      return 1;
    }
    process.stdout.write(`icons: ${files.length} files match resources/icon.svg\n`);
    return 0;
  }
  for (const file of files) {
    mkdirSync(join(iconDir, file.path, '..'), { recursive: true });
    writeFileSync(join(iconDir, file.path), file.bytes);
  }
  process.stdout.write(`icons: wrote ${files.map((file) => file.path).join(', ')} in resources/icons\n`);
  return 0;
}

if (import.meta.main) process.exitCode = main(process.argv.slice(2));
