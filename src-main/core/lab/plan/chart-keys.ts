/**
 * Which values the Cilium chart has and which it refuses, per chart minor — read from the
 * tables generated out of the chart's own files (../shared/upstream/cilium-chart/<version>/,
 * by scripts/upstream/generate-chart-tables.ts; `npm run upstream:generate`). Nothing here is
 * typed by hand: a key is a value of chart X when X's values.yaml has it (or its templates
 * read it), and a refusal is a `fail` in X's templates whose condition, evaluated on the
 * values as the template does, holds.
 *
 * helm ignores a value the chart does not have, silently; a value a `fail` catches makes
 * `helm install` fail and install nothing. The two are told apart and worded so.
 */
import tables from './generated/cilium-chart-tables.json';
import {
  conditionPaths,
  helmFailure,
  helmOrder,
  mergeValues,
  refusalTriggers,
  TemplateError,
  type RefusalRow,
  type Values,
} from './chart-template';
import { closestName } from '../../util/closest';

interface GeneratedRefusal extends RefusalRow {
  enforced: boolean;
  reason?: string;
}

export interface ChartTable {
  chartVersion: string;
  appVersion: string;
  kubeVersion: string;
  supported: boolean;
  keys: readonly string[];
  maps: readonly string[];
  freeForm: readonly string[];
  removed: readonly string[];
  conditionDefaults: Values;
  refusals: readonly GeneratedRefusal[];
}

const minors = tables.minors as unknown as Record<string, ChartTable>;

/** Chart minors Kindscope installs (1.17 is end-of-life; older charts are only recognised). */
export const supportedChartMinors: readonly string[] = tables.supportedMinors;

/** `1.18.14` → `1.18`. */
export const chartMinor = (version: string) => version.replace(/^v/, '').split('.').slice(0, 2).join('.');

/**
 * The generated table for a chart version, by minor: the data holds one patch per minor
 * (1.18.12, 1.19.6, 1.20.0); the values and the `fail`s are taken to be the same across a
 * minor's patches, though a patch may move a `fail`'s line.
 */
export function chartTableFor(version: string): ChartTable | undefined {
  return minors[chartMinor(version)];
}

export const isSupportedChart = (version: string) => supportedChartMinors.includes(chartMinor(version));

/** Every dotted leaf path of a values object (`{ a: { b: 1 } }` → `a.b`); lists and `{}` are leaves. */
export function valuePaths(values: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(values).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0
      ? valuePaths(value as Record<string, unknown>, path)
      : [path];
  });
}

/**
 * Whether chart `version` has the value at `path`: the path is a key, or sits under a map
 * the chart lets users fill freely (`extraConfig`, `podAnnotations`, a `resources` handed to
 * the templates whole), or under a key whose default is not a map (a list or scalar the
 * templates take as given).
 */
export function chartHasValue(version: string, path: string): boolean {
  const table = chartTableFor(version);
  if (!table) return false;
  if (table.keys.includes(path)) return true;
  const parts = path.split('.');
  return parts.slice(0, -1).some((_, i) => {
    const prefix = parts.slice(0, i + 1).join('.');
    return table.freeForm.includes(prefix) || (table.keys.includes(prefix) && !table.maps.includes(prefix));
  });
}

/**
 * helm `--set` words for the values chart `version` has, in order; the others are left out
 * (helm would ignore them: `externalIPs.enabled` is gone from chart 1.18, the feature comes with
 * kube-proxy replacement). A chart before 1.18 has no generated table (only recognised): its
 * values are kept as given. Every `--set` Kindscope writes goes through here, as every values
 * file goes through `chartHasValue`, so no writer keeps a value the chart lacks.
 */
export function chartSetArgs(
  version: string,
  values: readonly (readonly [string, string | boolean | number])[],
): string[] {
  // A chart only recognised (before 1.18) has no key table: nothing to judge by, its values are kept.
  const judged = (chartTableFor(version)?.keys.length ?? 0) > 0;
  return values
    .filter(([path]) => !judged || chartHasValue(version, path))
    .flatMap(([path, value]) => ['--set', `${path}=${String(value)}`]);
}

export interface UnknownKey {
  path: string;
  replacement?: string;
  why: string;
}

/** The paths of `values` chart `version` does not have (helm ignores them). */
export function unknownChartKeys(values: Record<string, unknown>, version: string): UnknownKey[] {
  const table = chartTableFor(version);
  if (!table || table.keys.length === 0) return [];
  return valuePaths(values)
    .filter((path) => !chartHasValue(version, path))
    .map((path) => {
      const parts = path.split('.');
      const parent = parts.slice(0, -1).join('.');
      const siblings = table.keys.filter(
        (k) => k.startsWith(parent ? `${parent}.` : '') && k.split('.').length === parts.length,
      );
      const suggestion = closestName(path, siblings);
      const wasRemoved = table.removed.find((r) => path === r || path.startsWith(`${r}.`));
      return {
        path,
        ...(suggestion ? { replacement: suggestion } : {}),
        why: `chart ${version.replace(/^v/, '')} has no such value${wasRemoved ? ' (it was removed)' : ''}: helm ignores it${
          table.chartVersion === version.replace(/^v/, '') ? '' : ` (keys read from chart ${table.chartVersion})`
        }`,
      };
    });
}

export interface ChartRefusal {
  /** `templates/FILE:LINE:COLUMN` as helm prints it (from the data of the minor). */
  position: string;
  /** The chart's own message. */
  chartMessage: string;
  /** helm's error text: `execution error at (cilium/templates/F:L:C): MESSAGE`. */
  helmError: string;
  /** The values the failing condition reads that `values` sets. */
  paths: string[];
  /** Values the condition reads that the chart no longer has (removing them is the fix). */
  removedPaths: string[];
  /** What to change: remove removed values, else change the values the condition reads. */
  fix: string;
}

/**
 * The `fail`s of chart `version` that `values` (the user's, merged over the chart's
 * defaults as helm does) would trigger. Rows the data cannot evaluate on values alone are
 * skipped here; the generated table lists them with their reasons.
 */
export function chartRefusals(values: Values, version: string): ChartRefusal[] {
  const table = chartTableFor(version);
  if (!table) return [];
  const merged = mergeValues(table.conditionDefaults, values);
  const set = new Set(valuePaths(values));
  const setUnder = (path: string) =>
    [...set].filter((p) => p === path || p.startsWith(`${path}.`) || path.startsWith(`${p}.`));
  const triggered = helmOrder(table.refusals).flatMap((row): { row: GeneratedRefusal; templateError?: string }[] => {
    if (!row.enforced) return [];
    try {
      return refusalTriggers(row, table.refusals, merged) ? [{ row }] : [];
    } catch (error) {
      if (error instanceof TemplateError) return [{ row, templateError: error.message }];
      throw error;
    }
  });
  return triggered.map(({ row, templateError }) => {
    const paths = [...new Set(conditionPaths(row.when).flatMap(setUnder))];
    const removed = paths.filter((p) => table.removed.some((r) => p === r || p.startsWith(`${r}.`)));
    return {
      position: `${row.file}:${row.line}:${row.column}`,
      chartMessage: templateError ?? row.message.trim(),
      helmError: helmFailure(row, templateError),
      paths,
      removedPaths: removed,
      fix: removed.length
        ? `Remove ${removed.join(', ')} (chart ${version.replace(/^v/, '')} no longer has ${removed.length > 1 ? 'them' : 'it'}).`
        : paths.length
          ? `Change ${paths.join(', ')} so that the chart's check passes: ${row.message.trim()}`
          : `Set the values the chart's check names: ${row.message.trim()}`,
    };
  });
}
