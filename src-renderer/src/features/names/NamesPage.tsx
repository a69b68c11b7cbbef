import { useCallback, useEffect, useState } from 'react';
import type { AppError, DnsNames, DnsStatus, DnsWiringPlan } from '@contract';
import { useAction, useQuery } from '../../data/hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Fact, Facts } from '../../components/Facts';
import { StatusPill } from '../../components/StatusPill';

/**
 * Names for LoadBalancer IPs: the zone and port, whether this machine's resolver sends
 * kind.internal here (measured with a probe name), wiring it (every file and command shown
 * before one administrator prompt), and every name with its addresses.
 */
export function NamesPage() {
  const [confirming, setConfirming] = useState(false);
  const [dismissed, setDismissed] = useState<AppError>();
  // The responder's status (with a fresh probe), every name, and the wiring plan for this machine.
  const statusQuery = useQuery('dns:status', {});
  const namesQuery = useQuery('dns:names', {});
  const status = statusQuery.value;
  const wired = status?.os.sendsQueries === true;
  const action = wired ? 'remove' : 'apply';
  const planQuery = useQuery('dns:wiring-plan', { action });
  const wiring = useAction('dns:apply-wiring');
  const names = namesQuery.value;
  const plan = planQuery.value;
  const busy = statusQuery.loading || namesQuery.loading || planQuery.loading || wiring.busy;
  const failure = wiring.error ?? statusQuery.error ?? namesQuery.error ?? planQuery.error;
  const error = failure === dismissed ? undefined : failure;
  const { reload: reloadStatus } = statusQuery;
  const { reload: reloadNames } = namesQuery;
  const { reload: reloadPlan } = planQuery;
  const refresh = useCallback(
    () => Promise.all([reloadStatus(), reloadNames(), reloadPlan()]),
    [reloadStatus, reloadNames, reloadPlan],
  );
  // The app starts the responder with the first zone read: check again until it runs.
  const starting = status?.responder.state === 'starting';
  useEffect(() => {
    if (!starting) return;
    const timer = setTimeout(() => void refresh(), 1_000);
    return () => clearTimeout(timer);
  }, [starting, status, refresh]);
  const apply = async () => {
    setConfirming(false);
    await wiring.run({ action, confirm: true });
    await refresh();
  };
  return (
    <>
      <header className="page-header">
        <h1>Names</h1>
        <p className="muted">
          <code>curl http://web.default.demo.kind.internal</code> from this machine: every LoadBalancer service gets a
          name that follows its IP.
        </p>
      </header>
      {error && <ErrorNotice error={error} onDismiss={() => setDismissed(error)} />}
      <section className="card" aria-label="Names status">
        <header className="card-header">
          <h2>DNS responder</h2>
          {status && (
            <StatusPill
              state={
                status.responder.state === 'running'
                  ? 'live'
                  : status.responder.state === 'starting'
                    ? 'connecting'
                    : 'offline'
              }
              label={status.responder.state}
            />
          )}
          <span className="spacer" />
          <button type="button" className="button button-secondary" disabled={busy} onClick={() => void refresh()}>
            Check again
          </button>
        </header>
        {status && <ResponderFacts status={status} />}
        {plan && (plan.steps.length > 0 || plan.manual.length > 0) && (
          <div>
            {plan.steps.length > 0 && (
              <button
                type="button"
                className="button button-primary"
                disabled={busy || status?.responder.state !== 'running'}
                onClick={() => setConfirming(true)}
              >
                {action === 'apply' ? 'Wire this machine…' : 'Unwire this machine…'}
              </button>
            )}
            {plan.manual.length > 0 && (
              <ul aria-label="Manual steps">
                {plan.manual.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            )}
            {plan.note && <p className="muted">{plan.note}</p>}
          </div>
        )}
      </section>
      {confirming && plan && (
        <WiringDialog plan={plan} onRun={() => void apply()} onCancel={() => setConfirming(false)} />
      )}
      {names && <NameList names={names} />}
    </>
  );
}

function ResponderFacts({ status }: { status: DnsStatus }) {
  const wired = status.os.sendsQueries;
  return (
    <Facts caption="DNS responder">
      <Fact label="Zone">
        <code>{status.zone}</code> · TTL {status.ttl} s
      </Fact>
      <Fact label="Listens on">
        {status.responder.address ? <code>{status.responder.address} (UDP and TCP)</code> : status.responder.reason}
      </Fact>
      <Fact label="Resolver">{status.backend}</Fact>
      <Fact label="OS sends queries here">
        <StatusPill state={wired ? 'live' : 'offline'} label={wired ? 'yes' : 'no'} /> {status.os.detail}{' '}
        <span className="muted">(checked {new Date(status.os.checkedAt).toLocaleTimeString()})</span>
      </Fact>
    </Facts>
  );
}

/** The consent step: every file and command exactly as it will run, before the one administrator prompt. */
function WiringDialog({ plan, onRun, onCancel }: { plan: DnsWiringPlan; onRun: () => void; onCancel: () => void }) {
  return (
    <section className="card" role="dialog" aria-modal="true" aria-label="Confirm DNS wiring">
      <h2>
        {plan.action === 'apply' ? `Send kind.internal to 127.0.0.1#${plan.port}` : 'Undo the kind.internal wiring'}
      </h2>
      <p>These run as administrator, in this order, after one password prompt ({plan.backend}):</p>
      {plan.files.map((file) => (
        <div key={file.path}>
          File <code>{file.path}</code>:<pre>{file.content}</pre>
        </div>
      ))}
      <ol aria-label="Commands">
        {plan.steps.map((step) => (
          <li key={step.command}>
            {step.description}
            <pre>{step.command}</pre>
          </li>
        ))}
      </ol>
      {plan.script && (
        <div>
          Exactly this script runs as administrator (Kindscope&apos;s own <code>{plan.template}</code>):
          <pre aria-label="Administrator script">{plan.script}</pre>
        </div>
      )}
      <div className="card-header">
        <button type="button" className="button button-primary" onClick={onRun}>
          Run as administrator
        </button>
        <button type="button" className="button button-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </section>
  );
}

function NameList({ names }: { names: DnsNames }) {
  return (
    <section className="card" aria-label="Names">
      <h2>Names</h2>
      {names.names.length === 0 && (
        <p className="muted">No LoadBalancer service with an external IP, and no node with an address.</p>
      )}
      {names.names.length > 0 && (
        <Facts caption="Names">
          {names.names.map((n) => (
            <Fact key={n.name} label={n.kind === 'node' ? `node ${n.node ?? ''}` : `${n.namespace}/${n.service}`}>
              <code>{n.name}</code> → <code>{n.addresses.join(', ')}</code>
            </Fact>
          ))}
        </Facts>
      )}
      {names.unavailable.length > 0 && (
        <p className="muted">
          Not read now (last known names kept): {names.unavailable.map((u) => `${u.cluster} (${u.reason})`).join('; ')}
        </p>
      )}
    </section>
  );
}
