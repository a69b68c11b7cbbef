/**
 * What the Cilium chart itself refuses at render time, by chart version — checked before
 * anything is applied, so a refused install leaves no release and no object, as helm's
 * template failure does. Values the chart does not know are ignored silently, as helm does.
 *
 * The rules are the chart's own: every `fail` in its templates, from
 * ../shared/upstream/cilium-chart/<version>/refusals.tsv through the generated tables
 * (src-main/core/lab/plan/generated/cilium-chart-tables.json, `npm run upstream:generate`),
 * its condition evaluated on the values over the chart's defaults as the template does.
 * Rows whose condition needs the cluster, the release or data the files do not carry are
 * listed in those tables with `enforced: false` and the reason; `notEnforcedRefusals` reads them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../apiserver/kube-object.ts';
import {
  firstFailure,
  helmFailure,
  mergeValues,
  type RefusalRow,
} from '../../../src-main/core/lab/plan/chart-template.ts';

export class ChartRenderError extends Error {}

export interface LabRefusal extends RefusalRow {
  enforced: boolean;
  reason?: string;
}

interface LabChartTable {
  chartVersion: string;
  conditionDefaults: KubeObject;
  refusals: LabRefusal[];
}

let tables: Record<string, LabChartTable> | undefined;

/** The generated per-minor chart tables (read once). */
export function chartTables(): Record<string, LabChartTable> {
  tables ??= (
    JSON.parse(
      readFileSync(
        join(import.meta.dirname, '../../../src-main/core/lab/plan/generated/cilium-chart-tables.json'),
        'utf8',
      ),
    ) as { minors: Record<string, LabChartTable> }
  ).minors;
  return tables;
}

/** `1.16.5` → [1, 16, 5]; a leading `v` is allowed. */
export function chartVersionParts(version: string): [number, number, number] {
  const [major = 0, minor = 0, patch = 0] = version
    .replace(/^v/, '')
    .split(/[.-]/)
    .map((part) => Number.parseInt(part, 10) || 0);
  return [major, minor, patch];
}

/** The table of a chart version's minor (the data holds one patch per minor; positions may move between patches). */
export function chartTableOf(chartVersion: string): LabChartTable | undefined {
  const [major, minor] = chartVersionParts(chartVersion);
  return chartTables()[`${major}.${minor}`];
}

/** The chart's kube-proxy replacement value as its template sees it (`toString`, default "false" since 1.14). */
export function kubeProxyReplacementOf(values: KubeObject): string {
  const value = values.kubeProxyReplacement;
  return value === undefined || value === null || value === '' ? 'false' : String(value);
}

/**
 * The first `fail` of the chart version's templates these values trigger, as helm reports it
 * (`execution error at (cilium/templates/F:L:C): MESSAGE`). 1.15 still takes the deprecated
 * `strict` (its row lists it as valid), and then lacks the replacement's features
 * (cilium/cilium#32711) — the simulation keeps L2 announcements silent for it.
 */
export function validateChartValues(values: KubeObject, chartVersion: string): void {
  const table = chartTableOf(chartVersion);
  if (!table) return;
  const merged = mergeValues(table.conditionDefaults, values);
  const failed = firstFailure(table.refusals, merged);
  if (failed) throw new ChartRenderError(helmFailure(failed.row, failed.templateError));
}

/** The rows the stand-in does not enforce, with why (one place: the generated tables). */
export function notEnforcedRefusals(): { minor: string; row: LabRefusal }[] {
  return Object.entries(chartTables()).flatMap(([minor, table]) =>
    table.refusals.filter((row) => !row.enforced).map((row) => ({ minor, row })),
  );
}

/**
 * Native routing without ipv4NativeRoutingCIDR is not refused by the chart: it renders,
 * and the agent then exits at start with this error (masquerading on, the default, and an
 * IPAM mode that does not derive the CIDR), so the agents crash-loop and nodes stay NotReady.
 */
export function agentStartError(config: Record<string, string>): string | undefined {
  if (config['routing-mode'] !== 'native' || config['ipv4-native-routing-cidr']) return undefined;
  if (config['enable-ipv4-masquerade'] === 'false' || config['enable-ip-masq-agent'] === 'true') return undefined;
  if (['eni', 'alibabacloud', 'azure'].includes(config.ipam ?? '')) return undefined;
  return (
    'invalid daemon configuration: native routing cidr must be configured with option ' +
    '--ipv4-native-routing-cidr in combination with --enable-ipv4=true ' +
    '--enable-ipv4-masquerade=true --enable-ip-masq-agent=false --routing-mode=native ' +
    `--ipam=${config.ipam ?? 'cluster-pool'}`
  );
}
