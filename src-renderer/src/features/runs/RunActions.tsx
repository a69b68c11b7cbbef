import { useState } from 'react';
import type { AppError, CreatedResource, Result, RunRecord } from '@contract';
import { useAction } from '../../data/hooks';
import { ConfirmDialog } from './ConfirmDialog';
import { runHash } from './run-route';

const resourceWords: Record<CreatedResource['kind'], string> = {
  'kind-cluster': 'kind cluster (its node containers)',
  'kubeconfig-context': 'kubeconfig context',
  'helm-release': 'Helm release',
  manifest: 'object',
  container: 'container',
  'docker-network': 'Docker network',
  file: 'file',
};

/** Cancel (while running), Resume (from the step that stopped it) and Clean up (what this run created). */
export function RunActions({ run, onError }: { run: RunRecord; onError: (error: AppError) => void }) {
  const [dialog, setDialog] = useState<'cancel' | 'cleanup' | 'rollback'>();
  const rollback = useAction('lab:rollback');
  const resume = useAction('lab:resume');
  const cancel = useAction('lab:cancel');
  const cleanupPlan = useAction('lab:cleanup-plan');
  const cleanup = useAction('lab:cleanup');
  const busy = resume.busy || cancel.busy || cleanup.busy || rollback.busy;
  const removal: CreatedResource[] | undefined = cleanupPlan.value?.remove;
  const act = async (work: Promise<Result<unknown>>) => {
    const result = await work;
    setDialog(undefined);
    if (!result.ok) onError(result.error);
  };
  const canResume = run.state === 'failed' || run.state === 'cancelled';
  const canCleanup =
    (run.kind === 'create' || run.kind === 'rebuild') &&
    run.state !== 'running' &&
    run.state !== 'cleaned' &&
    run.created.length > 0;
  return (
    <div className="run-actions">
      {run.state === 'running' && (
        <button type="button" className="button button-danger-outline" onClick={() => setDialog('cancel')}>
          Cancel run
        </button>
      )}
      {canResume && (
        <button
          type="button"
          className="button button-primary"
          disabled={busy}
          onClick={() => void act(resume.run({ id: run.id }))}
        >
          Resume from “
          {run.steps.find((s) => s.state === 'failed' || s.state === 'cancelled')?.title ?? 'the stopped step'}”
        </button>
      )}
      {run.kind === 'upgrade' && run.state !== 'running' && (
        <button type="button" className="button" onClick={() => setDialog('rollback')}>
          Roll back
        </button>
      )}
      {canCleanup && (
        <button
          type="button"
          className="button"
          onClick={() => {
            void cleanupPlan.run({ id: run.id }).then((result) => {
              if (!result.ok) return onError(result.error);
              setDialog('cleanup');
            });
          }}
        >
          Clean up…
        </button>
      )}
      {dialog === 'cancel' && (
        <ConfirmDialog
          title="Cancel this run?"
          confirmLabel="Cancel run"
          keepLabel="Keep running"
          danger
          busy={busy}
          onCancel={() => setDialog(undefined)}
          onConfirm={() => void act(cancel.run({ id: run.id }))}
        >
          <p>
            The current step (<strong>{run.steps.find((s) => s.state === 'running')?.title ?? '—'}</strong>) is stopped
            and its processes ended. What was created so far stays until you clean up; you can also resume from this
            step later.
          </p>
        </ConfirmDialog>
      )}
      {dialog === 'rollback' && (
        <ConfirmDialog
          title={`Roll ${run.cluster} back?`}
          confirmLabel="Roll back"
          danger
          busy={busy}
          onCancel={() => setDialog(undefined)}
          onConfirm={() =>
            void rollback.run({ cluster: run.cluster, confirm: true }).then((result) => {
              setDialog(undefined);
              if (!result.ok) return onError(result.error);
              window.location.hash = runHash(result.value.id, result.value.kind);
            })
          }
        >
          <p>
            <code>helm rollback</code> returns the Cilium release to the revision it had before this upgrade, and the
            Cilium objects saved in this run's backup are restored; then every LoadBalancer IP is measured again. A run
            of its own.
          </p>
        </ConfirmDialog>
      )}
      {dialog === 'cleanup' && removal && (
        <ConfirmDialog
          title="Clean up this run?"
          confirmLabel="Remove these"
          danger
          busy={busy}
          onCancel={() => setDialog(undefined)}
          onConfirm={() => void act(cleanup.run({ id: run.id, confirm: true }))}
        >
          {removal.length === 0 ? (
            <p>This run created nothing that is still there.</p>
          ) : (
            <>
              <p>Exactly these, made by this run, are removed (the kind network stays, as kind leaves it):</p>
              <ul className="removal-list" aria-label="Will be removed">
                {removal.map((item) => (
                  <li key={`${item.kind}-${item.name}`}>
                    <span className="muted">{resourceWords[item.kind]}</span> <code>{item.name}</code>
                    {item.detail ? <span className="muted"> ({item.detail})</span> : null}
                  </li>
                ))}
              </ul>
            </>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}
