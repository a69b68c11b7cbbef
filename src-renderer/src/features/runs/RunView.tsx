import { useEffect, useState } from 'react';
import type { AppError, RunRecord, RunStep, StepState } from '@contract';
import { ErrorNotice } from '../../components/ErrorNotice';
import { RichText } from '../../components/RichText';
import { LogView } from './LogView';
import { RunActions } from './RunActions';
import { RunResult } from './RunResult';
import { NodeAddresses } from './NodeAddresses';
import { useNow, useRun, useStepLog } from './use-run';
import { elapsed, poolOf, untestedPairingOf } from './verification';
import './runs.css';

const stateLabels: Record<StepState, string> = {
  pending: 'waiting',
  running: 'running',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
  skipped: 'skipped',
};
const runTitles: Record<RunRecord['kind'], string> = {
  create: 'Building',
  fix: 'Fixing',
  start: 'Starting',
  stop: 'Stopping',
  delete: 'Deleting',
  upgrade: 'Upgrading',
  rollback: 'Rolling back',
  rebuild: 'Rebuilding',
};

function StepIcon({ state }: { state: StepState }) {
  const glyph = { pending: '', running: '', done: '✓', failed: '✕', cancelled: '–', skipped: '↷' }[state];
  return (
    <span className={`step-icon step-icon-${state}`} aria-hidden="true">
      {glyph}
    </span>
  );
}

function stepTime(step: RunStep, now: number): string {
  if (step.state === 'running' && step.startedAt) return elapsed(Math.max(0, now - Date.parse(step.startedAt)));
  return step.ms !== undefined ? elapsed(step.ms) : '';
}

/** Done steps, plus the running step's own fraction where it can tell. */
function overallProgress(run: RunRecord): number {
  const finished = run.steps.filter((s) => s.state === 'done' || s.state === 'skipped').length;
  const running = run.steps.find((s) => s.state === 'running');
  return run.steps.length ? (finished + (running?.progress ?? 0)) / run.steps.length : 0;
}

/** The step to show first: the running one, else the one that failed, else the last that ran. */
function focusStep(run: RunRecord): string | undefined {
  return (
    run.steps.find((s) => s.state === 'running') ??
    run.steps.find((s) => s.state === 'failed' || s.state === 'cancelled') ??
    [...run.steps].reverse().find((s) => s.state !== 'pending') ??
    run.steps[0]
  )?.name;
}

/** A run as its journal has it: nothing on this page is invented, it renders `lab:run` and its pushed changes. */
export function RunView({ id }: { id: string }) {
  const { run, error } = useRun(id);
  if (error) return <ErrorNotice error={error} title="This run could not be read" />;
  if (!run) return <p className="muted">Reading the run's journal…</p>;
  return <RunJournal run={run} />;
}

function RunJournal({ run }: { run: RunRecord }) {
  const [chosen, setChosen] = useState<string>();
  const [actionError, setActionError] = useState<AppError>();
  const now = useNow(run.state === 'running');
  // Follow the pipeline until the user picks a step themselves.
  const selectedName = chosen ?? focusStep(run);
  const selected = run.steps.find((s) => s.name === selectedName);
  const progress = overallProgress(run);
  useEffect(() => setActionError(undefined), [run.state]);
  return (
    <div className="run-view">
      <header className="page-header page-header-row">
        <div>
          <h1>
            {runTitles[run.kind]} <code>{run.cluster}</code>
          </h1>
          <p className="muted">
            Run <code>{run.id}</code> · started {new Date(run.createdAt).toLocaleString()} · the run goes on in
            Kindscope's main process: closing this page does not stop it.
          </p>
          {run.kind === 'create' && <PoolLine run={run} />}
          {run.kind === 'create' && <UntestedLine run={run} />}
        </div>
        <span className="spacer" />
        <span className={`run-state run-state-${run.state}`} role="status" aria-label="Run state">
          {run.state === 'running'
            ? 'Running'
            : run.state === 'done'
              ? 'Done'
              : run.state === 'failed'
                ? 'Failed'
                : run.state === 'cancelled'
                  ? 'Cancelled'
                  : 'Cleaned up'}
        </span>
      </header>
      <div className="run-progress">
        <div
          className="run-progress-bar"
          role="progressbar"
          aria-label="Overall progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(progress * 100)}
        >
          <span className={`run-progress-fill run-progress-${run.state}`} style={{ width: `${progress * 100}%` }} />
        </div>
        <span className="muted small">
          {run.steps.filter((s) => s.state === 'done' || s.state === 'skipped').length} of {run.steps.length} steps
        </span>
        <RunActions run={run} onError={setActionError} />
      </div>
      {actionError && <ErrorNotice error={actionError} onDismiss={() => setActionError(undefined)} />}
      <NodeAddresses run={run} />
      <RunResult run={run} />
      <div className="run-body">
        <ol className="run-steps" aria-label="Steps">
          {run.steps.map((step) => (
            <li key={step.name}>
              <button
                type="button"
                className="run-step"
                aria-pressed={step.name === selectedName}
                aria-label={`${step.title}, ${stateLabels[step.state]}${stepTime(step, now) ? `, ${stepTime(step, now)}` : ''}`}
                onClick={() => setChosen(step.name)}
              >
                <StepIcon state={step.state} />
                <span className="run-step-text">
                  <span className="run-step-title">{step.title}</span>
                  {step.detail && step.state === 'running' && <span className="run-step-detail">{step.detail}</span>}
                </span>
                <span className="run-step-time">{stepTime(step, now)}</span>
              </button>
            </li>
          ))}
        </ol>
        {selected && <StepPanel run={run} step={selected} now={now} />}
      </div>
    </div>
  );
}

function StepPanel({ run, step, now }: { run: RunRecord; step: RunStep; now: number }) {
  const { lines, error } = useStepLog(run.id, step);
  return (
    <section className="run-step-panel" aria-label={`Step ${step.title}`}>
      <header className="run-step-panel-header">
        <StepIcon state={step.state} />
        <h2>{step.title}</h2>
        <span className="muted small">
          {stateLabels[step.state]}
          {stepTime(step, now) ? ` · ${stepTime(step, now)}` : ''}
          {step.attempts > 1 ? ` · attempt ${step.attempts}` : ''}
        </span>
      </header>
      <p className="run-command" aria-label="Command">
        <span className="run-command-prompt" aria-hidden="true">
          $
        </span>
        <code>{step.command}</code>
      </p>
      {step.detail && (
        <p className="run-detail" aria-label="Waiting for">
          <RichText text={step.detail} />
        </p>
      )}
      {step.error && (
        <ErrorNotice
          error={step.error}
          title={`${step.title} ${step.state === 'cancelled' ? 'was cancelled' : 'failed'}`}
        />
      )}
      {error && <ErrorNotice error={error} title="The step's log could not be read" />}
      <LogView lines={lines} label={`Log of ${step.title}`} />
      <p className="muted small">
        Log on disk: <code>{step.logPath}</code>
      </p>
    </section>
  );
}

/** An untested pairing this run was built on, acknowledged in the plan: said where the run is read. */
function UntestedLine({ run }: { run: RunRecord }) {
  const untested = untestedPairingOf(run);
  if (!untested) return null;
  return (
    <p className="muted" role="note" aria-label="Untested pairing">
      Untested pairing, acknowledged: Kubernetes {untested.kubernetes} with Cilium {untested.cilium} is not in Cilium's
      e2e-tested list{untested.reason ? ` — ${untested.reason}` : ''}.
    </p>
  );
}

/** The pool this run uses: carved from the kind network during the run (a fresh engine), or resolved by the plan. */
function PoolLine({ run }: { run: RunRecord }) {
  const pool = poolOf(run);
  return (
    <p className="muted" role="status" aria-label="LoadBalancer pool">
      LoadBalancer pool:{' '}
      {pool ? (
        <>
          <code>{pool.cidr}</code>
          {pool.source === 'carved at run'
            ? ' (carved from the kind network during this run)'
            : pool.source === 'checked at run'
              ? ' (checked against the kind network during this run)'
              : ' (resolved by the plan)'}
        </>
      ) : (
        'carved from the kind network once kind has created it'
      )}
    </p>
  );
}
