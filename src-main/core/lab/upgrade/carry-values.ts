/**
 * The installed release's values (`helm get values`: what the user gave, not the chart's
 * defaults) judged against the target chart's generated data: each value kept, renamed,
 * dropped or blocking. Everything comes from the tables generated out of the charts
 * (../plan/chart-keys.ts); no key is named here.
 */
import type { UpgradeItem } from '../../../contract';
import { chartHasValue, chartRefusals, chartTableFor, valuePaths } from '../plan/chart-keys';

type Values = Record<string, unknown>;

export interface CarriedValues {
  items: UpgradeItem[];
  /** What `helm upgrade -f` gets: kept values as they are, renamed ones under their new name, dropped ones left out. */
  values: Values;
}

const get = (values: Values, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>((at, key) => (at && typeof at === 'object' ? (at as Values)[key] : undefined), values);

function set(values: Values, path: string, value: unknown): void {
  const parts = path.split('.');
  let at = values;
  for (const key of parts.slice(0, -1)) {
    if (!at[key] || typeof at[key] !== 'object' || Array.isArray(at[key])) at[key] = {};
    at = at[key] as Values;
  }
  at[parts.at(-1)!] = value;
}

/**
 * The name `path` has in chart `to`, when `to` lacks it: a sibling key `to` has and `from`
 * did not, whose name begins with the old one (`l2podAnnouncements.interface` →
 * `…interfacePattern`, Cilium 1.19's replacement of `--l2-pod-announcements-interface` by
 * `--l2-pod-announcements-interface-pattern`, ../shared/FACTS.md). Asked only of a key `to`
 * lacks, so a sibling both charts have beside the old key is never taken for its heir (1.18's
 * templates already read `interfacePattern`, its values.yaml has it commented out).
 */
export function renamedIn(path: string, to: string): string | undefined {
  const target = chartTableFor(to);
  if (!target) return undefined;
  const parts = path.split('.');
  const parent = parts.slice(0, -1).join('.');
  const leaf = parts.at(-1)!;
  const prefix = parent ? `${parent}.` : '';
  const candidates = target.keys.filter((key) => {
    if (!key.startsWith(prefix)) return false;
    const rest = key.slice(prefix.length);
    return !rest.includes('.') && rest !== leaf && rest.startsWith(leaf);
  });
  // One clear heir, or none: two would be a guess.
  return candidates.length === 1 ? candidates[0] : undefined;
}

/**
 * A value carried to its new name. A `…Pattern` heir of a plain name is a regular
 * expression: the name anchored, so `eth0` keeps meaning eth0 (unanchored it would also
 * match `veth0…`).
 */
function carriedValue(oldPath: string, newPath: string, value: unknown): unknown {
  if (
    newPath.endsWith('Pattern') &&
    !oldPath.endsWith('Pattern') &&
    typeof value === 'string' &&
    /^[\w.-]+$/.test(value)
  )
    return `^${value.replace(/\./g, '\\.')}$`;
  return value;
}

const show = (value: unknown) => JSON.stringify(value);

/** Each user value of the release judged against chart `to`. */
export function carryValues(installed: Values, to: string): CarriedValues {
  const table = chartTableFor(to);
  const toVersion = to.replace(/^v/, '');
  const items: UpgradeItem[] = [];
  const values: Values = {};
  const chartFile = `../shared/upstream/cilium-chart/${table?.chartVersion ?? toVersion}/values.yaml`;
  for (const path of valuePaths(installed)) {
    const value = get(installed, path);
    if (chartHasValue(to, path)) {
      set(values, path, value);
      items.push({
        id: `value:${path}`,
        area: 'value',
        outcome: 'kept',
        title: `${path}=${show(value)} kept`,
        detail: `chart ${toVersion} has ${path}`,
        cites: [],
        needsConfirmation: false,
      });
      continue;
    }
    const heir = renamedIn(path, to);
    if (heir) {
      const carried = carriedValue(path, heir, value);
      set(values, heir, carried);
      items.push({
        id: `value:${path}`,
        area: 'value',
        outcome: 'renamed',
        newName: heir,
        title: `${path} is ${heir} in ${toVersion}`,
        detail:
          `chart ${toVersion} has no ${path} (helm would ignore it and the setting would be lost); ` +
          `carried as ${heir}=${show(carried)}`,
        cites: [chartFile],
        needsConfirmation: true,
      });
      continue;
    }
    const removed = table?.removed.some((r) => path === r || path.startsWith(`${r}.`));
    items.push({
      id: `value:${path}`,
      area: 'value',
      outcome: 'dropped',
      title: `${path}=${show(value)} dropped`,
      detail: `chart ${toVersion} has no such value${removed ? ' (it was removed)' : ''}: helm would ignore it, so it is left out`,
      cites: [chartFile],
      needsConfirmation: true,
    });
  }
  // The chart's `fail`s, evaluated on the values the upgrade would send: a refusal blocks.
  for (const refusal of chartRefusals(values, to))
    items.push({
      id: `refusal:${refusal.position}`,
      area: 'value',
      outcome: 'blocking',
      title: `chart ${toVersion} refuses ${refusal.paths.join(', ') || 'these values'}`,
      detail: refusal.helmError,
      fix: refusal.fix,
      cites: [`cilium/templates/${refusal.position}`],
      needsConfirmation: false,
    });
  return { items, values };
}
