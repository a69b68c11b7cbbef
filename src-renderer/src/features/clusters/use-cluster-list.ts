import { useCallback, useEffect, useState } from 'react';
import type { AppError, CallOutput, ClusterStatus, KindClusterSummary, RunRecord } from '@contract';
import { useAppContext } from '../../app-context';

export type FixPlan = CallOutput<'lab:fix-plan'>;

export interface ClusterRow {
  summary: KindClusterSummary;
  status?: ClusterStatus;
  statusError?: AppError;
  fixPlan?: FixPlan;
  fixPlanError?: AppError;
}

/**
 * Every kind cluster on the engine, each with its Kubernetes side where it can be read
 * and the repairs the pipeline offers for it; and every run on this machine. Kept
 * current by the pushed cluster list, status and run changes.
 */
export function useClusterList(): { rows?: ClusterRow[]; runs: RunRecord[]; error?: AppError; reload(): void } {
  const { client } = useAppContext();
  const [summaries, setSummaries] = useState<KindClusterSummary[]>();
  const [details, setDetails] = useState<Record<string, Omit<ClusterRow, 'summary'>>>({});
  const [runs, setRuns] = useState<RunRecord[]>([]);
  const [error, setError] = useState<AppError>();

  const fixPlan = useCallback(
    async (name: string) => {
      const fix = await client.invoke('lab:fix-plan', { cluster: name });
      setDetails((d) => ({
        ...d,
        [name]: {
          ...d[name],
          ...(fix.ok ? { fixPlan: fix.value, fixPlanError: undefined } : { fixPlanError: fix.error }),
        },
      }));
    },
    [client],
  );

  const detail = useCallback(
    async (name: string) => {
      const status = await client.invoke('cluster:status', { cluster: name });
      if (!status.ok) return setDetails((d) => ({ ...d, [name]: { statusError: status.error } }));
      setDetails((d) => ({ ...d, [name]: { ...d[name], status: status.value, statusError: undefined } }));
      await fixPlan(name);
    },
    [client, fixPlan],
  );

  const reload = useCallback(() => {
    void client.invoke('topology:clusters', {}).then((result) => {
      if (!result.ok) return setError(result.error);
      setError(undefined);
      setSummaries(result.value.clusters);
      for (const cluster of result.value.clusters) void detail(cluster.name);
    });
    void client.invoke('lab:runs', {}).then((result) => result.ok && setRuns(result.value.runs));
  }, [client, detail]);

  useEffect(() => {
    const fixAsked = new Map<string, number>();
    reload();
    const stops = [
      client.subscribe('topology:clusters-changed', ({ clusters }) => setSummaries(clusters)),
      client.subscribe('cluster:status-changed', (status) => {
        setDetails((d) => ({ ...d, [status.cluster]: { ...d[status.cluster], status } }));
        // What needs fixing follows the cluster's state (asked at most once per second per cluster).
        const last = fixAsked.get(status.cluster) ?? 0;
        if (Date.now() - last > 1_000) {
          fixAsked.set(status.cluster, Date.now());
          void fixPlan(status.cluster);
        }
      }),
      client.subscribe('lab:run-changed', (run) => {
        setRuns((list) =>
          [run, ...list.filter((r) => r.id !== run.id)].sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
        );
        // A finished fix or start changes what the cluster needs.
        if (run.state !== 'running') void detail(run.cluster);
      }),
    ];
    return () => stops.forEach((stop) => stop());
  }, [client, reload, detail, fixPlan]);

  const rows = summaries?.map((summary) => ({ summary, ...details[summary.name] }));
  return { ...(rows ? { rows } : {}), runs, ...(error ? { error } : {}), reload };
}
