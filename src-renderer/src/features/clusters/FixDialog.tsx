import { useState } from 'react';
import type { FixKind } from '@contract';
import { ConfirmDialog } from '../runs/ConfirmDialog';
import type { FixPlan } from './use-cluster-list';

/**
 * The repairs `fix` would make, each shown with its exact command and confirmed on its own
 * (all ticked to begin with); the waits and the verification after them always run.
 */
export function FixDialog({
  cluster,
  plan,
  busy,
  onCancel,
  onConfirm,
}: {
  cluster: string;
  plan: FixPlan;
  busy: boolean;
  onCancel(): void;
  onConfirm(repairs: FixKind[]): void;
}) {
  const [chosen, setChosen] = useState<FixKind[]>(plan.fixes);
  const toggle = (fix: FixKind, on: boolean) =>
    setChosen((now) => (on ? plan.fixes.filter((f) => f === fix || now.includes(f)) : now.filter((f) => f !== fix)));
  const label =
    chosen.length === plan.fixes.length
      ? 'Run these steps'
      : chosen.length === 0
        ? 'Only re-verify'
        : `Run ${chosen.length} of ${plan.fixes.length} repairs`;
  return (
    <ConfirmDialog
      title={`Fix ${cluster}?`}
      confirmLabel={label}
      keepLabel="Not now"
      busy={busy}
      onCancel={onCancel}
      onConfirm={() => onConfirm(chosen)}
    >
      <p>
        Kindscope runs the repairs you tick on the cluster, then proves each LoadBalancer IP answers from this machine:
      </p>
      <ol className="removal-list" aria-label="Fix steps">
        {plan.steps.map((s) => (
          <li key={s.name}>
            {s.fix ? (
              <label className="fix-choice">
                <input
                  type="checkbox"
                  checked={chosen.includes(s.fix)}
                  onChange={(event) => toggle(s.fix!, event.target.checked)}
                />{' '}
                <strong>{s.title}</strong>
              </label>
            ) : (
              <strong>{s.title}</strong>
            )}
            <br />
            <code className="small">{s.command}</code>
          </li>
        ))}
      </ol>
      {chosen.length < plan.fixes.length && (
        <p className="muted">
          A repair left unticked is not made; the run then stops at the wait, naming what is still missing.
        </p>
      )}
    </ConfirmDialog>
  );
}
