/**
 * helm 3's release bookkeeping, as pure functions over the stored revisions, so each rule can be
 * tested without a cluster. Each follows helm's source (pkg/action, v3.18):
 * - upgrade.go `reuseValues`: which values a new revision gets from the flags and the current release;
 * - upgrade.go `prepareUpgrade`: which revision is "current" and the new revision's number;
 * - rollback.go `prepareRollback`/`performRollback`: the target, the new revision, who is superseded;
 * - history.go `releaseInfo` and get_values.go's writer: the output formats.
 */
import { stringify } from 'yaml';
import type { KubeObject } from '../apiserver/kube-object.ts';
import { deepMerge } from './strvals.ts';
import { HelmError, type ReleaseRecord } from './release-store.ts';

export interface ValuesFlags {
  reuseValues?: boolean;
  resetValues?: boolean;
  resetThenReuseValues?: boolean;
}

const clone = <T>(value: T): T => structuredClone(value);

/**
 * The user-supplied values of an upgrade (`reuseValues`): --reset-values wins and takes only the
 * new values; --reuse-values merges the new over the current release's (and --reset-then-reuse-values
 * does the same over the chart's new defaults, which the stand-in does not tell apart); with neither,
 * the current release's values are copied only when no value was supplied at all.
 */
export function upgradeValues(current: KubeObject | undefined, supplied: KubeObject, flags: ValuesFlags): KubeObject {
  if (flags.resetValues) return clone(supplied);
  if (flags.reuseValues || flags.resetThenReuseValues) return deepMerge(clone(current ?? {}), clone(supplied));
  if (Object.keys(supplied).length === 0 && current && Object.keys(current).length > 0) return clone(current);
  return clone(supplied);
}

/**
 * The release an upgrade starts from (`prepareUpgrade`): the last revision if deployed, else the
 * newest deployed one, else a last revision that failed or was superseded. Undefined: no release.
 */
export function upgradeBase(history: readonly ReleaseRecord[]): ReleaseRecord | undefined {
  const last = history.at(-1);
  if (!last) return undefined;
  if (last.status === 'deployed') return last;
  const deployed = history.filter((r) => r.status === 'deployed').at(-1);
  if (deployed) return deployed;
  if (last.status === 'failed' || last.status === 'superseded') return last;
  return undefined;
}

export interface RollbackPlan {
  /** The revision whose chart and values the rollback deploys again. */
  target: ReleaseRecord;
  /** The new revision: the target's chart version and values, "Rollback to N". */
  record: ReleaseRecord;
  /** The revisions that were deployed and become superseded (helm #2941: all of them). */
  superseded: ReleaseRecord[];
}

/** `helm rollback RELEASE [REVISION]`: revision 0 or none means the one before the newest. */
export function rollbackPlan(history: readonly ReleaseRecord[], revision: number, now: string): RollbackPlan {
  if (revision < 0) throw new HelmError('invalid release revision');
  const current = history.at(-1);
  if (!current) throw new HelmError('release: not found');
  const wanted = revision === 0 ? current.revision - 1 : revision;
  const target = history.find((r) => r.revision === wanted);
  if (!target) throw new HelmError(`release has no ${wanted} version`);
  return {
    target,
    record: {
      ...clone(target),
      revision: current.revision + 1,
      status: 'deployed',
      updated: now,
      description: `Rollback to ${wanted}`,
    },
    superseded: history.filter((r) => r.status === 'deployed').map((r) => ({ ...r, status: 'superseded' })),
  };
}

/** One row of `helm history -o json` (history.go `releaseInfo`). */
export interface HistoryEntry {
  revision: number;
  updated: string;
  status: string;
  chart: string;
  app_version: string;
  description: string;
}

/** The newest `max` revisions, oldest first, as helm's history prints them. */
export function historyEntries(history: readonly ReleaseRecord[], max = 256): HistoryEntry[] {
  return history.slice(-max).map((r) => ({
    revision: r.revision,
    updated: r.updated,
    status: r.status,
    chart: r.chart,
    app_version: r.version,
    description: r.description ?? '',
  }));
}

/** Go's `time.ANSIC` ("Mon Jan _2 15:04:05 2006"), the UPDATED column of helm's tables, in UTC. */
export function ansic(iso: string): string {
  const date = new Date(iso);
  const [weekday, month] = [
    ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][date.getUTCDay()],
    ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][date.getUTCMonth()],
  ];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${weekday} ${month} ${String(date.getUTCDate()).padStart(2, ' ')} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} ${date.getUTCFullYear()}`;
}

/** A table as helm's uitable prints it: columns padded to the widest cell, two spaces apart... trimmed at the end. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return (
    rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('\t')).join('\n') +
    '\n'
  );
}

export function formatHistory(entries: readonly HistoryEntry[], output: string): string {
  if (output === 'json') return `${JSON.stringify(entries)}\n`;
  if (output === 'yaml') return stringify(entries);
  return table([
    ['REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION', 'DESCRIPTION'],
    ...entries.map((e) => [String(e.revision), ansic(e.updated), e.status, e.chart, e.app_version, e.description]),
  ]);
}

/** Keys sorted at every level, as Go's encoders write maps. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sorted((value as KubeObject)[k])]),
    );
  return value;
}

/**
 * `helm get values` (get_values.go): the user-supplied values, or with --all the chart's defaults
 * coalesced with them. Empty user values are stored as no `config` at all (omitempty), so helm
 * prints `null` for them, in every format.
 */
export function formatValues(
  values: KubeObject,
  options: { all: boolean; output: string; chartDefaults?: KubeObject },
): string {
  const shown = options.all ? deepMerge(clone(options.chartDefaults ?? {}), clone(values)) : values;
  const body = Object.keys(shown).length === 0 ? null : sorted(shown);
  if (options.output === 'json') return `${JSON.stringify(body)}\n`;
  const yaml = body === null ? 'null\n' : stringify(body);
  if (options.output === 'yaml') return yaml;
  return `${options.all ? 'COMPUTED VALUES:' : 'USER-SUPPLIED VALUES:'}\n${yaml}`;
}
