import { KindscopeError, toAppError, type CreatedResource, type RunRecord, type RunStep } from '../../../contract';
import type { Logger } from '../../util/logger';
import { removeCreated, type Removers } from './cleanup';
import type { RunStore } from './run-store';

/** What a running step may do: log, report progress, record what it makes, share facts. */
export interface StepContext {
  signal: AbortSignal;
  /** One line into the step's log on disk (and the run view). */
  log(line: string): void;
  /**
   * Records what the step is about to make, before it makes it: a cancel halfway through
   * `kind create cluster` still leaves a record for cleanup, which tolerates absence.
   */
  created(resource: CreatedResource): void;
  /** 0–1, and what the step is waiting for now. */
  progress(fraction: number | undefined, detail?: string): void;
  /** Shared with later steps and kept in the journal (external IP, lease holder, …). */
  facts: Record<string, unknown>;
}

export interface StepDefinition {
  name: string;
  title: string;
  /** The exact command or API call, shown before the step runs. */
  command: string;
  run(context: StepContext): Promise<void>;
}

export interface RunLogLine {
  run: string;
  step: string;
  line: string;
}

/**
 * Runs a journal's steps in order. Completed steps are skipped, not rerun, so a failed or
 * interrupted run resumes at the step that stopped it. Cancel ends the step's process tree
 * (steps pass `signal` to the tool runner). Every transition is written to the journal
 * before listeners hear of it.
 */
export class PipelineRunner {
  private readonly running = new Map<string, AbortController>();
  private readonly cleaning = new Set<string>();
  private readonly listeners = new Set<(run: RunRecord) => void>();
  private readonly logListeners = new Set<(line: RunLogLine) => void>();

  constructor(private readonly options: { store: RunStore; log: Logger }) {}

  /** Ids of the runs this process is running now. */
  activeIds(): ReadonlySet<string> {
    return new Set(this.running.keys());
  }

  onDidChange(listener: (run: RunRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Each log line as it is written (high-frequency: kept out of the run record's events). */
  onDidLog(listener: (line: RunLogLine) => void): () => void {
    this.logListeners.add(listener);
    return () => this.logListeners.delete(listener);
  }

  /** Runs every step that is not done yet; resolves with the final journal (never rejects for a failed step). */
  /** Every definition has its step in the journal (a resume of a journal from another version may not). */
  assertSteps(record: RunRecord, steps: readonly StepDefinition[]): void {
    const unknown = steps.find((definition) => !record.steps.some((s) => s.name === definition.name));
    if (unknown)
      throw new KindscopeError(
        'INVALID_INPUT',
        `Run ${record.id} has no step "${unknown.name}" (its steps: ${record.steps.map((s) => s.name).join(', ')})`,
        'The journal is from another Kindscope version, or the cluster changed since: start a new run.',
      );
  }

  async run(record: RunRecord, steps: readonly StepDefinition[]): Promise<RunRecord> {
    if (this.running.has(record.id))
      throw new KindscopeError(
        'INVALID_INPUT',
        `Run ${record.id} is already running`,
        'Wait for it, or cancel it first.',
      );
    if (record.state === 'cleaned')
      throw new KindscopeError('INVALID_INPUT', `Run ${record.id} was cleaned up`, 'Start a new run.');
    // Before the run is marked running: a journal whose steps these definitions do not match stays as it was.
    this.assertSteps(record, steps);
    const controller = new AbortController();
    this.running.set(record.id, controller);
    record.state = 'running';
    record.owner = { pid: process.pid, startedAt: new Date().toISOString() };
    this.changed(record);
    try {
      for (const definition of steps) {
        const step = record.steps.find((s) => s.name === definition.name)!;
        if (step.state === 'done' || step.state === 'skipped') continue;
        const outcome = await this.runStep(record, step, definition, controller.signal);
        if (outcome !== 'done') {
          record.state = outcome;
          for (const later of record.steps) if (later.state === 'running') later.state = 'pending';
          this.changed(record);
          return record;
        }
      }
      record.state = 'done';
      this.changed(record);
      return record;
    } finally {
      this.running.delete(record.id);
    }
  }

  /** Cancels a running run: its current step's processes are ended. */
  cancel(id: string): boolean {
    const controller = this.running.get(id);
    controller?.abort(new KindscopeError('CANCELLED', 'Cancelled by the user', 'Resume the run, or clean it up.'));
    return Boolean(controller);
  }

  /**
   * Removes what the run recorded as created, newest first, and nothing else (cleanup.ts).
   * The caller has the user's confirmation. One cleanup at a time, never while it runs.
   */
  async cleanup(record: RunRecord, removers: Removers): Promise<RunRecord> {
    if (this.running.has(record.id) || this.cleaning.has(record.id))
      throw new KindscopeError(
        'INVALID_INPUT',
        `Run ${record.id} is ${this.cleaning.has(record.id) ? 'being cleaned up' : 'still running'}`,
        'Cancel it first, then clean up.',
      );
    this.cleaning.add(record.id);
    try {
      await removeCreated(record, removers, this.options.store);
      this.changed(record);
      return record;
    } finally {
      this.cleaning.delete(record.id);
    }
  }

  private async runStep(
    record: RunRecord,
    step: RunStep,
    definition: StepDefinition,
    signal: AbortSignal,
  ): Promise<'done' | 'failed' | 'cancelled'> {
    const store = this.options.store;
    const started = performance.now();
    Object.assign(step, {
      state: 'running',
      command: definition.command,
      startedAt: new Date().toISOString(),
      attempts: step.attempts + 1,
    });
    delete step.error;
    delete step.endedAt;
    delete step.progress;
    delete step.detail;
    const log = (line: string) => {
      store.appendLog(step, line);
      for (const listener of this.logListeners) {
        try {
          listener({ run: record.id, step: step.name, line });
        } catch {
          // A failing follower must not stop the run; the log on disk has the line.
        }
      }
    };
    log(`$ ${definition.command}`);
    this.changed(record);
    const context: StepContext = {
      signal,
      facts: record.facts,
      log,
      created: (resource) => {
        if (
          !record.created.some(
            (r) => r.kind === resource.kind && r.name === resource.name && r.detail === resource.detail,
          )
        )
          record.created.push(resource);
        this.changed(record);
      },
      progress: (fraction, detail) => {
        if (fraction === undefined) delete step.progress;
        else step.progress = Math.min(1, Math.max(0, fraction));
        if (detail === undefined) delete step.detail;
        else step.detail = detail;
        this.changed(record);
      },
    };
    try {
      await definition.run(context);
      if (signal.aborted) throw signal.reason;
      step.state = 'done';
    } catch (error) {
      const cancelled = signal.aborted;
      step.state = cancelled ? 'cancelled' : 'failed';
      step.error = cancelled
        ? { code: 'CANCELLED', message: 'Cancelled by the user', hint: 'Resume the run, or clean it up.' }
        : toAppError(error);
      log(
        `${cancelled ? 'cancelled' : 'failed'}: ${step.error.message}${step.error.hint ? `\nhint: ${step.error.hint}` : ''}`,
      );
      if (!cancelled) this.options.log.warn(`Run ${record.id}: step ${step.name} failed: ${step.error.message}`);
    }
    step.endedAt = new Date().toISOString();
    step.ms = Math.round(performance.now() - started);
    this.changed(record);
    return step.state === 'done' ? 'done' : step.state === 'cancelled' ? 'cancelled' : 'failed';
  }

  private changed(record: RunRecord): void {
    this.options.store.save(record);
    for (const listener of this.listeners) {
      try {
        listener(record);
      } catch (error) {
        // A failing listener (a closed window, a broken client) must not stop the run.
        this.options.log.warn(`A run listener failed: ${(error as Error).message}`);
      }
    }
  }
}
