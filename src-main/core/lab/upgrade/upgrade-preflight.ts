import { KindscopeError, type UpgradeItem } from '../../../contract';
import { chartMinor, isSupportedChart, supportedChartMinors } from '../plan/chart-keys';
import { versionAtLeast } from '../../../contract/compat-table';
import type { LabPipelineDeps } from '../run/create-pipeline';
import { carryValues } from './carry-values';
import { clusterChecks } from './cluster-checks';
import { readCrds, readKubernetes, readNames, readRelease, readServices, savedManifests } from './live-facts';

export interface UpgradePreflightDeps {
  runTool: LabPipelineDeps['runTool'];
  /** Folders holding the files Kindscope saved for the lab (its create runs' `files/`). */
  savedDirs(): string[];
}

export interface UpgradeFindings {
  cluster: string;
  from: string;
  to: string;
  revision: number;
  kubernetes?: string;
  items: UpgradeItem[];
  blocked: boolean;
  values: Record<string, unknown>;
}

/** Refuses a target Kindscope cannot judge, or one that is not a step forward. */
export function checkTarget(from: string, to: string): void {
  const target = to.replace(/^v/, '');
  if (!isSupportedChart(target))
    throw new KindscopeError(
      'INVALID_INPUT',
      `cilium: Kindscope has no chart data for ${target}`,
      `Choose a release of ${supportedChartMinors.join(', ')} (e.g. --cilium ${supportedChartMinors.at(-1)}.2).`,
    );
  if (versionAtLeast(from, target))
    throw new KindscopeError(
      'INVALID_INPUT',
      `cilium: ${target} is not newer than the installed ${from}`,
      from === target
        ? 'Nothing to upgrade.'
        : 'upgrade only moves forward; to go back after an upgrade, run `kindscope rollback --cluster NAME`.',
    );
}

/**
 * The upgrade's preflight, read now from the live cluster and the target chart's generated
 * data: every value of the release (kept / renamed / dropped / blocking), stored versions,
 * saved manifests, BGP v1, services caught by the step's known traps, the Kubernetes pairing.
 */
export async function upgradePreflight(
  cluster: string,
  cilium: string,
  deps: UpgradePreflightDeps,
): Promise<UpgradeFindings> {
  const context = `kind-${cluster}`;
  const to = cilium.replace(/^v/, '');
  const release = await readRelease(deps.runTool, context);
  checkTarget(release.version, to);
  const [crds, bgp, services, kubernetes] = await Promise.all([
    readCrds(deps.runTool, context),
    readNames(deps.runTool, context, 'ciliumbgppeeringpolicies.cilium.io'),
    readServices(deps.runTool, context),
    readKubernetes(deps.runTool, context),
  ]);
  const carried = carryValues(release.values, to);
  const l2 = (release.values.l2announcements as { enabled?: unknown } | undefined)?.enabled === true;
  const items: UpgradeItem[] = [...carried.items];
  // Cilium's upgrade guide has users go one minor at a time; a step over a minor is said and confirmed.
  const skipped = Number(chartMinor(to).split('.')[1]) - Number(chartMinor(release.version).split('.')[1]) - 1;
  if (skipped > 0)
    items.push({
      id: 'step:skips-minor',
      area: 'kubernetes',
      outcome: 'warning',
      title: `${release.version} → ${to} skips ${skipped} minor release${skipped > 1 ? 's' : ''}`,
      detail:
        'Cilium’s upgrade guide goes one minor at a time (its upgrade notes are per minor); ' +
        'this run checks every value and object against the target, but not the intermediate release’s migrations',
      cites: ['https://docs.cilium.io/en/stable/operations/upgrade/'],
      needsConfirmation: true,
    });
  items.push(
    ...clusterChecks({
      from: release.version,
      to,
      ...(kubernetes ? { kubernetes } : {}),
      l2Announcements: l2,
      crds,
      bgpPeeringPolicies: bgp,
      services,
      saved: savedManifests(deps.savedDirs()),
    }),
  );
  return {
    cluster,
    from: release.version,
    to,
    revision: release.revision,
    ...(kubernetes ? { kubernetes } : {}),
    items,
    blocked: items.some((i) => i.outcome === 'blocking'),
    values: carried.values,
  };
}

/** Refuses a blocked preflight, or one with items the user did not confirm (`confirmed` absent: all confirmed). */
export function refuseUnconfirmed(findings: UpgradeFindings, confirmed?: readonly string[]): void {
  const blocking = findings.items.filter((i) => i.outcome === 'blocking');
  if (blocking.length > 0)
    throw new KindscopeError(
      'INVALID_INPUT',
      `Upgrading ${findings.cluster} to ${findings.to} is blocked: ${blocking.map((b) => `${b.title} — ${b.detail}`).join('; ')}. Nothing was changed`,
      blocking.map((b) => b.fix).join(' '),
    );
  if (!confirmed) return;
  const missing = findings.items.filter((i) => i.needsConfirmation && !confirmed.includes(i.id));
  if (missing.length > 0)
    throw new KindscopeError(
      'INVALID_INPUT',
      `confirmed: ${missing.length} preflight item${missing.length > 1 ? 's were' : ' was'} not confirmed (${missing.map((i) => i.id).join(', ')})`,
      'Confirm each item (the dialog, or --yes for all non-blocking ones); the cluster may have changed since the preflight was shown.',
    );
}
