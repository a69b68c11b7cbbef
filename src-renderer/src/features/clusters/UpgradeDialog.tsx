import { useEffect, useState } from 'react';
import type { UpgradeItem } from '@contract';
import { useAction } from '../../data/hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ConfirmDialog } from '../runs/ConfirmDialog';

const outcomeWords: Record<UpgradeItem['outcome'], string> = {
  kept: 'kept',
  renamed: 'renamed',
  dropped: 'dropped',
  blocking: 'blocks the upgrade',
  rewrite: 'rewritten by the run',
  warning: 'warning',
  ok: 'ok',
};

/**
 * "Upgrade Cilium": choose a release, read the preflight (from the live cluster and the
 * target chart's data), confirm each item on its own — as the Fix dialog has each repair
 * ticked — then the run starts. A blocking item keeps the button off: nothing changes.
 */
export function UpgradeDialog({
  cluster,
  busy,
  onCancel,
  onConfirm,
}: {
  cluster: string;
  busy: boolean;
  onCancel(): void;
  onConfirm(cilium: string, confirmed: string[]): void;
}) {
  const targets = useAction('lab:upgrade-targets');
  const plan = useAction('lab:upgrade-plan');
  const [target, setTarget] = useState<string>();
  const [confirmed, setConfirmed] = useState<string[]>([]);
  const readTargets = targets.run;
  const readPlan = plan.run;
  useEffect(() => void readTargets({ cluster }), [cluster, readTargets]);
  useEffect(() => {
    if (!target) return;
    setConfirmed([]);
    void readPlan({ cluster, cilium: target });
  }, [cluster, target, readPlan]);
  const preflight = target && plan.value?.to === target.replace(/^v/, '') ? plan.value : undefined;
  const toConfirm = preflight?.items.filter((i) => i.needsConfirmation) ?? [];
  const kept = preflight?.items.filter((i) => i.outcome === 'kept') ?? [];
  const allConfirmed = toConfirm.every((i) => confirmed.includes(i.id));
  return (
    <ConfirmDialog
      title={`Upgrade Cilium on ${cluster}`}
      confirmLabel={preflight?.blocked ? 'Blocked' : `Upgrade to ${target ?? '…'}`}
      keepLabel="Not now"
      busy={busy || plan.busy}
      disabled={!preflight || preflight.blocked || !allConfirmed}
      onCancel={onCancel}
      onConfirm={() => preflight && onConfirm(preflight.to, confirmed)}
    >
      {targets.error && <ErrorNotice error={targets.error} />}
      {targets.value && (
        <label>
          Cilium {targets.value.from} →{' '}
          <select aria-label="Target release" value={target ?? ''} onChange={(e) => setTarget(e.target.value)}>
            <option value="" disabled>
              choose a release
            </option>
            {targets.value.targets.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
      )}
      {targets.value?.targets.length === 0 && <p className="muted">No newer release Kindscope knows.</p>}
      {plan.busy && <p className="muted">Reading the cluster and the chart of {target}…</p>}
      {plan.error && !plan.busy && <ErrorNotice error={plan.error} />}
      {preflight && (
        <>
          <p>
            Preflight {preflight.from} → {preflight.to}
            {preflight.kubernetes ? ` on Kubernetes ${preflight.kubernetes}` : ''}: tick each item to confirm it.
          </p>
          <ol className="removal-list" aria-label="Preflight items">
            {preflight.items
              .filter((i) => i.outcome !== 'kept')
              .map((item) => (
                <li key={item.id}>
                  {item.needsConfirmation ? (
                    <label className="fix-choice">
                      <input
                        type="checkbox"
                        checked={confirmed.includes(item.id)}
                        onChange={(e) =>
                          setConfirmed((now) =>
                            e.target.checked ? [...now, item.id] : now.filter((id) => id !== item.id),
                          )
                        }
                      />{' '}
                      <strong>{item.title}</strong>
                    </label>
                  ) : (
                    <strong className={item.outcome === 'blocking' ? 'cell-bad' : undefined}>{item.title}</strong>
                  )}{' '}
                  <span className="muted">({outcomeWords[item.outcome]})</span>
                  <br />
                  <span className="small">{item.detail}</span>
                  {item.fix && (
                    <>
                      <br />
                      <span className="small">Fix: {item.fix}</span>
                    </>
                  )}
                  {item.cites.length > 0 && <span className="muted small"> — {item.cites.join('; ')}</span>}
                </li>
              ))}
          </ol>
          <p className="muted small">
            {kept.length} value{kept.length === 1 ? '' : 's'} kept as they are. The run:{' '}
            {preflight.steps.map((s) => s.title).join(' → ')}.
          </p>
          {preflight.blocked && <p className="cell-bad">Blocked: fix the items above first. Nothing was changed.</p>}
        </>
      )}
    </ConfirmDialog>
  );
}
