import { useEffect, useState } from 'react';
import type { AppError, KindClusterSummary, Result, RunRecord } from '@contract';
import { useAppStore } from '../../app-context';
import { useAction } from '../../data/hooks';
import { ErrorNotice } from '../../components/ErrorNotice';
import { saveText } from '../../components/clipboard';
import { ConfirmDialog } from '../runs/ConfirmDialog';
import { RunView } from '../runs/RunView';
import { runHash, useRunIdFromHash } from '../runs/run-route';
import { ClustersPage } from './ClustersPage';
import { FixDialog } from './FixDialog';
import { UpgradeDialog } from './UpgradeDialog';
import { useClusterDetails, useClusterList, type ClusterRow, type FixPlan } from './use-cluster-list';
import './clusters.css';

const openPrefix = '#/clusters/open/';

function useOpenCluster(): string | undefined {
  const read = () =>
    window.location.hash.startsWith(openPrefix)
      ? decodeURIComponent(window.location.hash.slice(openPrefix.length))
      : undefined;
  const [open, setOpen] = useState(read);
  useEffect(() => {
    const sync = () => setOpen(read());
    window.addEventListener('hashchange', sync);
    return () => window.removeEventListener('hashchange', sync);
  }, []);
  return open;
}

/** Clusters: every kind cluster on the engine as a list; Open shows one cluster's detail. */
export function ClusterListPage() {
  const open = useOpenCluster();
  const runId = useRunIdFromHash();
  const selectCluster = useAppStore((state) => state.selectCluster);
  useEffect(() => {
    if (open) selectCluster(open);
  }, [open, selectCluster]);
  if (open) {
    return (
      <>
        <a className="back-link" href="#/clusters">
          ← All clusters
        </a>
        <ClustersPage />
      </>
    );
  }
  if (runId) {
    // A fix, stop, start or delete started here: its run view, with the way back.
    return (
      <>
        <a className="back-link" href="#/clusters">
          ← All clusters
        </a>
        <RunView id={runId} />
      </>
    );
  }
  return <ClusterList />;
}

const kubernetesVersion = (image?: string) => /:(v\d+\.\d+\.\d+)/.exec(image ?? '')?.[1];

type Pending =
  | { kind: 'delete'; cluster: string; containers: string[]; context: string }
  | { kind: 'fix'; cluster: string; plan: FixPlan }
  | { kind: 'upgrade'; cluster: string };

function ClusterList() {
  const { summaries, runs, error } = useClusterList();
  const [pending, setPending] = useState<Pending>();
  const [actionError, setActionError] = useState<AppError>();
  const stop = useAction('lab:stop');
  const start = useAction('lab:start');
  const deletePlan = useAction('lab:delete-plan');
  const kubeconfig = useAction('cluster:kubeconfig');
  const remove = useAction('lab:delete');
  const fix = useAction('lab:fix');
  const upgrade = useAction('lab:upgrade');
  const busy = remove.busy || fix.busy || upgrade.busy;
  const toRun = (result: Result<RunRecord>) => {
    setPending(undefined);
    if (!result.ok) return setActionError(result.error);
    window.location.hash = runHash(result.value.id, result.value.kind);
  };
  const actions: RowActions = {
    stopStart: (row) => void (row.summary.running > 0 ? stop : start).run({ cluster: row.summary.name }).then(toRun),
    askDelete: (row) =>
      void deletePlan
        .run({ cluster: row.summary.name })
        .then((result) =>
          result.ok
            ? setPending({ kind: 'delete', cluster: row.summary.name, ...result.value })
            : setActionError(result.error),
        ),
    askFix: (row) => row.fixPlan && setPending({ kind: 'fix', cluster: row.summary.name, plan: row.fixPlan }),
    askUpgrade: (row) => setPending({ kind: 'upgrade', cluster: row.summary.name }),
    exportKubeconfig: (row) =>
      void kubeconfig
        .run({ cluster: row.summary.name })
        .then((result) =>
          result.ok
            ? saveText(`${result.value.context}.kubeconfig`, result.value.kubeconfig, 'application/yaml')
            : setActionError(result.error),
        ),
  };
  return (
    <>
      <header className="page-header page-header-row">
        <div>
          <h1>Clusters</h1>
          <p className="muted">
            Every kind cluster on this Docker engine: its nodes, Cilium and LoadBalancer services — and what Kindscope
            can fix.
          </p>
        </div>
        <span className="spacer" />
        <a className="button button-primary" href="#/create-lab">
          Create lab
        </a>
      </header>
      {error && <ErrorNotice error={error} title="The clusters could not be listed" />}
      {actionError && <ErrorNotice error={actionError} onDismiss={() => setActionError(undefined)} />}
      {!summaries && !error && <p className="muted">Looking for kind clusters…</p>}
      {summaries?.length === 0 && (
        <section className="card empty-state">
          <h2>No kind clusters on this engine</h2>
          <p className="muted">
            Create lab builds one (kind, Cilium, a pool and a sample app, checked end to end), or run `kind create
            cluster` yourself and it appears here.
          </p>
        </section>
      )}
      {summaries && summaries.length > 0 && (
        <div className="cluster-table-scroll">
          <table className="cluster-table">
            <caption className="visually-hidden">Kind clusters</caption>
            <thead>
              <tr>
                <th scope="col">Cluster</th>
                <th scope="col">Nodes · Kubernetes</th>
                <th scope="col">Cilium</th>
                <th scope="col">LoadBalancers</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {summaries.map((summary) => (
                <ClusterTableRow
                  key={summary.name}
                  summary={summary}
                  madeByKindscope={runs.some(
                    (r) => r.kind === 'create' && r.cluster === summary.name && r.state !== 'cleaned',
                  )}
                  actions={actions}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <PastRuns runs={runs} />
      {pending?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete ${pending.cluster}?`}
          confirmLabel="Delete cluster"
          danger
          busy={busy}
          onCancel={() => setPending(undefined)}
          onConfirm={() => void remove.run({ cluster: pending.cluster, confirm: true }).then(toRun)}
        >
          <p>
            <code>kind delete cluster --name {pending.cluster}</code> removes these node containers and the kubeconfig
            context <code>{pending.context}</code>. The <code>kind</code> network stays, as kind leaves it.
          </p>
          <ul className="removal-list" aria-label="Will be removed">
            {pending.containers.map((c) => (
              <li key={c}>
                <span className="muted">container</span> <code>{c}</code>
              </li>
            ))}
            <li>
              <span className="muted">kubeconfig context</span> <code>{pending.context}</code>
            </li>
          </ul>
        </ConfirmDialog>
      )}
      {pending?.kind === 'fix' && (
        <FixDialog
          cluster={pending.cluster}
          plan={pending.plan}
          busy={busy}
          onCancel={() => setPending(undefined)}
          onConfirm={(repairs) => void fix.run({ cluster: pending.cluster, confirm: true, repairs }).then(toRun)}
        />
      )}
      {pending?.kind === 'upgrade' && (
        <UpgradeDialog
          cluster={pending.cluster}
          busy={busy}
          onCancel={() => setPending(undefined)}
          onConfirm={(cilium, confirmed) =>
            void upgrade.run({ cluster: pending.cluster, cilium, confirm: true, confirmed }).then(toRun)
          }
        />
      )}
    </>
  );
}

interface RowActions {
  stopStart(row: ClusterRow): void;
  askDelete(row: ClusterRow): void;
  askFix(row: ClusterRow): void;
  askUpgrade(row: ClusterRow): void;
  exportKubeconfig(row: ClusterRow): void;
}

function CiliumCell({ row }: { row: ClusterRow }) {
  if (row.statusError) {
    return (
      <span className="cell-unreadable" title={`${row.statusError.message} — ${row.statusError.hint}`}>
        <span className="muted">not readable</span>
        <span className="cell-reason">{row.statusError.message}</span>
      </span>
    );
  }
  const status = row.status;
  if (!status) return <span className="muted">reading…</span>;
  const c = status.cilium;
  if (!c.installed) return <span className="cell-bad">not installed</span>;
  const ready = c.agents.ready === c.agents.desired && c.agents.desired > 0;
  return (
    <span className={ready ? 'cell-ok' : 'cell-warn'}>
      {c.version ? `v${c.version}` : 'installed'} · agents {c.agents.ready}/{c.agents.desired} · L2{' '}
      {c.l2Announcements ? 'on' : 'off'}
    </span>
  );
}

function ClusterTableRow({
  summary,
  madeByKindscope,
  actions,
}: {
  summary: KindClusterSummary;
  madeByKindscope: boolean;
  actions: RowActions;
}) {
  const row: ClusterRow = { summary, ...useClusterDetails(summary.name) };
  const { status, fixPlan } = row;
  const pendingCount = status?.services.filter((s) => s.externalIPs.length === 0).length ?? 0;
  return (
    <tr aria-label={`Cluster ${summary.name}`}>
      <th scope="row">
        <a href={`${openPrefix}${encodeURIComponent(summary.name)}`}>{summary.name}</a>
        <br />
        {madeByKindscope ? (
          <span className="tag tag-kindscope" title="A Kindscope run on this machine created it">
            made by Kindscope
          </span>
        ) : (
          <span className="tag" title="No Kindscope run on this machine created it">
            made by hand
          </span>
        )}
      </th>
      <td>
        <span
          className={summary.running === summary.nodes ? 'cell-ok' : summary.running === 0 ? 'cell-muted' : 'cell-warn'}
        >
          {summary.running}/{summary.nodes} running
        </span>
        <br />
        {kubernetesVersion(summary.image) ?? (
          <span
            className="muted"
            title="Docker lists the node image by ID only (its tag was moved since), so its version is not known here"
          >
            version unknown
          </span>
        )}
      </td>
      <td>
        <CiliumCell row={row} />
      </td>
      <td>
        {status ? (
          <>
            {status.services.length}
            {pendingCount > 0 && <span className="cell-warn"> · {pendingCount} &lt;pending&gt;</span>}
          </>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="row-actions-cell">
        <div className="row-actions">
          {row.fixPlanError && !row.statusError && (
            <span className="muted small" title={row.fixPlanError.hint}>
              no fix: {row.fixPlanError.message}
            </span>
          )}
          {fixPlan && fixPlan.fixes.length > 0 && (
            <button
              type="button"
              className="button button-small button-primary"
              aria-label={`Fix ${summary.name}`}
              title={`Missing: ${fixPlan.fixes.join(', ')}`}
              onClick={() => actions.askFix(row)}
            >
              Fix
            </button>
          )}
          {status?.cilium.installed && (
            <button
              type="button"
              className="button button-small"
              aria-label={`Upgrade Cilium on ${summary.name}`}
              onClick={() => actions.askUpgrade(row)}
            >
              Upgrade Cilium
            </button>
          )}
          <a
            className="button button-small"
            href={`${openPrefix}${encodeURIComponent(summary.name)}`}
            aria-label={`Open ${summary.name}`}
          >
            Open
          </a>
          <button
            type="button"
            className="button button-small"
            aria-label={`${summary.running > 0 ? 'Stop' : 'Start'} ${summary.name}`}
            onClick={() => actions.stopStart(row)}
          >
            {summary.running > 0 ? 'Stop' : 'Start'}
          </button>
          <button
            type="button"
            className="button button-small"
            aria-label={`Export kubeconfig of ${summary.name}`}
            onClick={() => actions.exportKubeconfig(row)}
          >
            Kubeconfig
          </button>
          <button
            type="button"
            className="button button-small button-danger-outline"
            aria-label={`Delete ${summary.name}`}
            onClick={() => actions.askDelete(row)}
          >
            Delete…
          </button>
        </div>
      </td>
    </tr>
  );
}

const runKinds: Record<RunRecord['kind'], string> = {
  create: 'Create',
  fix: 'Fix',
  start: 'Start',
  stop: 'Stop',
  delete: 'Delete',
  upgrade: 'Upgrade',
  rollback: 'Roll back',
  rebuild: 'Rebuild',
};

function PastRuns({ runs }: { runs: RunRecord[] }) {
  return (
    <section className="card" aria-labelledby="past-runs-title">
      <h2 id="past-runs-title">Runs</h2>
      {runs.length === 0 ? (
        <p className="muted">
          No runs yet: Create lab, Fix, Stop, Start and Delete each leave a run here, with every step's log.
        </p>
      ) : (
        <ul className="run-list" aria-label="Runs">
          {runs.slice(0, 30).map((run) => (
            <li key={run.id}>
              <a
                href={runHash(run.id, run.kind)}
                aria-label={`${runKinds[run.kind]} ${run.cluster}, ${run.state}, ${new Date(run.createdAt).toLocaleString()}`}
              >
                {runKinds[run.kind]} <code>{run.cluster}</code>
              </a>
              <span className={`run-list-state run-list-${run.state}`}>{run.state}</span>
              <span className="muted small">{new Date(run.createdAt).toLocaleString()}</span>
              {run.state === 'failed' && (
                <span className="muted small">at “{run.steps.find((s) => s.state === 'failed')?.title}”</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
