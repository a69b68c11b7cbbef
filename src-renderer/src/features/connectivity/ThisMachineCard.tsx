import { useEffect, useState } from 'react';
import type { ConnectivityFixResult, ConnectivityReport } from '@contract';
import { useAppStore } from '../../app-context';
import { useAction, useQuery } from '../../data/hooks';
import { StatusPill } from '../../components/StatusPill';
import { ConfirmDialog } from '../runs/ConfirmDialog';

/**
 * "This machine": whether this computer reaches the cluster's node and LoadBalancer IPs, hop
 * by hop, and the one-click fix (docker-mac-net-connect on macOS) behind a consent dialog that
 * shows the exact commands before anything runs.
 */
export function ThisMachineCard({ cluster }: { cluster: string }) {
  const showError = useAppStore((state) => state.showError);
  const check = useQuery('connectivity:check', { cluster });
  const fixAction = useAction('connectivity:fix');
  const removeAction = useAction('connectivity:remove');
  // The fix answers with the hops verified again: shown until the next Verify.
  const [shown, setShown] = useState<'check' | 'fix'>('check');
  const [confirming, setConfirming] = useState<'fix' | 'remove' | undefined>();
  const { reset: resetFix } = fixAction;
  const { reset: resetRemove } = removeAction;
  useEffect(() => {
    setShown('check');
    resetFix();
    resetRemove();
  }, [cluster, resetFix, resetRemove]);
  useEffect(() => {
    if (check.error) showError(check.error);
  }, [check.error, showError]);
  const fixed: ConnectivityFixResult | undefined = fixAction.value ?? removeAction.value;
  const report: ConnectivityReport | undefined = shown === 'fix' && fixed ? fixed.report : check.value;
  const busy = check.loading ? 'check' : fixAction.busy || removeAction.busy ? 'fix' : undefined;

  const verify = () => {
    setShown('check');
    void check.reload();
  };

  const fix = async (what: 'fix' | 'remove') => {
    const action = what === 'fix' ? fixAction : removeAction;
    (what === 'fix' ? removeAction : fixAction).reset();
    const answer = await action.run({ cluster });
    setConfirming(undefined);
    if (answer.ok) setShown('fix');
    else showError(answer.error);
  };

  const ok = report && !report.failingHop;
  return (
    <section className="card" aria-label="This machine">
      {/* Every card names the cluster it is about (issue 28: never another cluster's data unannounced). */}
      <h2>
        This machine <span className="muted small">→ cluster {cluster}</span>
      </h2>
      {!report && <p className="muted">{busy ? 'Checking the route and probing the nodes…' : 'Not checked yet.'}</p>}
      {report && (
        <>
          <p>
            <StatusPill
              state={ok ? 'live' : 'offline'}
              label={ok ? 'Reaches the cluster' : `Fails at: ${report.failingHop}`}
            />{' '}
            <span className="muted small">
              {report.host.runtime}
              {report.host.runtimeVersion ? ` ${report.host.runtimeVersion}` : ''} on {report.host.platform}
            </span>
          </p>
          <ol className="services" aria-label="Hops">
            {report.hops.map((hop) => (
              <li key={hop.hop} aria-label={`Hop ${hop.hop}`}>
                <div className="service-main">
                  <span aria-hidden>{hop.ok ? '✓' : '✗'}</span> <strong>{hop.hop}</strong>
                </div>
                <p className="small">{hop.detail}</p>
                {hop.fix && <p className="muted small">Fix: {hop.fix}</p>}
              </li>
            ))}
          </ol>
          {report.planNote && <p className="muted">{report.planNote}</p>}
        </>
      )}
      {fixed && (
        <p role="status" aria-label="Fix result">
          {fixed.summary}
        </p>
      )}
      <div className="service-main">
        <button type="button" className="button" disabled={!!busy} onClick={verify}>
          {busy === 'check' ? 'Verifying…' : 'Verify'}
        </button>
        {report && report.plan.length > 0 && (
          <button
            type="button"
            className="button button-primary"
            disabled={!!busy}
            onClick={() => setConfirming('fix')}
          >
            Fix: install and start docker-mac-net-connect
          </button>
        )}
        {report && report.removePlan.length > 0 && (
          <button type="button" className="button" disabled={!!busy} onClick={() => setConfirming('remove')}>
            Remove docker-mac-net-connect…
          </button>
        )}
      </div>
      {confirming && report && (
        <ConfirmDialog
          title={
            confirming === 'fix' ? 'Run these commands on this machine?' : 'Stop and uninstall docker-mac-net-connect?'
          }
          confirmLabel="Run them"
          keepLabel="Cancel"
          danger={confirming === 'remove'}
          busy={busy === 'fix'}
          onConfirm={() => void fix(confirming)}
          onCancel={() => setConfirming(undefined)}
        >
          <p>
            Kindscope runs exactly these, in order, then verifies every hop again. The one marked “as root” opens the
            macOS administrator prompt.
          </p>
          <ol>
            {(confirming === 'fix' ? report.plan : report.removePlan).map((step) => (
              <li key={step.display}>
                <code>{step.display}</code>{' '}
                <span className="muted small">{step.elevated ? '(as root)' : '(as you)'}</span>
              </li>
            ))}
          </ol>
        </ConfirmDialog>
      )}
    </section>
  );
}
