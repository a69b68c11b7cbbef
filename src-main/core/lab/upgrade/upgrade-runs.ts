import { join } from 'node:path';
import {
  KindscopeError,
  type LabPlan,
  type LabRendering,
  type RebuildPlan,
  type RunRecord,
  type UpgradePreflight,
} from '../../../contract';
import { deletePlan } from '../run/lifecycle-pipelines';
import { rebuildRow, rebuildWords, rebuiltPlan, savedCreateRun } from './rebuild';
import { isSupportedChart } from '../plan/chart-keys';
import { ciliumReleases, versionAtLeast } from '../../../contract/compat-table';
import type { LifecycleDeps } from '../run/lifecycle-pipelines';
import { readRelease } from './live-facts';
import type { PipelineSources } from '../run/pipeline-deps';
import type { StepDefinition } from '../run/pipeline-runner';
import type { RunStore } from '../run/run-store';
import { parseFacts, UpgradeFacts, upgradeSteps } from './upgrade-pipeline';
import { RollbackFacts, rollbackSteps } from './rollback-pipeline';
import { refuseUnconfirmed, upgradePreflight, type UpgradeFindings } from './upgrade-preflight';

/** The folders of files Kindscope saved for a lab: each create run's `files/` (the plan's manifests, lab.yaml). */
export function savedDirsOf(store: RunStore, active: ReadonlySet<string>, cluster: string): string[] {
  return store
    .list(active)
    .filter((r) => r.kind === 'create' && r.cluster === cluster)
    .map((r) => join(r.dir, 'files'));
}

/** The preflight of an upgrade of `cluster` to `cilium`, read now. */
export function findingsFor(
  sources: Pick<PipelineSources, 'runTool'>,
  savedDirs: () => string[],
  cluster: string,
  cilium: string,
): Promise<UpgradeFindings> {
  return upgradePreflight(cluster, cilium, { runTool: sources.runTool, savedDirs });
}

/** The journal facts of an upgrade on these findings (refused while one blocks or one is not confirmed). */
export function upgradeFactsFor(
  findings: UpgradeFindings,
  confirmed: readonly string[] | undefined,
  nodes: number,
): UpgradeFacts {
  refuseUnconfirmed(findings, confirmed);
  return factsOf(findings, nodes);
}

/** What the run would do on these findings: the preview's steps, and the journal of a confirmed upgrade. */
export function factsOf(findings: UpgradeFindings, nodes: number): UpgradeFacts {
  return {
    from: findings.from,
    to: findings.to,
    previousRevision: findings.revision,
    values: findings.values,
    migrate: findings.items
      .filter((i) => i.area === 'crd' && i.outcome === 'rewrite')
      .map((i) => ({ name: i.id.replace(/^crd:/, ''), storage: 'v2' })),
    rewrite: [
      ...new Set(
        findings.items
          .filter((i) => i.area === 'manifest' && i.outcome === 'rewrite')
          .map((i) => i.id.replace(/^manifest:/, '').replace(/:[A-Za-z]+$/, '')),
      ),
    ],
    nodes,
  };
}

/** The preflight as the call returns it: the findings and the run's steps, shown before anything runs. */
export function preflightView(findings: UpgradeFindings, steps: StepDefinition[]): UpgradePreflight {
  return {
    ...findings,
    steps: steps.map(({ name, title, command }) => ({ name, title, command })),
  };
}

/** The rollback's facts: the newest upgrade run of the cluster gives the revision, version and backup. */
export function rollbackFactsFor(
  store: RunStore,
  active: ReadonlySet<string>,
  cluster: string,
  nodes: number,
): RollbackFacts {
  const upgrade = store.list(active).find((r) => r.kind === 'upgrade' && r.cluster === cluster);
  if (!upgrade) return { nodes };
  const facts = UpgradeFacts.safeParse(upgrade.facts);
  if (!facts.success) return { nodes, upgradeRun: upgrade.id };
  const backup = typeof upgrade.facts.backup === 'string' ? upgrade.facts.backup : undefined;
  return {
    nodes,
    upgradeRun: upgrade.id,
    revision: facts.data.previousRevision,
    version: facts.data.from,
    ...(backup ? { backup } : {}),
  };
}

/** The steps of an upgrade or rollback run from its journal. */
export function upgradeRunSteps(record: RunRecord, deps: LifecycleDeps): StepDefinition[] {
  if (record.kind === 'upgrade')
    return upgradeSteps(record.cluster, record.dir, parseFacts(UpgradeFacts, record.facts, record.id), deps);
  if (record.kind === 'rollback')
    return rollbackSteps(record.cluster, parseFacts(RollbackFacts, record.facts, record.id), deps);
  throw new KindscopeError('INTERNAL', `No ${record.kind} pipeline here`, 'Report this.');
}

/** The releases an installed Cilium can move to: each supported minor's newest patch newer than it. */
export async function upgradeTargets(
  sources: Pick<PipelineSources, 'runTool'>,
  cluster: string,
): Promise<{ from: string; targets: string[] }> {
  const release = await readRelease(sources.runTool, `kind-${cluster}`);
  const targets = ciliumReleases
    .map((r) => r.version)
    .filter((v) => isSupportedChart(v) && !versionAtLeast(release.version, v))
    .sort((a, b) => (versionAtLeast(a, b) ? -1 : 1));
  return { from: release.version, targets };
}

/** What a rebuild deletes and carries, and the plan it creates (from the newest finished create run of the lab). */
export async function rebuildPlanFor(
  sources: Pick<PipelineSources, 'runTool' | 'docker'>,
  runs: readonly RunRecord[],
  cluster: string,
  kind?: string,
  image?: string,
): Promise<{ view: RebuildPlan; plan: LabPlan }> {
  const run = savedCreateRun(runs, cluster);
  const installed = (await readRelease(sources.runTool, `kind-${cluster}`)).version;
  const saved = (run.facts.rendering as LabRendering).plan;
  const row = rebuildRow(saved, installed, kind, image);
  const plan = rebuiltPlan(run, row, installed);
  const removed = await deletePlan(sources.docker(), cluster);
  return {
    plan,
    view: {
      cluster,
      kind: row.kind,
      image: row.image,
      kubernetes: row.kubernetes,
      cilium: installed,
      deletes: [...removed.containers.map((c) => `container ${c}`), `kubeconfig context ${removed.context}`],
      ...rebuildWords(plan),
    },
  };
}
