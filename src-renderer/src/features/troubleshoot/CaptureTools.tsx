import { useState } from 'react';
import type { AppError, CaptureResult, FailoverResult, Result, ServiceStatus } from '@contract';
import { useAction } from '../../data/hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { RichText } from '../../components/RichText';
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

/** BGP mode's drill: measured (the router, read in a loop), predicted (the peer config's timers), claimed (the node's status), each on its own line. */
function BgpFailoverFacts({ bgp }: { bgp: NonNullable<FailoverResult['bgp']> }) {
  const c = bgp.configured;
  return (
    <dl className="facts" aria-label="BGP failover measurements">
      <dt>Measured withdrawal</dt>
      <dd>
        {bgp.withdrawnMs !== undefined
          ? `${bgp.withdrawnMs} ms after the stop: ${bgp.stoppedNode.ip} (${bgp.stoppedNode.node}) left ${bgp.router}'s FIB`
          : `not within the drill (last seen ${bgp.lastSeenMs ?? '?'} ms)`}{' '}
        (read {bgp.routerReadings} times, every ~{bgp.routerSamplingMs} ms) — {bgp.verdict}
        {bgp.staleMs !== undefined && `; kept stale from ${bgp.staleMs} ms (graceful restart)`}
      </dd>
      <dt>Predicted</dt>
      <dd>
        {bgp.prediction.fromMs}–{bgp.prediction.toMs} ms: {bgp.prediction.rule}
      </dd>
      <dt>Configured</dt>
      <dd>
        {c.peerConfig}: hold {c.holdTimeSeconds} s, keepalive {c.keepAliveTimeSeconds} s, graceful restart{' '}
        {c.gracefulRestart.enabled ? `on (restart time ${c.gracefulRestart.restartTimeSeconds} s)` : 'off'}
      </dd>
      <dt>Claimed</dt>
      <dd>
        {bgp.stoppedNode.node}&apos;s CiliumBGPNodeConfig: {bgp.claim.before ?? '?'} before, {bgp.claim.after ?? '?'}{' '}
        after
      </dd>
    </dl>
  );
}

/** Capture, Ping and Failover for one LoadBalancer service: the pictures the seed article left as TODO. */
export function CaptureTools({ cluster, service }: { cluster: string; service: ServiceStatus }) {
  const captureAction = useAction('capture:arp');
  const pingAction = useAction('capture:ping');
  const failoverAction = useAction('capture:failover');
  // The image question, for the action that asked it (capture or drill), and any failure, shown here, inline.
  const [consent, setConsent] = useState<{ error: AppError; action: 'capture' | 'failover' }>();
  const [failure, setFailure] = useState<{ error: AppError; action: string }>();
  const [confirming, setConfirming] = useState(false);
  // How the drill takes the node away: docker stop (its sessions close) or docker pause (frozen; BGP mode's hold timer).
  const [stopKind, setStopKind] = useState<'stop' | 'pause'>('stop');
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

  /**
   * A missing image asks here, saying which image and why; any other failure (a pull that
   * failed offline included) is shown here too, with the image, the alternative and the
   * offline route from the error's hint, not as a banner at the top of the page.
   */
  const settle = (action: 'capture' | 'ping' | 'failover') => (result: Result<unknown>) => {
    if (result.ok) return;
    if (result.error.code === 'CONSENT_REQUIRED' && action !== 'ping') setConsent({ error: result.error, action });
    else setFailure({ error: result.error, action });
  };
  const runCapture = async (allowPull = false) => {
    setConsent(undefined);
    setFailure(undefined);
    settle('capture')(await captureAction.run({ ...target, ...(allowPull ? { allowPull } : {}) }));
  };
  const runFailover = async (allowPull = false) => {
    setConfirming(false);
    setConsent(undefined);
    setFailure(undefined);
    settle('failover')(
      await failoverAction.run({
        ...target,
        confirm: true,
        ...(allowPull ? { allowPull } : {}),
        ...(stopKind === 'pause' ? { stop: 'pause' as const } : {}),
      }),
    );
  };
  const holder = service.leaseHolder?.node ?? service.holder;
  // No lease holder but an IP: BGP mode (a router's next hops), where the drill picks the node itself.
  const ip = service.externalIPs[0];
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
          onClick={() => {
            setFailure(undefined);
            void pingAction.run(target).then(settle('ping'));
          }}
        >
          {busy === 'ping' ? 'Pinging…' : 'Ping'}
        </button>
        <button
          type="button"
          className="button"
          disabled={busy !== undefined || (!holder && !ip)}
          onClick={() => setConfirming(true)}
        >
          {busy === 'failover' ? 'Drill running…' : 'Failover drill'}
        </button>
      </div>
      <fieldset className="button-row" aria-label="How the drill takes the node away">
        <label>
          <input
            type="radio"
            name={`stop-${label}`}
            checked={stopKind === 'stop'}
            onChange={() => setStopKind('stop')}
          />{' '}
          docker stop (its sessions close)
        </label>
        <label>
          <input
            type="radio"
            name={`stop-${label}`}
            checked={stopKind === 'pause'}
            onChange={() => setStopKind('pause')}
          />{' '}
          docker pause (frozen: BGP mode, the router waits for its hold timer)
        </label>
      </fieldset>
      <p className="muted small">
        Capture ARP and the failover drill run tcpdump and arping from a helper image (Settings → Capture image, or
        KINDSCOPE_CAPTURE_IMAGE; by default nicolaka/netshoot); Kindscope asks before pulling it.
      </p>
      {consent && (
        <div role="alertdialog" aria-label="Pull the capture image?" className="notice">
          <p>
            <RichText text={consent.error.message} />
          </p>
          <p className="muted small">
            <RichText text={consent.error.hint} />
          </p>
          <button
            type="button"
            className="button button-primary"
            onClick={() => void (consent.action === 'failover' ? runFailover(true) : runCapture(true))}
          >
            {consent.action === 'failover' ? 'Pull and run the drill' : 'Pull and capture'}
          </button>{' '}
          <button type="button" className="button" onClick={() => setConsent(undefined)}>
            Cancel
          </button>
        </div>
      )}
      {failure && (
        <ErrorNotice
          error={failure.error}
          title={
            failure.action === 'capture'
              ? 'The capture could not run'
              : failure.action === 'failover'
                ? 'The failover drill could not run'
                : 'The ping could not run'
          }
          onDismiss={() => setFailure(undefined)}
        />
      )}
      {confirming && (
        <div role="dialog" aria-label="Confirm the failover drill" className="notice">
          {holder ? (
            <p>
              The drill {stopKind === 'pause' ? 'freezes (docker pause)' : 'stops'} the node container{' '}
              <strong>{holder}</strong> (the lease holder of {label}), measures the takeover, then{' '}
              {stopKind === 'pause' ? 'unpauses' : 'starts'} it again.
            </p>
          ) : (
            <p>
              The drill {stopKind === 'pause' ? 'freezes (docker pause)' : 'stops (docker stop)'} the node the router
              sends this machine&apos;s flow for {ip} to (one of its next hops), measures the router&apos;s withdrawal
              and the downtime beside what the BGP timers predict, then {stopKind === 'pause' ? 'unpauses' : 'starts'}{' '}
              it again.
            </p>
          )}
          <button type="button" className="button button-primary" onClick={() => void runFailover()}>
            {stopKind === 'pause' ? 'Freeze' : 'Stop'} {holder ?? 'a next hop'} and measure
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
            downtime {failover.downtimeMs ?? '?'} ms
            {failover.downtime &&
              ` = from the last HTTP answer (${failover.downtime.fromMs} ms) to the first again (${failover.downtime.toMs} ms), 0 = the stop`}{' '}
            (sampled every {failover.samplingIntervalMs} ms)
            {failover.leaseTimings &&
              ` · lease ${failover.leaseTimings.leaseDuration}, renew deadline ${failover.leaseTimings.renewDeadline}, retry ${failover.leaseTimings.retryPeriod} (${failover.leaseTimings.source})`}
          </p>
          {failover.bgp && <BgpFailoverFacts bgp={failover.bgp} />}
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
