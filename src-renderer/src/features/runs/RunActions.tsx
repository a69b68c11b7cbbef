import { useState } from 'react';
import type { AppError, CreatedResource, RunRecord } from '@contract';
import { useAppContext } from '../../app-context';
import { ConfirmDialog } from './ConfirmDialog';

const resourceWords: Record<CreatedResource['kind'], string> = {
  'kind-cluster': 'kind cluster (its node containers)',
  'kubeconfig-context': 'kubeconfig context',
  'helm-release': 'Helm release',
  manifest: 'object',
  container: 'container',
  file: 'file',
};

/** Cancel (while running), Resume (from the step that stopped it) and Clean up (what this run created). */
export function RunActions({ run, onError }: { run: RunRecord; onError: (error: AppError) => void }) {
  const { client } = useAppContext();
  const [dialog, setDialog] = useState<'cancel' | 'cleanup'>();
  const [removal, setRemoval] = useState<CreatedResource[]>();
  const [busy, setBusy] = useState(false);
  const act = async (work: () => Promise<{ ok: true } | { ok: false; error: AppError }>) => {
    setBusy(true);
    const result = await work();
    setBusy(false);
    setDialog(undefined);
    if (!result.ok) onError(result.error);
  };
  const canResume = run.state === 'failed' || run.state === 'cancelled';
  const canCleanup =
    run.kind === 'create' && run.state !== 'running' && run.state !== 'cleaned' && run.created.length > 0;
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
          onClick={() => void act(() => client.invoke('lab:resume', { id: run.id }))}
        >
          Resume from “
          {run.steps.find((s) => s.state === 'failed' || s.state === 'cancelled')?.title ?? 'the stopped step'}”
        </button>
      )}
      {canCleanup && (
        <button
          type="button"
          className="button"
          onClick={() => {
            void client.invoke('lab:cleanup-plan', { id: run.id }).then((result) => {
              if (!result.ok) return onError(result.error);
              setRemoval(result.value.remove);
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
          onConfirm={() => void act(() => client.invoke('lab:cancel', { id: run.id }))}
        >
          <p>
            The current step (<strong>{run.steps.find((s) => s.state === 'running')?.title ?? '—'}</strong>) is stopped
            and its processes ended. What was created so far stays until you clean up; you can also resume from this
            step later.
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
          onConfirm={() => void act(() => client.invoke('lab:cleanup', { id: run.id, confirm: true }))}
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
