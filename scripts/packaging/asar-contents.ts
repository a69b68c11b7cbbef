/**
 * What is inside a built app.asar, and what must never be: tests, the lab, sources,
 * source maps (they carry sources, and whatever secrets a source had), private keys.
 */
import { extractFile, getRawHeader } from '@electron/asar';
import { unresolvedImports } from './asar-imports.ts';

interface HeaderNode {
  files?: Record<string, HeaderNode>;
  size?: number;
  unpacked?: boolean;
}

export interface AsarEntry {
  path: string;
  size: number;
}

/** Every file of the archive with its size (bytes), depth-first. */
export function asarEntries(archive: string): AsarEntry[] {
  const out: AsarEntry[] = [];
  const walk = (node: HeaderNode, prefix: string) => {
    for (const [name, child] of Object.entries(node.files ?? {})) {
      const path = `${prefix}/${name}`;
      if (child.files) walk(child, path);
      else out.push({ path, size: child.size ?? 0 });
    }
  };
  walk(getRawHeader(archive).header as HeaderNode, '');
  return out;
}

/** Paths that mean the wrong files were packed; each with the reason. */
const forbidden: { pattern: RegExp; reason: string }[] = [
  {
    pattern: /^\/(src-main|src-renderer|e2e|bench|scripts|docs|\.lab|\.ci|\.github|test-results)\//,
    reason: 'project source, tests or lab',
  },
  { pattern: /\.(test|spec)\.[cm]?[jt]sx?$/, reason: 'a test file' },
  { pattern: /\.map$/, reason: 'a source map' },
  { pattern: /^\/out\/.*\.tsx?$/, reason: 'TypeScript source in the build output' },
  { pattern: /\.tsbuildinfo$|\/\.env(\.|$)/, reason: 'build state or an env file' },
];

/** Entries the app cannot start without. */
export const requiredEntries = [
  '/package.json',
  '/out/main/index.js',
  '/out/preload/index.cjs',
  '/out/renderer/index.html',
];

export interface AsarReport {
  files: number;
  bytes: number;
  problems: string[];
  /** The five largest top-level packages (bytes), for the size report. */
  largest: { name: string; bytes: number }[];
}

function packageOf(path: string): string {
  const parts = path.split('/');
  if (parts[1] !== 'node_modules') return `/${parts[1]}`;
  return parts[2]?.startsWith('@') ? `${parts[2]}/${parts[3]}` : (parts[2] ?? '');
}

/** The app's own JS (not node_modules) is scanned for inline source maps and key material. */
const secretPatterns: { pattern: RegExp; reason: string }[] = [
  { pattern: /sourceMappingURL=data:/, reason: 'an inline source map' },
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, reason: 'a private key' },
];

export function inspectAsar(archive: string): AsarReport {
  const entries = asarEntries(archive);
  const problems: string[] = [];
  for (const entry of entries) {
    const hit = forbidden.find((rule) => rule.pattern.test(entry.path));
    if (hit) problems.push(`${entry.path}: ${hit.reason}`);
  }
  const paths = new Set(entries.map((entry) => entry.path));
  for (const required of requiredEntries)
    if (!paths.has(required)) problems.push(`${required}: missing (the app cannot start)`);
  for (const entry of entries.filter((e) => e.path.startsWith('/out/') && /\.(c?js|html)$/.test(e.path))) {
    const text = extractFile(archive, entry.path.slice(1)).toString('utf8');
    for (const rule of secretPatterns) if (rule.pattern.test(text)) problems.push(`${entry.path}: ${rule.reason}`);
  }
  problems.push(...unresolvedImports(archive, entries));
  const byPackage = new Map<string, number>();
  for (const entry of entries)
    byPackage.set(packageOf(entry.path), (byPackage.get(packageOf(entry.path)) ?? 0) + entry.size);
  const largest = [...byPackage]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 5);
  return { files: entries.length, bytes: entries.reduce((sum, entry) => sum + entry.size, 0), problems, largest };
}
