/**
 * Whether the code in an app.asar can load what it imports: every bare import of the app's
 * main and preload bundles, and every (non-optional) dependency of every packaged package,
 * resolves inside the archive by Node's lookup (nearest node_modules upwards). This is
 * what makes it safe to leave renderer-only packages out of app.asar (electron-builder.yml):
 * the day main imports one of them, this check names it.
 */
import { isBuiltin } from 'node:module';
import { extractFile } from '@electron/asar';
import type { AsarEntry } from './asar-contents.ts';

const bareImport = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']([^"'./][^"']*)["']/g;

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

/** The folder of the package `name` as Node would find it from `fromDir` ('' = app root). */
function resolvePackage(name: string, fromDir: string, paths: Set<string>): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = `${dir}/node_modules/${name}`;
    if (paths.has(`${candidate}/package.json`)) return candidate;
    const up = dir.lastIndexOf('/node_modules/');
    if (up < 0) return paths.has(`/node_modules/${name}/package.json`) ? `/node_modules/${name}` : undefined;
    dir = dir.slice(0, up);
  }
}

export function unresolvedImports(archive: string, entries: AsarEntry[]): string[] {
  const paths = new Set(entries.map((entry) => entry.path));
  const problems = new Set<string>();
  for (const entry of entries.filter((e) => /^\/out\/(main|preload)\/.*\.[cm]?js$/.test(e.path))) {
    const text = extractFile(archive, entry.path.slice(1)).toString('utf8');
    for (const [, specifier] of text.matchAll(bareImport)) {
      const name = packageName(specifier!);
      if (name === 'electron' || isBuiltin(specifier!)) continue;
      if (!resolvePackage(name, '', paths)) problems.add(`${entry.path} imports ${name}, which is not in app.asar`);
    }
  }
  for (const manifest of [...paths].filter((p) => /\/node_modules\/(@[^/]+\/)?[^/@]+\/package\.json$/.test(p))) {
    const dir = manifest.slice(0, -'/package.json'.length);
    let dependencies: Record<string, string>;
    try {
      dependencies =
        (
          JSON.parse(extractFile(archive, manifest.slice(1)).toString('utf8')) as {
            dependencies?: Record<string, string>;
          }
        ).dependencies ?? {};
    } catch {
      continue; // a nested package.json that is not a package's manifest (test fixtures, "type" markers)
    }
    for (const name of Object.keys(dependencies)) {
      if (!resolvePackage(name, dir, paths))
        problems.add(`${dir.slice(1)} depends on ${name}, which is not in app.asar`);
    }
  }
  return [...problems];
}
