/**
 * Rebuild on a newer Kubernetes (issue 30): kind cannot upgrade a cluster's Kubernetes in
 * place, so the lab is deleted and created again from its saved plan on a new node image —
 * one of the compatibility table's rows (pinned by digest), tested with the lab's Cilium.
 * Kindscope's objects (the pool, the L2 policy or BGP objects, the sample) come back from
 * the plan; the user's own workloads do not, and the confirmation says so.
 */
import { KindscopeError, poolOf, type LabPlan, type LabRendering, type RunRecord } from '../../../contract';
import { compatTable, isTestedPairing, newestTestedRow, type CompatRow } from '../../../contract/compat-table';
import { carryValues } from './carry-values';

/** The node image a rebuild moves to: `image` (a table row, by digest or by tag), `kind`'s default, or the newest tested. */
export function rebuildRow(plan: LabPlan, cilium: string, kind?: string, image?: string): CompatRow {
  const tested = (r: CompatRow) => isTestedPairing(cilium, r.kubernetes) || plan.cilium.allowUntested;
  let row: CompatRow | undefined;
  if (image) {
    row = compatTable.find((r) => (r.image === image || r.image.split('@')[0] === image) && (!kind || r.kind === kind));
    if (!row)
      throw new KindscopeError(
        'INVALID_INPUT',
        `image: ${image} is not a node image of the compatibility table${kind ? ` for kind ${kind}` : ''}`,
        `Choose one pinned by digest from kind's release notes: ${compatTable.map((r) => r.image.split('@')[0]).join(', ')}.`,
      );
  } else if (kind) {
    const rows = compatTable.filter((r) => r.kind === kind);
    if (rows.length === 0)
      throw new KindscopeError(
        'INVALID_INPUT',
        `kind: ${kind} is not a kind release of the compatibility table`,
        `Choose one of ${[...new Set(compatTable.map((r) => r.kind))].join(', ')}.`,
      );
    row = rows.find((r) => r.defaultImage && tested(r)) ?? rows.find(tested) ?? rows[0];
  } else row = newestTestedRow(cilium);
  if (!row)
    throw new KindscopeError(
      'INVALID_INPUT',
      `No node image of the compatibility table is tested with Cilium ${cilium}`,
      'Give --image or --kind.',
    );
  if (!tested(row))
    throw new KindscopeError(
      'INVALID_INPUT',
      `image: Kubernetes ${row.kubernetes} (${row.image.split('@')[0]}) is not tested with Cilium ${cilium}`,
      `Choose an image whose Kubernetes Cilium ${cilium} lists as tested, or upgrade Cilium first (kindscope upgrade).`,
    );
  if (row.image === plan.cluster.nodeImage)
    throw new KindscopeError(
      'INVALID_INPUT',
      `image: ${plan.cluster.name} already runs ${row.image.split('@')[0]}`,
      'Give another --image or --kind.',
    );
  return row;
}

/** The newest create run of a lab that has its plan: what a rebuild starts from. */
export function savedCreateRun(runs: readonly RunRecord[], cluster: string): RunRecord {
  const run = runs.find(
    (r) => (r.kind === 'create' || r.kind === 'rebuild') && r.cluster === cluster && r.state === 'done',
  );
  if (!run)
    throw new KindscopeError(
      'INVALID_INPUT',
      `cluster: Kindscope has no finished create run of ${cluster}, so no saved plan to rebuild it from`,
      'Rebuild works on labs Kindscope built (`kindscope runs`); delete and create this one yourself.',
    );
  return run;
}

/**
 * The plan a rebuild creates: the saved one on the new image, the Cilium installed now
 * (an upgrade since the create is kept; the plan's extra values carried to that chart as the
 * upgrade carries them), and the pool it had, so its services get the same range back.
 */
export function rebuiltPlan(run: RunRecord, row: CompatRow, installedCilium: string): LabPlan {
  const saved = (run.facts.rendering as LabRendering).plan;
  const plan: LabPlan = structuredClone(saved);
  plan.cluster.kindVersion = row.kind;
  plan.cluster.nodeImage = row.image;
  plan.cilium.version = installedCilium;
  const extra = plan.cilium.extraValues;
  if (Object.keys(extra).length > 0) plan.cilium.extraValues = carryValues(extra, installedCilium).values;
  const pool = poolOf(run);
  if (pool && plan.announce !== 'bgp') plan.pool.cidr = pool.cidr;
  return plan;
}

/** What the confirmation names: deleted, carried, not carried. */
export function rebuildWords(plan: LabPlan) {
  return {
    carried: [
      `Cilium ${plan.cilium.version} with the plan's values`,
      plan.announce === 'bgp'
        ? `the BGP objects and the router (pool ${plan.pool.cidr})`
        : `the LoadBalancer pool ${plan.pool.name} (${plan.pool.cidr}) and the L2 announcement policy`,
      ...(plan.sample?.enabled === false ? [] : ['the sample app and its LoadBalancer service']),
    ],
    notCarried:
      'Your own workloads (Deployments, Services, ConfigMaps, … applied to this cluster) are NOT carried: ' +
      'they are deleted with the cluster; re-apply them after the rebuild.',
  };
}
