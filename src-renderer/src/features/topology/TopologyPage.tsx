import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ClusterStatus, ClusterTopology, TopologyNetwork, TopologyNode, TopologyRoute } from '@contract';
import { useAppContext, useAppStore } from '../../app-context';
import { followClusterStatus } from '../../commands/status-commands';
import { followTopology, refreshTopologyCommand } from '../../commands/topology-commands';
import { CommandButton } from '../../components/CommandButton';
import { ClusterPicker } from '../../components/ClusterPicker';
import { ErrorNotice } from '../../components/ErrorNotice';
import { RichText } from '../../components/RichText';
import { StatusPill } from '../../components/StatusPill';

/** The data path of a kind cluster: this machine → bridge → veth pairs → nodes → routes. */
export function TopologyPage() {
  const context = useAppContext();
  const { clusters, topology, error, status } = useAppStore(
    useShallow((state) => ({ clusters: state.clusters, topology: state.topology, error: state.topologyError, status: state.clusterStatus })),
  );
  useEffect(() => followTopology(context), [context]);
  // The Kubernetes side joins the picture: pod CIDRs and the LoadBalancer IPs each node answers for.
  useEffect(() => followClusterStatus(context), [context]);

  return (
    <>
      <header className="page-header page-header-row">
        <div>
          <h1>Topology</h1>
          <p className="muted">Host → Docker bridge → veth pairs → node containers → routes, live from Docker.</p>
        </div>
        <span className="spacer" />
        <ClusterPicker />
        <CommandButton command={refreshTopologyCommand} />
      </header>
      {error && <ErrorNotice error={error} title="Kindscope cannot show this cluster" />}
      {clusters && clusters.length === 0 && (
        <section className="card" aria-label="No clusters">
          <p>No kind clusters on this Docker engine. Create one in Create lab, or with <code>kind create cluster</code>.</p>
        </section>
      )}
      {!clusters && !error && <p className="muted">Looking for kind clusters…</p>}
      {topology && <TopologyView topology={topology} status={status?.cluster === topology.name ? status : undefined} />}
    </>
  );
}

function TopologyView({ topology, status }: { topology: ClusterTopology; status: ClusterStatus | undefined }) {
  return (
    <div className="topology">
      <section className="card host-card" aria-label="This machine">
        <header className="card-header">
          <h2>This machine</h2>
          <StatusPill state={topology.host.reachability.status === 'yes' ? 'live' : topology.host.reachability.status === 'no' ? 'offline' : 'connecting'} label={topology.host.reachability.status === 'yes' ? 'Reaches the nodes' : topology.host.reachability.status === 'no' ? 'Cannot reach the nodes' : 'Unknown'} />
          <span className="spacer" />
          <span className="muted">{topology.observedFrom === 'host' ? 'Bridge and veths seen on this machine' : "Bridge and veths seen inside the engine's VM"}</span>
        </header>
        <p>{topology.host.reachability.reason}</p>
        <RouteList label="Host routes to the Docker networks" routes={topology.host.routes.map((r) => ({ raw: r.raw, explanation: r.explanation }))} />
      </section>
      {topology.networks.map((network) => (
        <NetworkView key={network.id} network={network} nodes={topology.nodes.filter((n) => n.network === network.name)} status={status} />
      ))}
      {topology.problems.map((problem) => (
        <ErrorNotice key={problem} error={{ code: 'DOCKER_ERROR', message: problem, hint: 'The rest of the picture is still accurate.' }} />
      ))}
      <p className="muted small">
        Snapshot {new Date(topology.generatedAt).toLocaleTimeString()} in {topology.tookMs} ms
        {topology.apiServer ? ` · API server ${topology.apiServer.address}:${topology.apiServer.port}` : ''}
      </p>
    </div>
  );
}

function NetworkView({ network, nodes, status }: { network: TopologyNetwork; nodes: TopologyNode[]; status: ClusterStatus | undefined }) {
  return (
    <section className="card bridge-card" aria-label={`Bridge ${network.bridge.name}`}>
      <header className="card-header">
        <h2>
          Bridge <code>{network.bridge.name}</code>
        </h2>
        <span className="muted">
          network “{network.name}” · {network.subnets.map((s) => `${s.subnet}${s.gateway ? ` (gw ${s.gateway})` : ''}`).join(' · ')}
          {network.mtu ? ` · MTU ${network.mtu}` : ''}
        </span>
        <span className="spacer" />
        {network.bridge.present ? <StatusPill state="live" label={network.bridge.state ?? 'present'} /> : <StatusPill state="offline" label="not visible" />}
      </header>
      <ul className="node-grid" aria-label="Nodes">
        {nodes.map((node) => (
          <NodeView key={node.containerId} node={node} status={status} />
        ))}
      </ul>
    </section>
  );
}

function NodeView({ node, status }: { node: TopologyNode; status: ClusterStatus | undefined }) {
  const podCIDRs = status?.nodes.find((n) => n.name === node.name)?.podCIDRs ?? [];
  const announces = status?.services.filter((s) => s.leaseHolder?.node === node.name) ?? [];
  return (
    <li className={`node-card${node.running ? '' : ' node-stopped'}`} aria-label={`Node ${node.name}`}>
      <div className="veth" title="Host side of the veth pair">
        {node.veth ? (
          <>
            <code>{node.veth.ifname}</code> <span className="muted">if{node.veth.ifindex}</span> ⇄ <code>eth0</code>
            {node.eth0 ? <span className="muted"> if{node.eth0.ifindex}</span> : null}
          </>
        ) : (
          <span className="muted">no veth</span>
        )}
      </div>
      <header className="node-header">
        <h3>{node.name}</h3>
        <StatusPill state={node.running ? 'live' : 'offline'} label={node.state} />
      </header>
      <p className="node-facts">
        <span>{node.role}</span>
        {node.ipv4 && <code>{node.ipv4}</code>}
        {node.mac && <code className="muted">{node.mac}</code>}
      </p>
      {podCIDRs.length > 0 && (
        <p className="node-facts">
          <span>pods</span>
          <code>{podCIDRs.join(', ')}</code>
        </p>
      )}
      {announces.length > 0 && (
        <ul className="announces" aria-label={`L2 leases held by ${node.name}`}>
          {announces.map((svc) => (
            <li key={`${svc.namespace}/${svc.name}`}>
              Lease held for <code>{svc.externalIPs.join(', ')}</code> ({svc.namespace}/{svc.name})
              {svc.answeredBy ? ` · answered ARP: ${svc.answeredBy.node ?? svc.answeredBy.mac} (checked ${new Date(svc.answeredBy.checkedAt).toLocaleTimeString()})` : ''}
            </li>
          ))}
        </ul>
      )}
      {node.problem && <p className="node-problem">{node.problem}</p>}
      <RouteList label={`Routes of ${node.name}`} routes={node.routes} />
    </li>
  );
}

function RouteList({ label, routes }: { label: string; routes: Pick<TopologyRoute, 'raw' | 'explanation'>[] }) {
  if (routes.length === 0) return null;
  return (
    <ul className="routes" aria-label={label}>
      {routes.map((route) => (
        <li key={route.raw}>
          <code>{route.raw}</code>
          <span className="route-explanation">
            <RichText text={route.explanation} />
          </span>
        </li>
      ))}
    </ul>
  );
}
