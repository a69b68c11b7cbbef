import { ServiceWhy } from '../clusters/ServiceWhy';
import { measurementText } from '../../components/measurement';
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ServiceCheck, ServiceStatus } from '@contract';
import { useAppContext, useAppStore } from '../../app-context';
import { useAction } from '../../data/hooks';
import { followClusterStatus } from '../clusters/status-loader';
import { ClusterPicker } from '../../components/ClusterPicker';
import { ErrorNotice } from '../../components/ErrorNotice';
import { FindingList } from '../../components/FindingList';
import { StatusPill } from '../../components/StatusPill';
import { CaptureTools } from './CaptureTools';
import { NodePings } from './NodePings';
import { ThisMachineCard } from '../connectivity/ThisMachineCard';

const verdictLabel: Record<ServiceCheck['verdict'], string> = {
  answers: 'Answers',
  pending: 'No IP yet',
  'no-arp': 'Nobody answers ARP',
  'no-http': 'ARP but no HTTP',
  'wrong-node': 'Wrong node answers',
  unreachable: 'Unreachable',
  'not-proven': 'Not proven',
};

/** Check a LoadBalancer IP from this machine, as the seed article does with curl and `ip neigh`, with the explanation. */
export function TroubleshootPage() {
  const context = useAppContext();
  const { status, selected, error } = useAppStore(
    useShallow((state) => ({
      status: state.clusterStatus,
      selected: state.selectedCluster,
      error: state.clusterStatusError,
    })),
  );
  useEffect(() => followClusterStatus(context), [context]);
  return (
    <>
      <header className="page-header page-header-row">
        <div>
          <h1>Troubleshoot</h1>
          <p className="muted">
            Reach each LoadBalancer IP from this machine, see which node answered ARP, and why it did not.
          </p>
        </div>
        <span className="spacer" />
        <ClusterPicker />
      </header>
      {error && <ErrorNotice error={error} title="Kindscope cannot read this cluster" />}
      {status && status.cluster === selected && (
        <section className="card" aria-label="LoadBalancer services to check">
          <h2>
            LoadBalancer services <span className="muted small">of cluster {status.cluster}</span>
          </h2>
          {status.services.length === 0 && <p className="muted">No LoadBalancer services in this cluster.</p>}
          <ul className="services">
            {status.services.map((svc) => (
              <ServiceRow key={`${svc.namespace}/${svc.name}`} cluster={status.cluster} service={svc} />
            ))}
          </ul>
        </section>
      )}
      {status && status.cluster === selected && <NodePings status={status} />}
      {selected && <ThisMachineCard cluster={selected} />}
    </>
  );
}

function ServiceRow({ cluster, service }: { cluster: string; service: ServiceStatus }) {
  const showError = useAppStore((state) => state.showError);
  const checkService = useAction('troubleshoot:check-service');
  const { busy, value: check } = checkService;
  const run = async () => {
    const result = await checkService.run({ cluster, namespace: service.namespace, service: service.name });
    if (!result.ok) showError(result.error);
  };
  return (
    <li aria-label={`Check ${service.namespace}/${service.name}`}>
      <div className="service-main">
        <strong>
          {service.namespace}/{service.name}
        </strong>
        <code>{service.externalIPs.join(', ') || '<pending>'}</code>
        <span className="spacer" />
        <button type="button" className="button button-primary" disabled={busy} onClick={() => void run()}>
          {busy ? 'Checking…' : 'Check from this machine'}
        </button>
      </div>
      {/* The claim and the last measurement by any view (a capture, a ping, a run), before any check here. */}
      {!check && service.externalIPs.length > 0 && (
        <p className="small" aria-label={`Last measurement of ${service.namespace}/${service.name}`}>
          {service.leaseHolder ? `lease held by ${service.leaseHolder.node} · ` : ''}
          {measurementText(service.answeredBy)}
        </p>
      )}
      {/* Why it is <pending> or unreachable, from the status model, before any check (issue 28). */}
      {!check && <ServiceWhy cluster={cluster} service={service} />}
      {check && (
        <div className="check-result" role="region" aria-label={`Result for ${service.namespace}/${service.name}`}>
          <StatusPill
            state={check.verdict === 'answers' ? 'live' : check.verdict === 'pending' ? 'connecting' : 'offline'}
            label={verdictLabel[check.verdict]}
          />
          <p>{check.explanation}</p>
          {/* The claim and the measurement, worded apart. */}
          {check.leaseHolder && <p className="small">lease held by {check.leaseHolder.node}</p>}
          {check.answeredBy && <p className="small">{measurementText({ ...check.answeredBy, takenBy: 'check' })}</p>}
          {check.proof && !check.proof.proven && (
            <p className="small">
              Not proven:{' '}
              {check.proof.failing === 'path'
                ? 'path'
                : check.proof.failing === 'arp'
                  ? 'who answered ARP'
                  : 'what answered'}
              {check.proof.fix ? ` — ${check.proof.fix}` : ''}
            </p>
          )}
          {check.http?.body && (
            <p className="muted small">
              Response: <code>{check.http.body.trim()}</code>
            </p>
          )}
          {check.neighbour && (
            <p className="muted small">
              Neighbour entry: {check.neighbour.state}
              {check.neighbour.mac ? ` · ${check.neighbour.mac}` : ''}
              {check.neighbour.dev ? ` on ${check.neighbour.dev}` : ''}
            </p>
          )}
          <FindingList findings={check.findings} label="Why" />
        </div>
      )}
      <CaptureTools cluster={cluster} service={service} />
    </li>
  );
}
