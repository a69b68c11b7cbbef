import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conditionPaths } from '../../../src-main/core/lab/plan/chart-template.ts';
import { ChartRenderError, chartTableOf, notEnforcedRefusals, validateChartValues } from './chart-rules.ts';

/**
 * Every row of every version's refusals.tsv (read here straight from ../shared/upstream, not
 * through the generated tables) is either enforced by the helm stand-in — values are found that
 * make it the first `fail` helm hits, and the stand-in's error is the row's position and message
 * — or listed as not enforced with a reason.
 */
// The upstream data beside the clone (as scripts/upstream/generate-chart-tables.ts reads it).
const chartDir = join(
  process.env.KINDSCOPE_UPSTREAM ?? resolve(import.meta.dirname, '../../../../shared/upstream'),
  'cilium-chart',
);
const versions = readdirSync(chartDir).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));

interface TsvRow {
  file: string;
  line: number;
  column: number;
  when: string;
  message: string;
}
const tsv = (version: string): TsvRow[] =>
  readFileSync(join(chartDir, version, 'refusals.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim())
    .map((l) => {
      const [file, line, column, when, message] = l.split('\t');
      return { file: file!, line: Number(line), column: Number(column), when: when ?? '', message: message ?? '' };
    });

/** A small deterministic PRNG, so a failure is reproducible. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const parts = path.split('.');
  let node = target;
  for (const key of parts.slice(0, -1)) {
    const next = node[key];
    node = (next && typeof next === 'object' && !Array.isArray(next) ? next : (node[key] = {})) as Record<
      string,
      unknown
    >;
  }
  node[parts.at(-1)!] = value;
}

/** The helm error for these values, or undefined when the chart renders. */
function helmError(values: Record<string, unknown>, version: string): string | undefined {
  try {
    validateChartValues(values, version);
    return undefined;
  } catch (error) {
    if (error instanceof ChartRenderError) return error.message;
    throw error;
  }
}

/** Searches values (over the paths the condition reads) that make `row` the failure helm reports. */
function trigger(row: TsvRow, version: string): Record<string, unknown> | undefined {
  const expected = `execution error at (cilium/${row.file}:${row.line}:${row.column}): ${row.message}`;
  const paths = new Set(conditionPaths(row.when));
  const literals = [...row.when.matchAll(/"([^"]*)"/g)].map((m) => m[1]!).filter((l) => !/[<>=]/.test(l));
  const others = ['', 'x', 0, 1, -1, 300, 5e9, 'a'.repeat(40), 'Bad_Name', 'v0.1.0', ['x'], { a: 'b' }];
  const rows = chartTableOf(version)!.refusals;
  const random = prng(row.line * 7919 + row.column);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  for (let attempt = 0; attempt < 4000; attempt++) {
    const values: Record<string, unknown> = {};
    for (const path of paths) {
      const r = random();
      if (r < 0.15) continue;
      setPath(
        values,
        path,
        r < 0.5 ? true : r < 0.65 ? pick([false, null]) : r < 0.9 && literals.length ? pick(literals) : pick(others),
      );
    }
    const error = helmError(values, version);
    if (error === expected) return values;
    // Another row failed first (helm stops at the first): search its values too, to turn it off.
    const blocker = rows.find((r) => error?.includes(`(cilium/${r.file}:${r.line}:${r.column})`));
    if (blocker) for (const path of conditionPaths(blocker.when)) paths.add(path);
  }
  return undefined;
}

describe.each(versions)('chart %s: every refusals.tsv row is enforced or listed with its reason', (version) => {
  const rows = tsv(version);
  const table = chartTableOf(version)!;

  it('the generated table carries every row', () => {
    expect(
      table.refusals.map(({ file, line, column, when, message }) => ({ file, line, column, when, message })),
    ).toEqual(rows);
  });

  it.each(rows.map((row) => [`${row.file}:${row.line}:${row.column}`, row] as const))('%s', (_position, row) => {
    const listed = notEnforcedRefusals().find(
      (n) => n.minor === version.split('.').slice(0, 2).join('.') && n.row.file === row.file && n.row.line === row.line,
    );
    if (listed) {
      expect(listed.row.reason!.length).toBeGreaterThan(20);
      return;
    }
    const values = trigger(row, version);
    expect(values, `no values make ${row.file}:${row.line} the failure helm reports: ${row.when}`).toBeDefined();
  });

  it('the chart defaults render', () => {
    expect(helmError({}, version)).toBeUndefined();
    expect(helmError({ kubeProxyReplacement: true, ipam: { mode: 'kubernetes' } }, version)).toBeUndefined();
  });
});

describe('the acceptance cases', () => {
  it.each([
    ['1.15.19', undefined],
    ['1.16.5', 'cilium-configmap.yaml:71:5'],
    ['1.17.4', 'cilium-configmap.yaml:73:5'],
    ['1.18.12', 'cilium-configmap.yaml:82:5'],
    ['1.19.8', 'cilium-configmap.yaml:79:5'],
    ['1.20.2', 'cilium-configmap.yaml:79:5'],
  ])('kubeProxyReplacement=strict on %s fails at %s', (version, position) => {
    expect(helmError({ kubeProxyReplacement: 'strict' }, version)).toBe(
      position &&
        `execution error at (cilium/templates/${position}): kubeProxyReplacement must be explicitly set to a valid value (true or false) to continue.`,
    );
  });

  it('enableCiliumEndpointSlice: false passes 1.18, true fails it', () => {
    expect(helmError({ enableCiliumEndpointSlice: false }, '1.18.12')).toBeUndefined();
    expect(helmError({ enableCiliumEndpointSlice: true }, '1.18.12')).toMatch(
      /^execution error at \(cilium\/templates\/validate\.yaml:5:5\)/,
    );
  });
});
