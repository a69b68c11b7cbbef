import { measurementText } from '../../../components/measurement';
import type {
  ClusterStatus,
  ClusterTopology,
  HostRoute,
  PoolStatus,
  ServiceStatus,
  TopologyNode,
  TopologyRoute,
} from '@contract';
import { RichText } from '../../../components/RichText';
import { clockTime } from '../graph/graph-parts';
import { UsageBar } from '../UsageBar';
import { DataTable, type Column } from './DataTable';

type RouteRow = TopologyRoute & { node: string };
type LeaseRow = ClusterStatus['leases'][number];

const nodeColumns = (status: ClusterStatus | undefined): Column<TopologyNode>[] => [
  { header: 'Name', text: (n) => n.name },
  { header: 'Role', text: (n) => n.role },
  { header: 'State', text: (n) => n.state },
  {
    header: 'Ready',
    text: (n) => {
      const k = status?.nodes.find((s) => s.name === n.name);
      return k ? (k.ready ? 'Ready' : 'NotReady') : 'unknown';
    },
  },
  { header: 'IPv4', text: (n) => n.ipv4 ?? '' },
  { header: 'MAC', text: (n) => n.mac ?? '' },
  { header: 'Pod CIDR', text: (n) => status?.nodes.find((s) => s.name === n.name)?.podCIDRs.join(', ') ?? '' },
  { header: 'veth pair', text: (n) => (n.veth ? `${n.veth.ifname} ⇄ eth0@if${n.veth.ifindex}` : 'none') },
];

const routeColumns: Column<RouteRow>[] = [
  { header: 'Node', text: (r) => r.node },
  { header: 'Route', text: (r) => r.raw, render: (r) => <code>{r.raw}</code> },
  {
    header: 'Explanation',
    text: (r) => r.explanation.replaceAll('`', ''),
    render: (r) => <RichText text={r.explanation} />,
  },
];

const serviceColumns: Column<ServiceStatus>[] = [
  { header: 'Service', text: (s) => `${s.namespace}/${s.name}` },
  { header: 'External IP', text: (s) => s.externalIPs.join(', ') || '<pending>' },
  { header: 'Lease held by', text: (s) => s.leaseHolder?.node ?? '' },
  {
    header: 'Answered ARP',
    text: (s) => (s.answeredBy ? measurementText(s.answeredBy).replace(/^answered ARP: /, '') : 'not measured yet'),
  },
  { header: 'Endpoints', text: (s) => String(s.readyEndpoints), numeric: true },
  {
    header: 'Why',
    text: (s) =>
      s.externalIPs.length === 0
        ? `<pending>: ${s.findings[0]?.message ?? 'no address yet'}`
        : (s.findings[0]?.message ?? ''),
  },
];

const poolColumns: Column<PoolStatus>[] = [
  { header: 'Pool', text: (p) => p.name },
  { header: 'Ranges', text: (p) => p.ranges.join(', ') },
  {
    header: 'Used',
    text: (p) => `${p.used ?? 0}/${p.total ?? '?'}`,
    render: (p) => <UsageBar used={p.used} total={p.total} label={`Usage of pool ${p.name}`} />,
  },
  { header: 'State', text: (p) => (p.disabled ? 'disabled' : p.conflict ? 'conflict' : 'enabled') },
];

const leaseColumns: Column<LeaseRow>[] = [
  { header: 'Lease', text: (l) => l.name },
  { header: 'Held by', text: (l) => l.holder ?? '' },
  { header: 'Renewed', text: (l) => (l.renewTime ? clockTime(l.renewTime) : '') },
  { header: 'Duration (s)', text: (l) => String(l.leaseDurationSeconds ?? ''), numeric: true },
];

const hostColumns: Column<HostRoute>[] = [
  { header: 'Route', text: (r) => r.raw, render: (r) => <code>{r.raw}</code> },
  { header: 'Network', text: (r) => r.network ?? '' },
  {
    header: 'Explanation',
    text: (r) => r.explanation.replaceAll('`', ''),
    render: (r) => <RichText text={r.explanation} />,
  },
];

/**
 * The same facts as the graph, as tables: Services first (which node answers for each IP is
 * the question most readers bring), then Pools, Leases, Nodes, Routes, Host routes.
 */
export function TopologyTables({ topology, status }: { topology: ClusterTopology; status: ClusterStatus | undefined }) {
  const routes = topology.nodes.flatMap((n) => n.routes.map((r) => ({ ...r, node: n.name })));
  return (
    <div className="tables">
      <DataTable
        title="Services"
        rows={(status?.services ?? []).filter((s) => s.type === 'LoadBalancer')}
        columns={serviceColumns}
        rowKey={(s) => `${s.namespace}/${s.name}`}
      />
      <DataTable title="Pools" rows={status?.pools ?? []} columns={poolColumns} rowKey={(p) => p.name} />
      <DataTable title="Leases" rows={status?.leases ?? []} columns={leaseColumns} rowKey={(l) => l.name} />
      <DataTable title="Nodes" rows={topology.nodes} columns={nodeColumns(status)} rowKey={(n) => n.name} />
      <DataTable title="Routes" rows={routes} columns={routeColumns} rowKey={(r) => `${r.node} ${r.raw}`} />
      <DataTable title="Host routes" rows={topology.host.routes} columns={hostColumns} rowKey={(r) => r.raw} />
    </div>
  );
}
