import type { lifecycleCalls, runCalls } from '../contract/run';
import type { ClusterStatus } from '../contract';
import type { ClusterStatusSource } from '../core/lab/run/cluster-watch';
import type { LabRunService } from '../core/lab/run/lab-run-service';
import type { Handlers } from './router';

type RunHandlers = Pick<Handlers, keyof typeof runCalls | keyof typeof lifecycleCalls>;

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
    labFix: ({ cluster, confirm }) => runs().fix(cluster, confirm),
  };
}

/**
 * A cluster's live status for the pipeline's waits, from the one status service the app
 * keeps per cluster. The cluster may not exist yet when a wait starts (the run is creating
 * it): the subscription attaches as soon as the service can start.
 */
export function statusSourceFrom(get: () => Promise<{ status(): Promise<ClusterStatus>; onDidChange(listener: (status: ClusterStatus) => void): () => void }>): ClusterStatusSource {
  return {
    status: async () => (await get()).status(),
    onDidChange(listener) {
      let stop: (() => void) | undefined;
      let disposed = false;
      let timer: NodeJS.Timeout | undefined;
      const attach = () => {
        get().then(
          (service) => {
            if (disposed) return;
            stop = service.onDidChange(listener);
            void service.status().then(listener, () => undefined);
          },
          () => {
            // The API server is not up yet: try again shortly (this is connecting, not polling data).
            if (!disposed) timer = setTimeout(attach, 2_000);
          },
        );
      };
      attach();
      return () => {
        disposed = true;
        clearTimeout(timer);
        stop?.();
      };
    },
  };
}
