import { KindscopeError, type RebuildPlan, type RunRecord, type UpgradePreflight } from '../../../contract';
import { lifecycleDeps, type PipelineSources } from '../run/pipeline-deps';
import type { RunStore } from '../run/run-store';
import { upgradeSteps } from './upgrade-pipeline';
import {
  factsOf,
  findingsFor,
  preflightView,
  rebuildPlanFor,
  rollbackFactsFor,
  savedDirsOf,
  upgradeFactsFor,
  upgradeTargets,
} from './upgrade-runs';

export interface UpgradeServiceDeps {
  sources: PipelineSources & { store: RunStore };
  runs(): RunRecord[];
  active(): ReadonlySet<string>;
  /** Journals a run and starts it (LabRunService.journal): its steps are built from the journal, as on resume. */
  journal(kind: RunRecord['kind'], cluster: string, facts: Record<string, unknown>): Promise<RunRecord>;
}

const needsConfirmation = (what: string, hint: string) =>
  new KindscopeError('INVALID_INPUT', `${what} needs confirmation`, hint);

/** The calls of issue 30 — upgrade's preflight and run, rollback, rebuild — over LabRunService's journal. */
export class UpgradeService {
  constructor(private readonly deps: UpgradeServiceDeps) {}

  /** The Cilium installed and the releases it can move to (the Upgrade dialog's choices). */
  targets(cluster: string): Promise<{ from: string; targets: string[] }> {
    return upgradeTargets(this.deps.sources, cluster);
  }

  /** The upgrade's preflight: each item and the run's steps, nothing changed. */
  async plan(cluster: string, cilium: string): Promise<UpgradePreflight> {
    const findings = await this.findings(cluster, cilium);
    const preview = upgradeSteps(
      cluster,
      '<run folder>',
      factsOf(findings, 1),
      lifecycleDeps(this.deps.sources, cluster),
    );
    return preflightView(findings, preview);
  }

  /** Upgrades Cilium after the preflight, its items confirmed (`items`; absent: all); refused while one blocks. */
  async upgrade(cluster: string, cilium: string, confirmed: boolean, items?: string[]): Promise<RunRecord> {
    if (!confirmed)
      throw needsConfirmation(
        `Upgrading ${cluster}`,
        'Review the preflight (`kindscope upgrade --cluster NAME --cilium V`), then confirm, or pass --yes.',
      );
    const findings = await this.findings(cluster, cilium);
    const status = await this.deps.sources.statusSource(cluster).status();
    return this.deps.journal('upgrade', cluster, {
      ...upgradeFactsFor(findings, items, Math.max(1, status.nodes.length)),
    });
  }

  /** Rolls Cilium back to the revision before the last upgrade and restores the objects it saved. */
  async rollback(cluster: string, confirmed: boolean): Promise<RunRecord> {
    if (!confirmed) throw needsConfirmation(`Rolling ${cluster} back`, 'Confirm in the run view, or pass --yes.');
    const status = await this.deps.sources.statusSource(cluster).status();
    const nodes = Math.max(1, status.nodes.length);
    return this.deps.journal('rollback', cluster, {
      ...rollbackFactsFor(this.deps.sources.store, this.deps.active(), cluster, nodes),
    });
  }

  /** What rebuilding a lab on another node image deletes and carries (the confirmation's text). */
  async rebuildPlan(cluster: string, kind?: string, image?: string): Promise<RebuildPlan> {
    return (await rebuildPlanFor(this.deps.sources, this.deps.runs(), cluster, kind, image)).view;
  }

  /** Deletes the lab and creates it again from its saved plan on the new node image; `confirmed` is the user's yes. */
  async rebuild(cluster: string, confirmed: boolean, kind?: string, image?: string): Promise<RunRecord> {
    if (!confirmed)
      throw needsConfirmation(
        `Rebuilding ${cluster}`,
        'Review what is deleted and carried (`kindscope rebuild --cluster NAME`), then confirm, or pass --yes.',
      );
    const { plan } = await rebuildPlanFor(this.deps.sources, this.deps.runs(), cluster, kind, image);
    const rendering = await this.deps.sources.lab.render({ plan }, { replacing: true });
    return this.deps.journal('rebuild', cluster, { rendering });
  }

  private findings(cluster: string, cilium: string) {
    const saved = () => savedDirsOf(this.deps.sources.store, this.deps.active(), cluster);
    return findingsFor(this.deps.sources, saved, cluster, cilium);
  }
}
