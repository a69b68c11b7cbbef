/**
 * Does upstream accept these versions and values: the kind release's node image, the Cilium
 * release and whether Cilium lists the pairing as tested, and the values judged by the chosen
 * chart's own files.
 */
import type { LabFinding } from '../../../contract';
import { chartRefusals, unknownChartKeys, valuePaths } from './chart-keys';
import {
  ciliumReleaseFor,
  ciliumReleases,
  compatTable,
  defaultCompatRow,
  findCompatRow,
  isTestedPairing,
} from '../../../contract/compat-table';
import { refuse, type Rule } from './plan-rule';
import { renderHelmValues } from './render';

export const imageRule: Rule = (plan) => {
  const { kindVersion, nodeImage } = plan.cluster;
  if (!/@sha256:[0-9a-f]{64}$/.test(nodeImage)) {
    return [
      refuse(
        'image-not-pinned',
        'cluster.nodeImage',
        `${nodeImage} is not pinned by digest; kind only guarantees an image built for its own release`,
        'Use an image with its @sha256 digest from the kind release note (see the compatibility table).',
      ),
    ];
  }
  const row = findCompatRow(kindVersion, nodeImage);
  if (!row) {
    const forKind = compatTable.filter((r) => r.kind === kindVersion).map((r) => r.image);
    return [
      refuse(
        'image-not-in-table',
        'cluster.nodeImage',
        `${nodeImage} is not an image the kind ${kindVersion} release note lists`,
        forKind.length
          ? `Use one of: ${forKind.join(', ')}`
          : `Use a kind release from the table: ${[...new Set(compatTable.map((r) => r.kind))].join(', ')}`,
      ),
    ];
  }
  const { version, allowUntested, untestedReason } = plan.cilium;
  const release = ciliumReleaseFor(version);
  if (!release) {
    return [
      refuse(
        'cilium-version-unsupported',
        'cilium.version',
        `Cilium ${version} is not a supported release (supported: ${ciliumReleases.map((r) => r.version).join(', ')}; 1.17 and older are end-of-life)`,
        `Use Cilium ${defaultCompatRow.cilium[0]} (kind ${defaultCompatRow.kind}, ${defaultCompatRow.image.split('@')[0]}).`,
      ),
    ];
  }
  if (isTestedPairing(version, row.kubernetes)) return [];
  const tested = compatTable
    .filter((r) => isTestedPairing(version, r.kubernetes))
    .map((r) => `kind ${r.kind} with ${r.image.split('@')[0]}`);
  const why =
    `Cilium ${version}'s compatibility document lists Kubernetes ${release.tested.join(', ')} as e2e tested, not ${row.kubernetes} (${release.source}). ` +
    `Cilium: unlisted versions "will depend on the forward / backward compatibility offered by Kubernetes" — untested, not unsupported`;
  if (allowUntested)
    return [
      {
        code: 'cilium-untested-acknowledged',
        field: 'cilium.allowUntested',
        message: `Untested pairing, acknowledged${untestedReason ? ` (${untestedReason})` : ''}: ${why}`,
        fix: tested.length
          ? `For a tested pairing use ${tested[0]}.`
          : 'No tested pairing exists for this Cilium in the table.',
        severity: 'warning',
        applied: false,
      },
    ];
  return [
    refuse(
      'cilium-not-tested',
      'cilium.version',
      `${why}${row.cilium.length ? `; tested there: ${row.cilium.join(', ')}` : '; no Cilium release lists it yet'}`,
      `Acknowledge it with --allow-untested (cilium.allowUntested: true, with a reason), ` +
        `or use ${tested[0] ?? `kind ${defaultCompatRow.kind} with ${defaultCompatRow.image.split('@')[0]}`}` +
        `${row.cilium[0] ? `, or Cilium ${row.cilium[0]} on this image` : ''}.`,
    ),
  ];
};

// Judged by the chosen chart's own files (generated tables): a value the chart does not
// have is ignored by helm (a warning, removal offered); a value one of its `fail`s catches
// makes `helm install` fail and install nothing (an error that blocks the run).
export const chartValuesRule: Rule = (plan) => {
  const { version, extraValues } = plan.cilium;
  const extraPaths = valuePaths(extraValues);
  const refusals = chartRefusals(renderHelmValues(plan), version);
  const refused = refusals.map((refusal) => {
    const path = refusal.paths.find((p) => extraPaths.some((e) => e === p || e.startsWith(`${p}.`)));
    return refuse(
      'chart-refuses-value',
      path ? `cilium.extraValues.${path}` : `cilium.${refusal.paths[0] ?? 'extraValues'}`,
      `helm install fails: ${refusal.chartMessage} (cilium/${refusal.position}, Cilium chart ${version})`,
      refusal.fix,
    );
  });
  // A value a refusal catches is not ignored: only the rest is.
  const caught = (path: string) => refusals.some((r) => r.paths.some((p) => path === p || path.startsWith(`${p}.`)));
  const ignored = unknownChartKeys(extraValues, version)
    .filter((unknown) => !caught(unknown.path))
    .map((unknown): LabFinding => ({
      code: 'chart-value-unknown',
      field: `cilium.extraValues.${unknown.path}`,
      message: `${unknown.path}: ${unknown.why}`,
      fix: unknown.replacement ? `Use ${unknown.replacement}, or remove ${unknown.path}.` : `Remove ${unknown.path}.`,
      severity: 'warning',
      applied: false,
    }));
  return [...refused, ...ignored];
};
