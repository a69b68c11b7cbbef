import { KindscopeError, type CreatedResource, type FixKind, type RunRecord } from '../../../contract';
import type { Logger } from '../../util/logger';
import type { PlanSource } from '../lab-plan-service';
import { collapse, labRemovers } from './cleanup';
import { createPipeline } from './create-pipeline';
import { bgpFixesFor, bgpFixFacts, bgpFixSteps, bgpRepairsOf, bgpViewOf, isBgpFix } from './bgp-fix';
import { fixesFor, fixFacts, fixRunSteps, fixSteps } from './fix-pipeline';
import { deletePlan, deleteSteps, startSteps, stopSteps } from './lifecycle-pipelines';
import { recordedAddresses, renderingOf } from './journal-reads';
import { createDeps, lifecycleDeps, type PipelineSources } from './pipeline-deps';
import { PipelineRunner, type StepDefinition } from './pipeline-runner';
import type { RunStore } from './run-store';
import { upgradeRunSteps } from '../upgrade/upgrade-runs';
import { UpgradeService } from '../upgrade/upgrade-service';

export interface LabRunServiceOptions extends PipelineSources {
  store: RunStore;
  log: Logger;
}

/**
 * Builds and changes labs as runs: starts each kind of run (create, stop, start, delete,
 * fix) from its pipeline file, journals every step on disk (the runner), runs in the
 * background (the window, serve mode and the CLI follow the same run), resumes at the
 * failed step, cancels, and cleans up exactly what a run created (cleanup.ts).
 */
export class LabRunService {
  readonly runner: PipelineRunner;
  private readonly pending = new Map<string, Promise<RunRecord>>();
  private upgradeService?: UpgradeService;

  constructor(private readonly options: LabRunServiceOptions) {
    this.runner = new PipelineRunner({ store: options.store, log: options.log });
  }

  /** Every transition of a run, after its journal is written. */
  get onDidChange() {
    return this.runner.onDidChange;
  }

  /** Cancels the runs in flight and waits until their journals say so (the app is closing). */
  dispose(): Promise<void> {
    return this.runner.dispose(this.pending.values());
  }

  /** Starts building the lab a plan describes; resolves once the run is journaled (it goes on in the background). */
  async create(source: PlanSource): Promise<RunRecord> {
    const rendering = await this.options.lab.render(source);
    return this.journal('create', rendering.plan.cluster.name, { rendering });
  }

  /**
   * Journals a run whose steps are built from its journal (create, rebuild, upgrade, rollback:
   * they need the run's folder), builds them as a resume would, and starts it.
   */
  async journal(kind: RunRecord['kind'], cluster: string, facts: Record<string, unknown>): Promise<RunRecord> {
    const record = this.options.store.create({ kind, cluster, steps: [], facts });
    const steps = await this.stepsOf(record);
    record.steps = steps.map((step) => ({
      name: step.name,
      title: step.title,
      command: step.command,
      state: 'pending',
      logPath: `${record.dir}/logs/${step.name}.log`,
      attempts: 0,
    }));
    this.options.store.save(record);
    this.launch(record, steps);
    return record;
  }

  /** Upgrade, rollback and rebuild (issue 30): core/lab/upgrade/upgrade-service.ts, over this service's journal. */
  get upgrades(): UpgradeService {
    return (this.upgradeService ??= new UpgradeService({
      sources: this.options,
      runs: () => this.list(),
      active: () => this.runner.activeIds(),
      journal: (kind, cluster, facts) => this.journal(kind, cluster, facts),
    }));
  }

  /**
   * Runs a failed, cancelled or interrupted run again from the step that stopped it: its
   * steps are built again from its journal, and the runner skips the ones done.
   */
  async resume(id: string): Promise<RunRecord> {
    const record = this.get(id);
    this.refuseWhileActive(record, 'resume');
    if (record.state === 'done' || record.state === 'cleaned')
      throw new KindscopeError(
        'INVALID_INPUT',
        `Run ${id} is ${record.state === 'done' ? 'complete' : 'cleaned up'}`,
        'Nothing to resume.',
      );
    const steps = await this.stepsOf(record);
    this.runner.assertSteps(record, steps);
    this.launch(record, steps);
    return record;
  }

  /** Stops a lab's node containers (workers first). */
  stop(cluster: string): Promise<RunRecord> {
    return this.startRun('stop', cluster);
  }

  /** Starts a lab's node containers, then proves it works again: nodes Ready, leases re-elected, IPs answering. */
  start(cluster: string): Promise<RunRecord> {
    return this.startRun('start', cluster);
  }

  /** What `delete` removes: shown in the confirmation. */
  deletePlan(cluster: string): Promise<{ containers: string[]; context: string }> {
    return deletePlan(this.options.docker(), cluster);
  }

  /** `kind delete cluster`; the kind network stays, as kind leaves it. `confirmed` is the user's explicit yes. */
  async delete(cluster: string, confirmed: boolean): Promise<RunRecord> {
    if (!confirmed) throw needsConfirmation(`Deleting ${cluster}`, 'Confirm in the dialog, or pass --yes.');
    await this.deletePlan(cluster);
    return this.startRun('delete', cluster);
  }

  /** The repairs `fix` would make on a cluster stuck at `<pending>`, from its live status. */
  async fixPlan(
    cluster: string,
  ): Promise<{ fixes: FixKind[]; steps: { name: string; title: string; command: string; fix?: FixKind }[] }> {
    // A BGP lab has its own repairs (bgp-fix.ts): L2's (announcements on, an L2 policy) would be wrong there.
    const bgp = await bgpViewOf(this.options, cluster);
    const status = await this.options.statusSource(cluster).status();
    const fixes = bgp.active ? bgpFixesFor(bgp) : fixesFor(status);
    const steps = bgp.active
      ? bgpFixSteps(cluster, this.options, fixes)
      : fixSteps(cluster, status, lifecycleDeps(this.options, cluster), fixes);
    return {
      fixes,
      steps: steps.map(({ name, title, command, fix }) => ({ name, title, command, ...(fix ? { fix } : {}) })),
    };
  }

  /** Runs the repairs the user confirmed (`repairs`; when absent, all that the status needs now), then re-verifies. */
  async fix(cluster: string, confirmed: boolean, repairs?: FixKind[]): Promise<RunRecord> {
    if (!confirmed)
      throw needsConfirmation(
        `Fixing ${cluster}`,
        'Review the steps (`kindscope fix --cluster NAME`), then confirm, or pass --yes.',
      );
    const bgp = await bgpViewOf(this.options, cluster);
    if (bgp.active) return this.startRun('fix', cluster, bgpFixFacts(bgp, repairs));
    const status = await this.options.statusSource(cluster).status();
    return this.startRun('fix', cluster, fixFacts(status, repairs));
  }

  cancel(id: string): RunRecord {
    if (!this.runner.cancel(id))
      throw new KindscopeError('INVALID_INPUT', `Run ${id} is not running`, 'See `kindscope runs`.');
    return this.get(id);
  }

  /** What cleanup would remove: shown in the confirmation before anything is removed. */
  cleanupPlan(id: string): CreatedResource[] {
    return collapse(this.get(id).created);
  }

  /** Removes what the run created. `confirmed` is the user's explicit yes. */
  async cleanup(id: string, confirmed: boolean): Promise<RunRecord> {
    if (!confirmed) throw needsConfirmation(`Cleanup of run ${id}`, 'Confirm in the dialog, or pass --yes.');
    const record = this.get(id);
    this.refuseWhileActive(record, 'clean up');
    record.created = collapse(record.created);
    return this.runner.cleanup(record, labRemovers(this.options.runTool));
  }

  get(id: string): RunRecord {
    return this.options.store.load(id, this.runner.activeIds());
  }

  /** A step's log as kept on disk. */
  log(id: string, stepName: string): { text: string; path: string } {
    const record = this.get(id);
    const step = record.steps.find((s) => s.name === stepName);
    if (!step)
      throw new KindscopeError(
        'INVALID_INPUT',
        `step: run ${id} has no step "${stepName}"`,
        `Its steps: ${record.steps.map((s) => s.name).join(', ')}.`,
      );
    return { text: this.options.store.readLog(step), path: step.logPath };
  }

  list(): RunRecord[] {
    return this.options.store.list(this.runner.activeIds());
  }

  /** Waits for a run this process started (the CLI's `create` waits for its own). */
  async settled(id: string): Promise<RunRecord> {
    return (await this.pending.get(id)) ?? this.get(id);
  }

  /** A run that this or another live process is running cannot be resumed or cleaned up. */
  private refuseWhileActive(record: RunRecord, what: string): void {
    if (record.state === 'running')
      throw new KindscopeError(
        'INVALID_INPUT',
        `Run ${record.id} is still running${this.runner.activeIds().has(record.id) ? '' : ` (in process ${record.owner?.pid ?? '?'})`}`,
        `Cancel it first, then ${what}.`,
      );
  }

  /** Journals a run on an existing lab (its steps built first: a refusal leaves no journal) and starts it. */
  private async startRun(
    kind: 'stop' | 'start' | 'delete' | 'fix',
    cluster: string,
    facts: Record<string, unknown> = {},
  ): Promise<RunRecord> {
    const steps = await this.lifecycleSteps(kind, cluster, facts);
    const record = this.options.store.create({
      kind,
      cluster,
      steps: steps.map(({ name, title, command }) => ({ name, title, command })),
      facts,
    });
    this.launch(record, steps);
    return record;
  }

  /** The steps of a journaled run, from its kind's pipeline file. */
  private stepsOf(record: RunRecord): Promise<StepDefinition[]> {
    if (record.kind === 'upgrade' || record.kind === 'rollback')
      return Promise.resolve(upgradeRunSteps(record, lifecycleDeps(this.options, record.cluster)));
    if (record.kind !== 'create' && record.kind !== 'rebuild')
      return this.lifecycleSteps(record.kind, record.cluster, record.facts);
    const rendering = renderingOf(record);
    const create = createPipeline(rendering, record.dir, createDeps(this.options, record, rendering));
    // A rebuild deletes the lab first (kind cannot change a cluster's Kubernetes in place), then builds it from the plan.
    if (record.kind === 'rebuild')
      return Promise.resolve([...deleteSteps(record.cluster, lifecycleDeps(this.options, record.cluster)), ...create]);
    return Promise.resolve(create);
  }

  private async lifecycleSteps(
    kind: RunRecord['kind'],
    cluster: string,
    facts: Record<string, unknown>,
  ): Promise<StepDefinition[]> {
    const deps = {
      ...lifecycleDeps(this.options, cluster),
      recordedAddresses: () => recordedAddresses(this.options, this.runner.activeIds(), cluster),
    };
    if (kind === 'stop') return stopSteps(cluster, deps);
    if (kind === 'start') return startSteps(cluster, deps);
    if (kind === 'delete') return deleteSteps(cluster, deps);
    if (kind === 'fix' && isBgpFix(facts)) return bgpFixSteps(cluster, this.options, bgpRepairsOf(facts));
    if (kind === 'fix') return fixRunSteps(cluster, await deps.statusSource().status(), deps, facts);
    throw new KindscopeError('INTERNAL', `No ${kind} pipeline`, 'Report this.');
  }

  private launch(record: RunRecord, steps: StepDefinition[]): void {
    const running = this.runner.run(record, steps).finally(() => this.pending.delete(record.id));
    this.pending.set(record.id, running);
    running.catch((error: unknown) => this.options.log.error(`Run ${record.id} stopped`, error));
  }
}

function needsConfirmation(what: string, hint: string): KindscopeError {
  return new KindscopeError('INVALID_INPUT', `${what} needs confirmation`, hint);
}
