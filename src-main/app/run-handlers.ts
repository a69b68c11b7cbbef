import type { lifecycleCalls, runCalls } from '../contract/run';
import type { upgradeCalls } from '../contract/upgrade';
import type { ClusterRegistry } from '../core/cluster/cluster-registry';
import type { ClusterStatusSource } from '../core/lab/run/cluster-watch';
import type { LabRunService } from '../core/lab/run/lab-run-service';
import { toDisposable } from '../core/util/emitter';
import type { Handlers } from './router';

type RunHandlers = Pick<Handlers, keyof typeof runCalls | keyof typeof lifecycleCalls | keyof typeof upgradeCalls>;

/** The pipeline's calls: create, follow, resume, cancel and clean up runs. */
export function runHandlers(runs: () => LabRunService): RunHandlers {
  return {
    labCreate: (source) => runs().create(source),
    labRuns: async () => ({ runs: runs().list() }),
    labRun: async ({ id }) => runs().get(id),
    labRunLog: async ({ id, step }) => runs().log(id, step),
    labResume: ({ id }) => runs().resume(id),
    labCancel: async ({ id }) => runs().cancel(id),
    labCleanupPlan: async ({ id }) => ({ remove: runs().cleanupPlan(id) }),
    labCleanup: ({ id, confirm }) => runs().cleanup(id, confirm),
    labStop: ({ cluster }) => runs().stop(cluster),
    labStart: ({ cluster }) => runs().start(cluster),
    labDeletePlan: ({ cluster }) => runs().deletePlan(cluster),
    labDelete: ({ cluster, confirm }) => runs().delete(cluster, confirm),
    labFixPlan: ({ cluster }) => runs().fixPlan(cluster),
    labFix: ({ cluster, confirm, repairs }) => runs().fix(cluster, confirm, repairs),
    labUpgradeTargets: ({ cluster }) => runs().upgrades.targets(cluster),
    labUpgradePlan: ({ cluster, cilium }) => runs().upgrades.plan(cluster, cilium),
    labUpgrade: ({ cluster, cilium, confirm, confirmed }) =>
      runs().upgrades.upgrade(cluster, cilium, confirm, confirmed),
    labRollback: ({ cluster, confirm }) => runs().upgrades.rollback(cluster, confirm),
    labRebuildPlan: ({ cluster, kind, image }) => runs().upgrades.rebuildPlan(cluster, kind, image),
    labRebuild: ({ cluster, confirm, kind, image }) => runs().upgrades.rebuild(cluster, confirm, kind, image),
  };
}

/**
 * A cluster's live status for the pipeline's waits: the cluster wing's session for it (the
 * one the Clusters page shows — no second watcher), followed while a wait listens.
 */
export function statusSourceFrom(clusters: ClusterRegistry, cluster: string): ClusterStatusSource {
  return {
    status: () => clusters.status(cluster),
    onDidChange(listener) {
      const hold = clusters.hold(cluster);
      const subscription = clusters.onDidChange((status) => {
        if (status.cluster === cluster) listener(status);
      });
      return toDisposable(() => {
        subscription.dispose();
        hold.dispose();
      });
    },
  };
}
