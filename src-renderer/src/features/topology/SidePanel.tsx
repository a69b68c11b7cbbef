import { ServiceWhy } from '../clusters/ServiceWhy';
import { measurementText } from '../../components/measurement';
import type { BgpView, ClusterStatus, ClusterTopology, ServiceStatus } from '@contract';
import { RichText } from '../../components/RichText';
import { clockTime } from './graph/graph-parts';
import { groupThreshold, poolOf } from './graph/build-services';
import { RouteList } from './RouteList';
import { BgpServiceRoute, RouterDetails } from './RouterDetails';
import { UsageBar } from './UsageBar';

interface SidePanelProps {
  selected: string | undefined;
  topology: ClusterTopology;
  status: ClusterStatus | undefined;
  /** BGP mode: the nodes' claim and the router's measurement. */
  bgp?: BgpView;
  onToggleGroup(holder: string): void;
  onClose(): void;
}

/** Details of the selected box: a node's routes explained, the bridge's ports, a service's lease and pool. */
export function SidePanel({
  selected,
  topology,
  status,
  bgp,
  onToggleGroup,
  onClose,
}: SidePanelProps & { selected: string }) {
  return (
    <aside className="side-panel" aria-label="Details">
      <button
        type="button"
        className="button button-ghost side-panel-close"
        aria-label="Close details"
        onClick={onClose}
      >
        ×
      </button>
      <Details
        id={selected}
        topology={topology}
        status={status}
        {...(bgp ? { bgp } : {})}
        onToggleGroup={onToggleGroup}
      />
    </aside>
  );
}

function Details({
  id,
  topology,
  status,
  bgp,
  onToggleGroup,
}: { id: string } & Omit<SidePanelProps, 'selected' | 'onClose'>) {
  const [kind, ...rest] = id.split(':');
  const name = rest.join(':');
  if (kind === 'router') return <RouterDetails topology={topology} bgp={bgp} />;
  if (kind === 'host' || kind === 'engine-vm') return <HostDetails topology={topology} status={status} />;
  if (kind === 'bridge') return <BridgeDetails name={name} topology={topology} />;
  if (kind === 'node' || kind === 'veth' || kind === 'pods')
    return <NodeDetails name={name} topology={topology} status={status} onToggleGroup={onToggleGroup} />;
  if (kind === 'svc') {
    const service = status?.services.find((s) => `${s.namespace}/${s.name}` === name);
    return service ? (
      <ServiceDetails service={service} status={status!} {...(bgp ? { bgp } : {})} />
    ) : (
      <p className="muted">{name} is gone.</p>
    );
  }
  if (kind === 'group') return <GroupDetails holder={name} status={status} onToggleGroup={onToggleGroup} />;
  if (kind === 'pool') return <PoolDetails name={name} status={status} />;
  return (
    <>
      <h2>Routing between nodes</h2>
      <p>
        {status?.cilium.routingMode === 'native'
          ? "Native routing: each node reaches other nodes' pod CIDRs via their node IPs on the bridge, with the full MTU."
          : 'Tunnel mode: pod traffic between nodes goes through cilium_host into an encapsulation ' +
            'overlay; the header costs MTU, so those routes carry a lower mtu.'}
      </p>
    </>
  );
}

function HostDetails({ topology, status }: { topology: ClusterTopology; status: ClusterStatus | undefined }) {
  return (
    <>
      <h2>This machine</h2>
      <p>{topology.host.reachability.reason}</p>
      <RouteList label="Host routes" routes={topology.host.routes} />
      <Neighbours services={status?.services ?? []} />
    </>
  );
}

function BridgeDetails({ name, topology }: { name: string; topology: ClusterTopology }) {
  const network =
    topology.networks.find((n) => n.name === name) ??
    (topology.router?.poolNetwork?.name === name ? topology.router.poolNetwork : undefined);
  const ports = topology.nodes.filter((n) => n.network === name);
  return (
    <>
      <h2>Bridge {network?.bridge.name}</h2>
      <p className="muted">
        Docker network “{name}” · {network?.subnets.map((s) => s.subnet).join(', ')}
      </p>
      <ul className="plain-list" aria-label="veth ports on the bridge">
        {ports.map((n) => (
          <li key={n.name}>
            <code>{n.veth?.ifname ?? 'no veth'}</code> → {n.name} ({n.state})
          </li>
        ))}
      </ul>
    </>
  );
}

function NodeDetails({
  name,
  topology,
  status,
  onToggleGroup,
}: {
  name: string;
  topology: ClusterTopology;
  status: ClusterStatus | undefined;
  onToggleGroup(holder: string): void;
}) {
  const node = topology.nodes.find((n) => n.name === name);
  if (!node) return <p className="muted">{name} is gone.</p>;
  const kube = status?.nodes.find((n) => n.name === name);
  const held = (status?.services ?? []).filter((s) => s.leaseHolder?.node === name).length;
  return (
    <>
      <h2>{node.name}</h2>
      <p className="muted">
        {node.role} · {node.state}
        {kube ? ` · ${kube.ready ? 'Ready' : 'NotReady'}` : ''} · {node.ipv4 ?? 'no IPv4'} · {node.mac ?? 'no MAC'}
        {kube?.podCIDRs.length ? ` · pods ${kube.podCIDRs.join(', ')}` : ''}
      </p>
      {node.veth && (
        <p>
          veth <code>{node.veth.ifname}</code> (if{node.veth.ifindex}) on <code>{node.veth.master ?? 'no bridge'}</code>{' '}
          ⇄ <code>eth0@if{node.veth.ifindex}</code>
        </p>
      )}
      {kube?.internalIP && node.ipv4 && node.running && kube.internalIP !== node.ipv4 && (
        <p className="node-problem">
          Docker gives this container {node.ipv4} now; Kubernetes still knows the node as {kube.internalIP} (its
          InternalIP). kind node IPs changed after a restart: the API server and kubelets may still use the old one.
        </p>
      )}
      {node.problem && <p className="node-problem">{node.problem}</p>}
      {held > groupThreshold && (
        <button type="button" className="button button-secondary" onClick={() => onToggleGroup(node.name)}>
          Group or ungroup its {held} LoadBalancer services
        </button>
      )}
      <RouteList label={`Routes of ${node.name}`} routes={node.routes} />
    </>
  );
}

function GroupDetails({
  holder,
  status,
  onToggleGroup,
}: {
  holder: string;
  status: ClusterStatus | undefined;
  onToggleGroup(holder: string): void;
}) {
  const held = (status?.services ?? []).filter((s) => s.leaseHolder?.node === holder);
  return (
    <>
      <h2>
        {held.length} services held by {holder}
      </h2>
      <button type="button" className="button button-secondary" onClick={() => onToggleGroup(holder)}>
        Expand or collapse the group
      </button>
      <ul className="plain-list">
        {held.map((s) => (
          <li key={s.name}>
            {s.namespace}/{s.name} <code>{s.externalIPs.join(', ')}</code>
          </li>
        ))}
      </ul>
    </>
  );
}

function PoolDetails({ name, status }: { name: string; status: ClusterStatus | undefined }) {
  const pool = status?.pools.find((p) => p.name === name);
  if (!pool) return <p className="muted">{name} is gone.</p>;
  return (
    <>
      <h2>Pool {pool.name}</h2>
      <p>
        <code>{pool.ranges.join(', ')}</code>
      </p>
      <UsageBar used={pool.used} total={pool.total} label={`Usage of pool ${pool.name}`} />
      {pool.findings.map((f) => (
        <p key={f.code}>
          {f.message} — <RichText text={f.fix} />
        </p>
      ))}
    </>
  );
}

function ServiceDetails({ service, status, bgp }: { service: ServiceStatus; status: ClusterStatus; bgp?: BgpView }) {
  const ip = service.externalIPs[0];
  const pool = ip ? poolOf(status.pools, ip) : undefined;
  const lease = service.leaseHolder;
  return (
    <>
      <h2>
        {service.namespace}/{service.name}
      </h2>
      <dl className="facts-list">
        <dt>External IP</dt>
        <dd>{service.externalIPs.join(', ') || '<pending>'}</dd>
        <dt>Pool</dt>
        <dd>{pool ? `${pool.name} (${pool.ranges.join(', ')})` : 'none matches'}</dd>
        {bgp && <BgpServiceRoute service={service} bgp={bgp} />}
        <dt>Lease</dt>
        <dd>
          {lease
            ? `held by ${lease.node} (${lease.lease}${lease.renewTime ? `, renewed ${clockTime(lease.renewTime)}` : ''})`
            : 'no holder'}
        </dd>
        <dt>ARP</dt>
        <dd>
          {service.answeredBy
            ? measurementText(service.answeredBy)
            : `${measurementText(undefined)} (Troubleshoot → Check from this machine)`}
        </dd>
        <dt>Endpoints</dt>
        <dd>{service.readyEndpoints} ready</dd>
        <dt>Ports</dt>
        <dd>{service.ports.join(', ')}</dd>
      </dl>
      <ServiceWhy cluster={status.cluster} service={service} />
    </>
  );
}

function Neighbours({ services }: { services: ServiceStatus[] }) {
  const measured = services.filter((s) => s.answeredBy);
  if (measured.length === 0) return <p className="muted">No neighbour entry measured for the LoadBalancer IPs yet.</p>;
  return (
    <ul className="plain-list" aria-label="Neighbour entries for LoadBalancer IPs">
      {measured.map((s) => (
        <li key={s.name}>
          <code>{s.externalIPs[0]}</code> → <code>{s.answeredBy!.mac}</code> ({s.answeredBy!.node ?? 'no node'}
          {s.answeredBy!.node === s.leaseHolder?.node
            ? ', the lease holder'
            : `, lease held by ${s.leaseHolder?.node ?? 'nobody'}`}
          )
        </li>
      ))}
    </ul>
  );
}
