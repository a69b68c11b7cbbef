import { ServiceWhy } from './ServiceWhy';
import { measurementText } from '../../components/measurement';
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { nodeAddress, type ClusterStatus } from '@contract';
import { useAppContext, useAppStore } from '../../app-context';
import { followClusterStatus } from './status-loader';
import { ClusterPicker } from '../../components/ClusterPicker';
import { ErrorNotice } from '../../components/ErrorNotice';
import { FindingList } from '../../components/FindingList';
import { StatusPill } from '../../components/StatusPill';
import { ServiceName } from '../names/ServiceName';

/** Each kind cluster's Kubernetes side: nodes, Cilium, LoadBalancer IPs and who answers for them — or why nobody does. */
export function ClustersPage() {
  const context = useAppContext();
  const { clusters, selected, status, error } = useAppStore(
    useShallow((state) => ({
      clusters: state.clusters,
      selected: state.selectedCluster,
      status: state.clusterStatus,
      error: state.clusterStatusError,
    })),
  );
  useEffect(() => followClusterStatus(context), [context]);
  return (
    <>
      <header className="page-header page-header-row">
        <div>
          <h1>Clusters</h1>
          <p className="muted">
            Nodes, Cilium, LoadBalancer IPs and the node that answers for each — or why nobody does.
          </p>
        </div>
        <span className="spacer" />
        <ClusterPicker />
      </header>
      {error && <ErrorNotice error={error} title="Kindscope cannot read this cluster" />}
      {clusters && clusters.length === 0 && <p className="muted">No kind clusters on this Docker engine.</p>}
      {status && status.cluster === selected && <StatusView status={status} />}
    </>
  );
}

function StatusView({ status }: { status: ClusterStatus }) {
  const c = status.cilium;
  return (
    <div className="topology">
      <section className="card" aria-label="Cilium">
        <header className="card-header">
          <h2>Cilium</h2>
          <StatusPill
            state={
              c.state === 'unknown'
                ? 'connecting'
                : c.installed && c.agents.ready === c.agents.desired
                  ? 'live'
                  : 'offline'
            }
            label={c.state === 'unknown' ? 'not read yet' : c.installed ? `v${c.version ?? '?'}` : 'not installed'}
          />
          <span className="spacer" />
          <StatusPill state={status.connection.state} label={`API ${status.connection.state}`} />
        </header>
        {c.installed && (
          <p>
            Agents {c.agents.ready}/{c.agents.desired} · operator {c.operator.ready}/{c.operator.desired} · kube-proxy
            replacement <code>{c.kubeProxyReplacement ?? '-'}</code> · L2 announcements{' '}
            {c.l2Announcements ? 'on' : 'off'} · routing {c.routingMode ?? '-'}
            {c.leaseDuration ? ` · lease ${c.leaseDuration}` : ''}
          </p>
        )}
        <FindingList findings={status.findings} />
      </section>
      <section className="card" aria-label="LoadBalancer services">
        <h2>LoadBalancer services</h2>
        {status.services.length === 0 && <p className="muted">None yet.</p>}
        <ul className="services">
          {status.services.map((svc) => (
            <li key={`${svc.namespace}/${svc.name}`} aria-label={`Service ${svc.namespace}/${svc.name}`}>
              <div className="service-main">
                <strong>
                  {svc.namespace}/{svc.name}
                </strong>
                <code>{svc.externalIPs.join(', ') || '<pending>'}</code>
                <ServiceName cluster={status.cluster} service={svc} />
                {/* The claim (the Lease) and the measurement (a probe) are different facts, worded apart. */}
                <StatusPill
                  state={
                    svc.findings.length === 0 && svc.leaseHolder
                      ? 'live'
                      : svc.externalIPs.length === 0
                        ? 'offline'
                        : 'connecting'
                  }
                  label={
                    svc.externalIPs.length === 0
                      ? 'pending'
                      : svc.leaseHolder
                        ? `lease held by ${svc.leaseHolder.node}`
                        : 'no lease holder'
                  }
                />
                <span className="muted">
                  {svc.leaseHolder?.mac ? `MAC ${svc.leaseHolder.mac} · ` : ''}
                  {svc.readyEndpoints} ready endpoint{svc.readyEndpoints === 1 ? '' : 's'} ·{' '}
                  {svc.servicePorts.map((p) => `${p.port}/${p.protocol}`).join(', ')}
                </span>
                {svc.externalIPs.length > 0 && <span className="muted">{measurementText(svc.answeredBy)}</span>}
              </div>
              <ServiceWhy cluster={status.cluster} service={svc} />
            </li>
          ))}
        </ul>
      </section>
      <section className="card" aria-label="Pools">
        <h2>LoadBalancer IP pools</h2>
        {status.pools.length === 0 && <p className="muted">No CiliumLoadBalancerIPPool.</p>}
        {status.pools.map((pool) => (
          <div key={pool.name} className="pool">
            <strong>{pool.name}</strong> <code>{pool.ranges.join(', ')}</code>{' '}
            <span className="muted">({pool.apiVersion})</span> — {pool.available ?? '?'} of {pool.total ?? '?'} free
            {pool.disabled ? ' · disabled' : ''}
            {pool.dockerNetwork ? ` · inside Docker network "${pool.dockerNetwork}"` : ''}
            <FindingList findings={pool.findings} />
          </div>
        ))}
      </section>
      <section className="card" aria-label="Nodes">
        <h2>Nodes</h2>
        <table className="facts">
          <caption className="visually-hidden">Nodes</caption>
          <tbody>
            {status.nodes.map((node) => (
              <tr key={node.name}>
                <th scope="row">{node.name}</th>
                <td>
                  {/* Docker's view first (known at once), Kubernetes' own beside it (late by its grace period). */}
                  <StatusPill
                    state={!node.container ? 'connecting' : node.container.running ? 'live' : 'offline'}
                    label={node.container ? `container ${node.container.state}` : 'container ?'}
                  />{' '}
                  <StatusPill
                    state={node.ready ? 'live' : 'offline'}
                    label={node.ready ? 'Kubernetes: Ready' : 'Kubernetes: NotReady'}
                  />{' '}
                  <code>{nodeAddress(node)}</code>
                  {node.containerIP && node.internalIP && node.internalIP !== node.containerIP ? (
                    <span className="muted"> (Kubernetes still says {node.internalIP})</span>
                  ) : null}{' '}
                  · pods <code>{node.podCIDRs.join(', ')}</code>
                  {node.mac ? <span className="muted"> · {node.mac}</span> : null}
                  {node.roles.length > 0 ? <span className="muted"> · {node.roles.join(', ')}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
