import type Docker from 'dockerode';
import type { DockerAccess } from '../../docker/docker-engine-service';
import {
  FixKind,
  KindscopeError,
  type ConnectivityHop,
  type CreatedResource,
  type LabRendering,
  type RunRecord,
} from '../../../contract';
import type { RunOptions, RunResult } from '../../tools/run-tool';
import type { Logger } from '../../util/logger';
import type { LabService, PlanSource } from '../lab-plan-service';
import type { ClusterStatusSource } from './cluster-watch';
import { createPipeline, type LabTool } from './create-pipeline';
import {
  deleteSteps,
  fixesFor,
  fixSteps,
  nodeContainers,
  startSteps,
  stopSteps,
  type LifecycleDeps,
} from './lifecycle-pipelines';
import { PipelineRunner, type Remover, type StepDefinition } from './pipeline-runner';
import { readEngineFacts, runPreflight } from './preflight';
import type { RunStore } from './run-store';
import { verifyService, type VerifyProbes } from './verify-service';
import type { VerifyStepDeps } from './verify-step';

export interface LabRunServiceOptions {
  store: RunStore;
  lab: LabService;
  /** The engine followed now (read per use: it changes when the engine is retargeted). */
  docker: DockerAccess;
  log: Logger;
  runTool(name: LabTool, args: string[], options: RunOptions): Promise<RunResult>;
  toolStatus: Parameters<typeof runPreflight>[0]['toolStatus'];
  /** The kind clusters on the engine (Docker labels). */
  listClusters(): Promise<string[]>;
  /** The cluster wing's live status of a cluster: the one watcher every wait uses. */
  statusSource(cluster: string): ClusterStatusSource;
  probes?: VerifyProbes;
  /** Whether the engine followed now runs on this Linux machine (asked per run: the engine may be retargeted). */
  engineIsLocalLinux(): boolean;
  /** Extra preflight findings about this machine (core/host connectivity: docker-mac-net-connect on macOS). */
  hostPreflight?(cluster: string): Promise<Awaited<ReturnType<typeof runPreflight>>>;
  /** The hops from this machine to a cluster (core/host connectivity), checked by the final verification. */
  hostCheck?(cluster: string): Promise<ConnectivityHop[]>;
  timeouts?: { cilium?: number; externalIP?: number };
}

/**
 * Builds labs as runs: renders the plan, journals every step on disk, runs in the
 * background (the window, serve mode and the CLI follow the same run), resumes at the
 * failed step, cancels, and cleans up exactly what a run created.
 */
export class LabRunService {
  readonly runner: PipelineRunner;
  private readonly pending = new Map<string, Promise<RunRecord>>();

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
    const name = rendering.plan.cluster.name;
    const record = this.options.store.create({ kind: 'create', cluster: name, steps: [], facts: { rendering } });
    const steps = this.steps(record, rendering);
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

  /** Runs a failed, cancelled or interrupted run again from the step that stopped it. */
  async resume(id: string): Promise<RunRecord> {
    const record = this.get(id);
    this.refuseWhileActive(record, 'resume');
    if (record.state === 'done' || record.state === 'cleaned')
      throw new KindscopeError(
        'INVALID_INPUT',
        `Run ${id} is ${record.state === 'done' ? 'complete' : 'cleaned up'}`,
        'Nothing to resume.',
      );
    const steps =
      record.kind === 'create'
        ? this.steps(record, renderingOf(record))
        : await this.lifecycleSteps(record.kind, record.cluster, record.facts);
    this.runner.assertSteps(record, steps);
    this.launch(record, steps);
    return record;
  }

  /** Stops a lab's node containers (workers first). */
  stop(cluster: string): Promise<RunRecord> {
    return this.lifecycle('stop', cluster);
  }

  /** Starts a lab's node containers, then proves it works again: nodes Ready, leases re-elected, IPs answering. */
  start(cluster: string): Promise<RunRecord> {
    return this.lifecycle('start', cluster);
  }

  /** What `delete` removes: shown in the confirmation. */
  async deletePlan(cluster: string): Promise<{ containers: string[]; context: string }> {
    const nodes = await nodeContainers(this.options.docker(), cluster);
    if (nodes.length === 0)
      throw new KindscopeError(
        'CLUSTER_NOT_FOUND',
        `No kind cluster named "${cluster}" on this engine`,
        'See `kindscope topology` for the clusters.',
      );
    return { containers: nodes.map((n) => n.name), context: `kind-${cluster}` };
  }

  /** `kind delete cluster`; the kind network stays, as kind leaves it. `confirmed` is the user's explicit yes. */
  async delete(cluster: string, confirmed: boolean): Promise<RunRecord> {
    if (!confirmed)
      throw new KindscopeError(
        'INVALID_INPUT',
        `Deleting ${cluster} needs confirmation`,
        'Confirm in the dialog, or pass --yes.',
      );
    await this.deletePlan(cluster);
    return this.lifecycle('delete', cluster);
  }

  /** The repairs `fix` would make on a cluster stuck at `<pending>`, from its live status. */
  async fixPlan(
    cluster: string,
  ): Promise<{ fixes: FixKind[]; steps: { name: string; title: string; command: string; fix?: FixKind }[] }> {
    const status = await this.options.statusSource(cluster).status();
    const fixes = fixesFor(status);
    const steps = fixSteps(cluster, status, this.lifecycleDeps(cluster), fixes);
    return {
      fixes,
      steps: steps.map(({ name, title, command, fix }) => ({ name, title, command, ...(fix ? { fix } : {}) })),
    };
  }

  /**
   * Runs the repairs the user confirmed (`repairs`; when absent, all that the status needs
   * now), then re-verifies. The planned list is kept in the run: a resume builds the same
   * steps whatever the cluster looks like by then, and a repair made meanwhile is skipped
   * by its step, saying so.
   */
  async fix(cluster: string, confirmed: boolean, repairs?: FixKind[]): Promise<RunRecord> {
    if (!confirmed)
      throw new KindscopeError(
        'INVALID_INPUT',
        `Fixing ${cluster} needs confirmation`,
        'Review the steps (`kindscope fix --cluster NAME`), then confirm, or pass --yes.',
      );
    // fixesFor refuses a cluster whose state is not read yet, or without Cilium, either way.
    const status = await this.options.statusSource(cluster).status();
    const needed = fixesFor(status);
    const planned = repairs ? [...new Set(repairs)] : needed;
    // The chart version `helm upgrade` keeps, as read now: a resume must not fall back to another.
    return this.lifecycle('fix', cluster, {
      repairs: planned,
      ...(status.cilium.version ? { ciliumVersion: status.cilium.version } : {}),
    });
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
    if (!confirmed)
      throw new KindscopeError(
        'INVALID_INPUT',
        `Cleanup of run ${id} needs confirmation`,
        'Confirm in the dialog, or pass --yes.',
      );
    const record = this.get(id);
    this.refuseWhileActive(record, 'clean up');
    record.created = collapse(record.created);
    return this.runner.cleanup(record, this.removers());
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

  private async lifecycle(
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

  private async lifecycleSteps(
    kind: RunRecord['kind'],
    cluster: string,
    facts: Record<string, unknown>,
  ): Promise<StepDefinition[]> {
    const deps = this.lifecycleDeps(cluster);
    if (kind === 'stop') return stopSteps(cluster, deps);
    if (kind === 'start') return startSteps(cluster, deps);
    if (kind === 'delete') return deleteSteps(cluster, deps);
    if (kind === 'fix') {
      const status = await deps.statusSource().status();
      // Refuses a status not fully read (a resume right after a restart): steps are never built from a guess.
      const needed = fixesFor(status);
      // A journal from before the planned list was kept: what the status needs now.
      return fixSteps(
        cluster,
        status,
        deps,
        repairsOf(facts) ?? needed,
        typeof facts.ciliumVersion === 'string' ? facts.ciliumVersion : status.cilium.version,
      );
    }
    throw new KindscopeError('INTERNAL', `No ${kind} pipeline`, 'Report this.');
  }

  /** What every final verification uses (create and the lifecycle runs alike): the live status, the measured probe, the hop checks. */
  private verifyDeps(cluster: string): VerifyStepDeps {
    const { statusSource, probes, hostCheck } = this.options;
    return {
      statusSource: () => statusSource(cluster),
      verify: async (namespace, name) => verifyService(await statusSource(cluster).status(), namespace, name, probes),
      ...(hostCheck ? { hostCheck: () => hostCheck(cluster) } : {}),
    };
  }

  private lifecycleDeps(cluster: string): LifecycleDeps {
    const o = this.options;
    return {
      docker: o.docker(),
      runTool: o.runTool,
      ...this.verifyDeps(cluster),
      environment: async () => (await o.lab.environment(cluster)).env,
      ...(o.timeouts ? { timeouts: o.timeouts } : {}),
    };
  }

  private launch(record: RunRecord, steps: StepDefinition[]): void {
    const running = this.runner.run(record, steps).finally(() => this.pending.delete(record.id));
    this.pending.set(record.id, running);
    running.catch((error: unknown) => this.options.log.error(`Run ${record.id} stopped`, error));
  }

  private steps(record: RunRecord, rendering: LabRendering): StepDefinition[] {
    const cluster = rendering.plan.cluster.name;
    const o = this.options;
    return createPipeline(rendering, record.dir, {
      runTool: o.runTool,
      preflight: async () => {
        const clusters = await o.listClusters();
        // On resume the cluster is this run's own: it is not "taken".
        const own = record.created.some((r) => r.kind === 'kind-cluster' && r.name === cluster);
        const checks = await runPreflight({
          cluster,
          kubernetesVersion: kubernetesVersionOf(rendering),
          ...(await readEngineFacts(o.docker())),
          existingClusters: own ? clusters.filter((c) => c !== cluster) : clusters,
          toolStatus: o.toolStatus,
          engineIsLocalLinux: o.engineIsLocalLinux(),
        });
        return [...checks, ...((await o.hostPreflight?.(cluster).catch(() => [])) ?? [])];
      },
      ...this.verifyDeps(cluster),
      nodeAddresses: () => nodeAddresses(o.docker(), cluster),
      ...(o.timeouts ? { timeouts: o.timeouts } : {}),
    });
  }

  private removers(): Partial<Record<CreatedResource['kind'], Remover>> {
    const run = this.options.runTool;
    return {
      'kind-cluster': async (resource, log, signal) => {
        await run('kind', ['delete', 'cluster', '--name', resource.name], { signal, onLine: log });
      },
      'kubeconfig-context': async (resource, log, signal) => {
        // kind delete removes its context; one left behind (a failed create) goes here.
        const contexts = await run('kubectl', ['config', 'get-contexts', '--output', 'name'], { signal });
        if (contexts.stdout.split('\n').includes(resource.name))
          await run('kubectl', ['config', 'delete-context', resource.name], { signal, onLine: log });
      },
      'helm-release': async (resource, log, signal) => {
        const [namespace, release] = resource.name.split('/');
        await run('helm', ['uninstall', release!, '--namespace', namespace!, '--kube-context', resource.detail!], {
          signal,
          onLine: log,
        });
      },
      manifest: async (resource, log, signal) => {
        const [kind, ...rest] = resource.name.split('/');
        const name = rest.pop()!;
        await run(
          'kubectl',
          [
            '--context',
            resource.detail!,
            'delete',
            kind!,
            name,
            ...(rest[0] ? ['--namespace', rest[0]] : []),
            '--ignore-not-found',
          ],
          { signal, onLine: log },
        );
      },
    };
  }
}

/** With the cluster itself to remove, what lived inside it goes with it. */
function collapse(created: CreatedResource[]): CreatedResource[] {
  const clusters = new Set(created.filter((r) => r.kind === 'kind-cluster').map((r) => `kind-${r.name}`));
  return created.filter(
    (r) => !((r.kind === 'manifest' || r.kind === 'helm-release') && r.detail && clusters.has(r.detail)),
  );
}

function renderingOf(record: RunRecord): LabRendering {
  const rendering = record.facts.rendering as LabRendering | undefined;
  if (!rendering?.plan)
    throw new KindscopeError('INTERNAL', `Run ${record.id} has no plan in its journal`, 'Start a new run.');
  return rendering;
}

function kubernetesVersionOf(rendering: LabRendering): string {
  return /:v(\d+\.\d+\.\d+)/.exec(rendering.plan.cluster.nodeImage)?.[1] ?? '0.0.0';
}

async function nodeAddresses(docker: Docker, cluster: string): Promise<{ name: string; ipv4?: string }[]> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`io.x-k8s.kind.cluster=${cluster}`] },
  });
  return containers.map((c) => {
    const ipv4 = Object.values(c.NetworkSettings?.Networks ?? {}).find((n) => n.IPAddress)?.IPAddress;
    return { name: c.Names[0]?.replace(/^\//, '') ?? c.Id, ...(ipv4 ? { ipv4 } : {}) };
  });
}

/** The repairs a fix run was confirmed for (kept in its facts). */
function repairsOf(facts: Record<string, unknown>): FixKind[] | undefined {
  const parsed = FixKind.array().safeParse(facts.repairs);
  return parsed.success ? parsed.data : undefined;
}
