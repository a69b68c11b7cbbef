import { useCallback, useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ClusterStatus, ClusterTopology } from '@contract';
import { useAppContext, useAppStore } from '../../app-context';
import { followClusterStatus } from '../clusters/status-loader';
import { refreshTopologyCommand } from './topology-commands';
import { followTopology } from './topology-loader';
import { ClusterPicker } from '../../components/ClusterPicker';
import { CommandButton } from '../../components/CommandButton';
import { saveText } from '../../components/clipboard';
import { ErrorNotice } from '../../components/ErrorNotice';
import { FindingList } from '../../components/FindingList';
import { darkPalette, exportSvg, lightPalette } from './graph/export-svg';
import { TopologyGraph } from './graph/TopologyGraph';
import { useGraphLayout } from './graph/use-graph-layout';
import { useTopologySpec } from './graph/use-topology-spec';
import { SidePanel } from './SidePanel';
import { useBgpView } from './use-bgp-view';
import { TopologyTables } from './tables/TopologyTables';
import './topology.css';

/** The data path of a kind cluster as a figure: this machine → bridge → veth pairs → nodes → pods → LoadBalancer IPs. */
export function TopologyPage() {
  const context = useAppContext();
  const { clusters, topology, error, status } = useAppStore(
    useShallow((state) => ({
      clusters: state.clusters,
      topology: state.topology,
      error: state.topologyError,
      status: state.clusterStatus,
    })),
  );
  useEffect(() => followTopology(context), [context]);
  // The Kubernetes side joins the picture: pod CIDRs, LoadBalancer IPs and who holds each lease.
  useEffect(() => followClusterStatus(context), [context]);

  return (
    <div className="topology-page">
      {error && <ErrorNotice error={error} title="Kindscope cannot show this cluster" />}
      {clusters && clusters.length === 0 && (
        <section className="card" aria-label="No clusters">
          <p>
            No kind clusters on this Docker engine. Create one in Create lab, or with <code>kind create cluster</code>.
          </p>
        </section>
      )}
      {!clusters && !error && <p className="muted">Looking for kind clusters…</p>}
      {topology ? (
        <TopologyView topology={topology} status={status?.cluster === topology.name ? status : undefined} />
      ) : (
        <TopologyHeader onExport={undefined} exportUnavailable="Nothing to export until the topology is read." />
      )}
    </div>
  );
}

function TopologyHeader({
  onExport,
  exportUnavailable,
}: {
  onExport: (() => void) | undefined;
  /** Why Export is greyed out, said beside it (a disabled button alone explains nothing). */
  exportUnavailable?: string;
}) {
  const { view, setView } = useAppStore(
    useShallow((state) => ({ view: state.topologyView, setView: state.setTopologyView })),
  );
  return (
    <header className="page-header page-header-row">
      <div>
        <h1>Topology</h1>
        <p className="muted">The data path, live, from this machine to each LoadBalancer IP.</p>
      </div>
      <span className="spacer" />
      <ClusterPicker />
      <div className="segmented" role="group" aria-label="View">
        <button type="button" aria-pressed={view === 'graph'} onClick={() => setView('graph')}>
          Graph
        </button>
        <button type="button" aria-pressed={view === 'tables'} onClick={() => setView('tables')}>
          Tables
        </button>
      </div>
      <button
        type="button"
        className="button button-secondary"
        disabled={!onExport}
        onClick={onExport}
        {...(!onExport && exportUnavailable ? { 'aria-describedby': 'export-unavailable' } : {})}
      >
        Export SVG
      </button>
      {!onExport && exportUnavailable && (
        <span id="export-unavailable" className="muted small export-unavailable">
          {exportUnavailable}
        </span>
      )}
      <CommandButton command={refreshTopologyCommand} />
    </header>
  );
}

function TopologyView({ topology, status }: { topology: ClusterTopology; status: ClusterStatus | undefined }) {
  const view = useAppStore((state) => state.topologyView);
  return (
    <>
      {/* The graph (its spec, its ELK layout) exists only while it is shown: the tables need neither. */}
      {view === 'graph' ? (
        <GraphView topology={topology} status={status} />
      ) : (
        <>
          <TopologyHeader onExport={undefined} exportUnavailable="Export draws the graph: switch to Graph." />
          <TopologyTables topology={topology} status={status} />
        </>
      )}
      {/* Addresses the picture draws (Docker's, now) that Kubernetes does not know: the cluster may be broken. */}
      <FindingList
        findings={(status?.findings ?? []).filter((f) => f.code === 'node-ip-changed')}
        label="Node addresses"
      />
      {topology.problems.map((problem) => (
        <ErrorNotice
          key={problem}
          error={{ code: 'DOCKER_ERROR', message: problem, hint: 'The rest of the picture is still accurate.' }}
        />
      ))}
      <p className="muted small">
        {view === 'graph'
          ? 'Select a box (click, or Tab then Enter) for its details and its path; arrow keys move between boxes. · '
          : ''}
        Snapshot {new Date(topology.generatedAt).toLocaleTimeString()} in {topology.tookMs} ms
        {topology.apiServer ? ` · API server ${topology.apiServer.address}:${topology.apiServer.port}` : ''}
        {status ? ` · Kubernetes ${status.connection.state}` : ' · Kubernetes side not loaded'}
      </p>
    </>
  );
}

function GraphView({ topology, status }: { topology: ClusterTopology; status: ClusterStatus | undefined }) {
  const { selected, select, expandedGroups, toggleGroup } = useAppStore(
    useShallow((state) => ({
      selected: state.topologySelection,
      select: state.selectTopologyItem,
      expandedGroups: state.expandedGroups,
      toggleGroup: state.toggleGroup,
    })),
  );
  const bgp = useBgpView(topology);
  const spec = useTopologySpec(topology, status, expandedGroups, bgp);
  const layout = useGraphLayout(spec);
  const onSelect = useCallback(
    (id: string | undefined) => {
      // A group opens on click; the selection moves to its node, whose path then lights its services.
      if (id?.startsWith('group:')) {
        toggleGroup(id.slice('group:'.length));
        return select(`node:${id.slice('group:'.length)}`);
      }
      select(id);
    },
    [select, toggleGroup],
  );
  const onExport = useCallback(() => {
    if (!layout.positions) return;
    const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
    const svg = exportSvg(
      spec,
      layout.positions,
      dark ? darkPalette : lightPalette,
      `Kindscope topology of ${topology.name}`,
    );
    saveText(`${topology.name}-topology.svg`, svg, 'image/svg+xml');
  }, [spec, layout.positions, topology.name]);

  return (
    <>
      <TopologyHeader onExport={layout.positions ? onExport : undefined} exportUnavailable="Laying out the graph…" />
      <div className={`topology-graph-layout${selected ? ' has-details' : ''}`}>
        <section className="graph-region" aria-label="Topology graph">
          {layout.positions ? (
            <TopologyGraph
              spec={spec}
              positions={layout.positions}
              generation={layout.generation}
              selected={selected}
              onSelect={onSelect}
            />
          ) : (
            <p className="muted">Laying out…</p>
          )}
        </section>
        {selected && (
          <SidePanel
            selected={selected}
            topology={topology}
            status={status}
            {...(bgp ? { bgp } : {})}
            onToggleGroup={toggleGroup}
            onClose={() => select(undefined)}
          />
        )}
      </div>
    </>
  );
}
