import type { RunRecord } from '../../../contract';
import type { Disposable, Event } from '../../util/emitter';

/** The runs that change a cluster's data path inside its nodes, where no Docker event says when it is done. */
// Upgrade and rollback restart the agents; rebuild makes new nodes (issue 30).
const settlingKinds = new Set<RunRecord['kind']>(['create', 'fix', 'start', 'stop', 'upgrade', 'rollback', 'rebuild']);

const endedSteps = (record: RunRecord) =>
  record.steps.filter((s) => s.state === 'done' || s.state === 'failed' || s.state === 'skipped').length;

/**
 * After each step a build, fix, start or stop run ends (and when the run ends), asks for the
 * cluster to be re-read until it settles (TopologyService.settleCluster). Driven by the run's
 * own transitions — a progress line or a log line is not one — so the live model follows
 * the run without anyone pressing Refresh.
 */
export function settleAfterSteps(onDidChangeRun: Event<RunRecord>, settle: (cluster: string) => void): Disposable {
  const seen = new Map<string, string>();
  return onDidChangeRun((record) => {
    if (!settlingKinds.has(record.kind)) return;
    const mark = `${endedSteps(record)}/${record.state}`;
    const last = seen.get(record.id);
    if (last === mark) return;
    seen.set(record.id, mark);
    if (record.state !== 'running') seen.delete(record.id);
    // The first transition of a run (its journal written, nothing ended yet) changed nothing.
    if (last === undefined && endedSteps(record) === 0 && record.state === 'running') return;
    settle(record.cluster);
  });
}
