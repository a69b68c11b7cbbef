import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { KindscopeError, RunRecord, type RunStep } from '../../../contract';

export interface NewRun {
  kind: RunRecord['kind'];
  cluster: string;
  steps: { name: string; title: string; command: string }[];
  facts?: Record<string, unknown>;
}

/**
 * Runs as journals on disk: `<dataDir>/runs/<id>/journal.json` plus one log per step.
 * Every state change is written at once (write to a temporary file, then rename), so a
 * crash or a restart of Kindscope loses nothing: the run can be resumed or cleaned up.
 */
export class RunStore {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'runs');
  }

  create(run: NewRun, now = new Date()): RunRecord {
    const id = `${now
      .toISOString()
      .slice(0, 19)
      .replace(/[-:T]/g, '')
      .replace(/^(\d{8})/, '$1-')}-${run.kind}-${randomBytes(3).toString('hex')}`;
    const dir = join(this.root, id);
    mkdirSync(join(dir, 'logs'), { recursive: true });
    const record: RunRecord = {
      id,
      kind: run.kind,
      cluster: run.cluster,
      state: 'running',
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      steps: run.steps.map((step): RunStep => ({
        ...step,
        state: 'pending',
        logPath: join(dir, 'logs', `${step.name}.log`),
        attempts: 0,
      })),
      created: [],
      facts: run.facts ?? {},
      dir,
    };
    this.save(record);
    return record;
  }

  save(record: RunRecord): void {
    record.updatedAt = new Date().toISOString();
    const file = join(record.dir, 'journal.json');
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, file);
  }

  /**
   * A run by id. A run left `running` whose owner process is gone (Kindscope stopped or
   * crashed) is marked interrupted; one another live process runs stays `running`.
   */
  load(id: string, activeIds: ReadonlySet<string> = new Set()): RunRecord {
    if (!/^[a-z0-9-]+$/.test(id))
      throw new KindscopeError(
        'INVALID_INPUT',
        `id: "${id}" is not a run id`,
        'Run ids look like 20261201-083000-create-a1b2c3: see `kindscope runs`.',
      );
    const file = join(this.root, id, 'journal.json');
    if (!existsSync(file))
      throw new KindscopeError(
        'INVALID_INPUT',
        `id: there is no run ${id}`,
        'See `kindscope runs` for the runs on this machine.',
      );
    const parsed = RunRecord.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success)
      throw new KindscopeError(
        'INTERNAL',
        `The journal of run ${id} is damaged (${parsed.error.issues[0]?.message})`,
        `Its logs are still in ${join(this.root, id, 'logs')}.`,
      );
    const record = parsed.data;
    if (record.state === 'running' && !activeIds.has(id) && !ownerAlive(record)) markInterrupted(record);
    return record;
  }

  /** Every run, newest first. Damaged journals are left out (their folders stay). */
  list(activeIds: ReadonlySet<string> = new Set()): RunRecord[] {
    if (!existsSync(this.root)) return [];
    const runs: RunRecord[] = [];
    for (const id of readdirSync(this.root).sort().reverse()) {
      try {
        runs.push(this.load(id, activeIds));
      } catch {
        // Not a run folder, or damaged: listing goes on.
      }
    }
    return runs;
  }

  appendLog(step: RunStep, line: string): void {
    appendFileSync(step.logPath, `${line}\n`, { mode: 0o600 });
  }

  readLog(step: RunStep, maxBytes = 256 * 1024): string {
    if (!existsSync(step.logPath)) return '';
    const text = readFileSync(step.logPath, 'utf8');
    return text.length > maxBytes ? text.slice(-maxBytes) : text;
  }
}

/** Whether another live process owns the run (signal 0 checks existence only). */
function ownerAlive(record: RunRecord): boolean {
  const pid = record.owner?.pid;
  if (!pid || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function markInterrupted(record: RunRecord): void {
  record.state = 'failed';
  for (const step of record.steps) {
    if (step.state !== 'running') continue;
    step.state = 'failed';
    step.error = {
      code: 'CANCELLED',
      message: 'Interrupted: Kindscope stopped while this step ran',
      hint: 'Resume the run to retry this step, or clean it up.',
    };
  }
}
