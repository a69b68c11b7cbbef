import { useState } from 'react';
import type { AppError, CaptureResult, Result, ServiceStatus } from '@contract';
import { useAppStore } from '../../app-context';
import { useAction } from '../../data/hooks';
import { FindingList } from '../../components/FindingList';
import { StatusPill } from '../../components/StatusPill';
import { ArpLadder, PacketTable } from './ArpLadder';
import { FailoverTimeline } from './FailoverTimeline';

const captureLabel: Record<CaptureResult['verdict'], string> = {
  'holder-answered': 'Lease holder answered',
  'other-answered': 'Another node answered',
  'no-reply': 'Nobody answered',
  'no-request': 'No request arrived',
  'no-ip': 'No IP yet',
};

type Busy = 'capture' | 'ping' | 'failover' | undefined;

/** Capture, Ping and Failover for one LoadBalancer service: the pictures the seed article left as TODO. */
export function CaptureTools({ cluster, service }: { cluster: string; service: ServiceStatus }) {
  const showError = useAppStore((state) => state.showError);
  const captureAction = useAction('capture:arp');
  const pingAction = useAction('capture:ping');
  const failoverAction = useAction('capture:failover');
  const [consent, setConsent] = useState<AppError>();
  const [confirming, setConfirming] = useState(false);
  const target = { cluster, namespace: service.namespace, service: service.name };
  const label = `${service.namespace}/${service.name}`;
  const busy: Busy = captureAction.busy
    ? 'capture'
    : pingAction.busy
      ? 'ping'
      : failoverAction.busy
        ? 'failover'
        : undefined;
  const capture = captureAction.value;
  const ping = pingAction.value;
  const failover = failoverAction.value;

  /** A refused pull asks for consent here; any other failure is the app's notice. */
  const settle = (result: Result<unknown>) => {
    if (result.ok) return;
    if (result.error.code === 'CONSENT_REQUIRED') setConsent(result.error);
    else showError(result.error);
  };
  const runCapture = async (allowPull = false) => {
    setConsent(undefined);
    settle(await captureAction.run({ ...target, ...(allowPull ? { allowPull } : {}) }));
  };
  const runFailover = async () => {
    setConfirming(false);
    settle(await failoverAction.run({ ...target, confirm: true }));
  };
  const holder = service.leaseHolder?.node ?? service.holder;
  return (
    <div className="capture-tools">
      <div className="button-row">
        <button
          type="button"
          className="button"
          disabled={busy !== undefined || !service.externalIPs[0]}
          onClick={() => void runCapture()}
        >
          {busy === 'capture' ? 'Capturing…' : 'Capture ARP'}
        </button>
        <button
          type="button"
          className="button"
          disabled={busy !== undefined || !service.externalIPs[0]}
          onClick={() => void pingAction.run(target).then(settle)}
        >
          {busy === 'ping' ? 'Pinging…' : 'Ping'}
        </button>
        <button
          type="button"
          className="button"
          disabled={busy !== undefined || !holder}
          onClick={() => setConfirming(true)}
        >
          {busy === 'failover' ? 'Drill running…' : 'Failover drill'}
        </button>
      </div>
      {consent && (
        <div role="alertdialog" aria-label="Pull the capture image?" className="notice">
          <p>{consent.message}.</p>
          <p className="muted small">{consent.hint}</p>
          <button type="button" className="button button-primary" onClick={() => void runCapture(true)}>
            Pull and capture
          </button>{' '}
          <button type="button" className="button" onClick={() => setConsent(undefined)}>
            Cancel
          </button>
        </div>
      )}
      {confirming && (
        <div role="dialog" aria-label="Confirm the failover drill" className="notice">
          <p>
            The drill stops the node container <strong>{holder}</strong> (the lease holder of {label}), measures the
            takeover, then starts it again.
          </p>
          <button type="button" className="button button-primary" onClick={() => void runFailover()}>
            Stop {holder} and measure
          </button>{' '}
          <button type="button" className="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
      {capture && <CaptureView result={capture} label={label} />}
      {ping && (
        <section role="region" aria-label={`Ping ${label}`} className="check-result">
          <StatusPill
            state={ping.verdict === 'reachable' ? 'live' : 'offline'}
            label={ping.verdict === 'reachable' ? 'Reachable' : ping.verdict === 'no-ip' ? 'No IP' : 'Unreachable'}
          />
          <p>{ping.explanation}</p>
          {ping.fix && <p className="muted small">Fix: {ping.fix}</p>}
        </section>
      )}
      {failover && (
        <section role="region" aria-label={`Failover of ${label}`} className="check-result">
          <p>{failover.explanation}</p>
          <p className="muted small">
            downtime {failover.downtimeMs ?? '?'} ms (sampled every {failover.samplingIntervalMs} ms) · lease{' '}
            {failover.leaseTimings.leaseDuration}, renew deadline {failover.leaseTimings.renewDeadline}, retry{' '}
            {failover.leaseTimings.retryPeriod} ({failover.leaseTimings.source})
          </p>
          <FailoverTimeline result={failover} />
        </section>
      )}
    </div>
  );
}

function CaptureView({ result, label }: { result: CaptureResult; label: string }) {
  return (
    <section role="region" aria-label={`Capture of ${label}`} className="check-result">
      <StatusPill
        state={result.verdict === 'holder-answered' ? 'live' : 'offline'}
        label={captureLabel[result.verdict]}
      />
      <p className="verdict">{result.explanation}</p>
      {result.answeredBy && (
        <p className="muted small">
          answered ARP: {result.answeredBy.node ?? result.answeredBy.mac} (checked{' '}
          {result.answeredBy.checkedAt.slice(11, 23)})
          {result.leaseHolder ? ` · lease held by ${result.leaseHolder.node}` : ''}
        </p>
      )}
      <ArpLadder result={result} />
      <PacketTable packets={result.packets} />
      {result.pcapPath && (
        <p className="muted small">
          Saved for Wireshark: <code>{result.pcapPath}</code>
        </p>
      )}
      <FindingList findings={result.findings} label="Why" />
    </section>
  );
}
