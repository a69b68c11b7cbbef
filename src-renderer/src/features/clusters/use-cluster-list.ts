import type { AppError, CallOutput, ClusterStatus, KindClusterSummary, RunRecord } from '@contract';
import { useQuery } from '../../data/hooks';

export type FixPlan = CallOutput<'lab:fix-plan'>;

export interface ClusterRow {
  summary: KindClusterSummary;
  status?: ClusterStatus;
  statusError?: AppError;
  fixPlan?: FixPlan;
  fixPlanError?: AppError;
}

const newestFirst = (a: RunRecord, b: RunRecord) => b.createdAt.localeCompare(a.createdAt);

/**
 * Every kind cluster on the engine and every run on this machine, kept current by the
 * pushed cluster list and run changes. Each row reads its own cluster's side
 * ({@link useClusterDetails}).
 */
export function useClusterList(): { summaries?: KindClusterSummary[]; runs: RunRecord[]; error?: AppError } {
  const clusters = useQuery(
    'topology:clusters',
    {},
    { patch: { 'topology:clusters-changed': (_current, pushed) => pushed } },
  );
  const runs = useQuery(
    'lab:runs',
    {},
    {
      patch: {
        'lab:run-changed': (current, run) =>
          current && { runs: [run, ...current.runs.filter((r) => r.id !== run.id)].sort(newestFirst) },
      },
    },
  );
  return {
    ...(clusters.value ? { summaries: clusters.value.clusters } : {}),
    runs: runs.value?.runs ?? [],
    ...(clusters.error ? { error: clusters.error } : {}),
  };
}

/**
 * One cluster's Kubernetes side where it can be read, and the repairs the pipeline offers
 * for it. A finished fix, start or stop changes both; what needs fixing also follows the
 * cluster's pushed state (asked again at most once per second).
 */
export function useClusterDetails(name: string): Omit<ClusterRow, 'summary'> {
  const finishedHere = (run: RunRecord) => run.cluster === name && run.state !== 'running';
  const status = useQuery(
    'cluster:status',
    { cluster: name },
    {
      patch: { 'cluster:status-changed': (_current, pushed) => (pushed.cluster === name ? pushed : undefined) },
      refetchOn: { 'lab:run-changed': finishedHere },
    },
  );
  // Asked once the cluster's own side was read (as before: no repair plan for a cluster that cannot be read).
  const readable = status.value !== undefined && status.error === undefined;
  const fix = useQuery('lab:fix-plan', readable ? { cluster: name } : undefined, {
    refetchOn: { 'cluster:status-changed': (pushed) => pushed.cluster === name, 'lab:run-changed': finishedHere },
    coalesceMs: 1_000,
  });
  // A cluster whose Kubernetes side cannot be read offers no repairs from a stale plan.
  if (status.error) return { statusError: status.error };
  return {
    ...(status.value ? { status: status.value } : {}),
    ...(fix.value ? { fixPlan: fix.value } : {}),
    ...(fix.error ? { fixPlanError: fix.error } : {}),
  };
}
