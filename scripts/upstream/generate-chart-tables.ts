/**
 * Generates the Cilium chart tables the plan, the importer, the validator and the test lab's
 * helm use, from the upstream files in ../shared/upstream/cilium-chart/<version>/ (values.yaml,
 * refusals.tsv, template-reads.txt, Chart.facts). Nothing in the tables is typed by hand.
 *
 *   npm run upstream:generate            writes src-main/core/lab/plan/generated/cilium-chart-tables.json
 *   KINDSCOPE_UPSTREAM=/path npm run …   reads another upstream folder
 *
 * The test chart-tables.test.ts regenerates and fails when the committed file differs.
 */
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import {
  conditionPaths,
  whyNotEnforced,
  type RefusalRow,
  type Values,
} from '../../src-main/core/lab/plan/chart-template.ts';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const upstreamDir = () => process.env.KINDSCOPE_UPSTREAM ?? resolve(repoRoot, '../shared/upstream');
export const tablesFile = join(repoRoot, 'src-main/core/lab/plan/generated/cilium-chart-tables.json');

/** Chart minors Kindscope installs; older ones are only recognised (refusals kept for the lab). */
export const supportedMinors = ['1.18', '1.19', '1.20'];

const identifier = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const isMap = (v: unknown): v is Values => !!v && typeof v === 'object' && !Array.isArray(v);

function readRefusals(text: string): RefusalRow[] {
  return text
    .split('\n')
    .slice(1)
    .filter((line) => line.trim())
    .map((line) => {
      const [file, lineNo, column, when, message] = line.split('\t');
      return { file: file!, line: Number(lineNo), column: Number(column), when: when ?? '', message: message ?? '' };
    });
}

function setPath(target: Values, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = (isMap(node[key]) ? node[key] : (node[key] = {})) as Values;
  node[path.at(-1)!] = structuredClone(value);
}

function getPath(values: unknown, path: string[]): { found: boolean; value?: unknown } {
  let node = values;
  for (const key of path) {
    if (!isMap(node) || !Object.hasOwn(node, key)) return { found: false };
    node = node[key];
  }
  return { found: true, value: node };
}

export function chartTable(dir: string, minor: string) {
  const facts = parse(readFileSync(join(dir, 'Chart.facts'), 'utf8')) as Values;
  const defaults = (parse(readFileSync(join(dir, 'values.yaml'), 'utf8')) ?? {}) as Values;
  const rows = readRefusals(readFileSync(join(dir, 'refusals.tsv'), 'utf8'));
  const reads = readFileSync(join(dir, 'template-reads.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && l !== 'AsMap');

  // Values a refusal says were removed (its message says so) and values.yaml lacks: the
  // templates still read them, only to refuse them, so they are not keys.
  const removed = [
    ...new Set(rows.filter((r) => /removed/i.test(r.message)).flatMap((r) => conditionPaths(r.when))),
  ].filter((p) => !getPath(defaults, p.split('.')).found);

  const keys = new Set<string>();
  const maps = new Set<string>();
  const freeForm = new Set<string>();
  const readWhole = (path: string) => reads.includes(path) && !reads.some((r) => r.startsWith(`${path}.`));
  const walk = (node: Values, prefix: string) => {
    for (const [key, value] of Object.entries(node)) {
      const path = prefix ? `${prefix}.${key}` : key;
      keys.add(path);
      if (!isMap(value)) continue;
      const children = Object.keys(value);
      // A map a user fills freely: empty by default ({}), keyed by label-like names, or handed
      // to the templates whole (toYaml) with none of its entries read on their own.
      if (children.length === 0 || children.some((c) => !identifier.test(c)) || readWhole(path)) freeForm.add(path);
      else {
        maps.add(path);
        walk(value, path);
      }
    }
  };
  walk(defaults, '');
  // Read by the templates though only commented in values.yaml (e.g. l2announcements.leaseDuration).
  for (const path of reads) {
    if (removed.includes(path) || keys.has(path)) continue;
    const parts = path.split('.');
    if (parts.some((_, i) => freeForm.has(parts.slice(0, i + 1).join('.')))) continue;
    keys.add(path);
    parts.slice(0, -1).forEach((_, i) => {
      const parent = parts.slice(0, i + 1).join('.');
      if (!keys.has(parent)) {
        keys.add(parent);
        maps.add(parent);
      }
    });
  }

  // The defaults the refusals' conditions read (the rest of values.yaml does not change them).
  const conditionDefaults: Values = {};
  for (const path of [...new Set(rows.flatMap((r) => conditionPaths(r.when)))].sort()) {
    const got = getPath(defaults, path.split('.'));
    if (got.found) setPath(conditionDefaults, path.split('.'), got.value);
  }

  const refusals = rows.map((row) => {
    const reason =
      whyNotEnforced(row, rows) ??
      (/%[sdvq]/.test(row.message)
        ? 'its message is formatted (printf) from arguments the data does not record, so helm’s exact output cannot be reproduced'
        : undefined);
    return { ...row, ...(reason ? { enforced: false, reason } : { enforced: true }) };
  });

  const sorted = (s: Set<string>) => [...s].sort();
  const supported = supportedMinors.includes(minor);
  return {
    chartVersion: String(facts.version),
    appVersion: String(facts.appVersion),
    kubeVersion: String(facts.kubeVersion),
    supported,
    // Key lists only for the minors Kindscope installs; older minors are only recognised.
    keys: supported ? sorted(keys) : [],
    maps: supported ? sorted(maps) : [],
    freeForm: supported ? sorted(freeForm) : [],
    removed: removed.sort(),
    conditionDefaults,
    refusals,
  };
}

export function generateTables(dir = upstreamDir()) {
  const chartDir = join(dir, 'cilium-chart');
  const versions = readdirSync(chartDir)
    .filter((v) => existsSync(join(chartDir, v, 'values.yaml')))
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const minors: Record<string, ReturnType<typeof chartTable>> = {};
  for (const version of versions)
    minors[version.split('.').slice(0, 2).join('.')] = chartTable(
      join(chartDir, version),
      version.split('.').slice(0, 2).join('.'),
    );
  return {
    generatedBy:
      'scripts/upstream/generate-chart-tables.ts from ../shared/upstream/cilium-chart (npm run upstream:generate); do not edit',
    supportedMinors,
    minors,
  };
}

export const tablesText = (dir?: string) => `${JSON.stringify(generateTables(dir), null, 1)}\n`;

if (import.meta.filename === resolve(process.argv[1] ?? '')) {
  writeFileSync(tablesFile, tablesText());
  const tables = generateTables();
  for (const [minor, t] of Object.entries(tables.minors))
    console.log(
      `${minor} (${t.chartVersion}): ${t.keys.length} keys, ${t.freeForm.length} free-form maps, ` +
        `${t.refusals.filter((r) => r.enforced).length}/${t.refusals.length} refusals enforced`,
    );
  console.log(`wrote ${tablesFile}`);
}
