import type { DockerAccess } from '../../docker/docker-engine-service';
import type { ConnectivityHop, LabRendering, RunRecord } from '../../../contract';
import type { RunOptions, RunResult } from '../../tools/run-tool';
import type { LabPlanService } from '../lab-plan-service';
import type { ClusterStatusSource } from './cluster-watch';
import type { LabPipelineDeps, LabTool } from './create-pipeline';
import { nodeAddresses } from './kind-nodes';
import type { LifecycleDeps } from './lifecycle-pipelines';
import { readEngineFacts, runPreflight } from './preflight';
import { verifyService, type VerifyProbes } from './verify-service';
import type { VerifyStepDeps } from './verify-step';

/** What the pipelines get from the app: the tools, the engine, the live status, the probes. */
export interface PipelineSources {
  lab: LabPlanService;
  /** The engine followed now (read per use: it changes when the engine is retargeted). */
  docker: DockerAccess;
  runTool(name: LabTool, args: string[], options: RunOptions): Promise<RunResult>;
  toolStatus: Parameters<typeof runPreflight>[0]['toolStatus'];
  /** The kind clusters on the engine (Docker labels). */
  listClusters(): Promise<string[]>;
  /** The cluster wing's live status of a cluster: the one watcher every wait uses. */
  statusSource(cluster: string): ClusterStatusSource;
  probes?: VerifyProbes;
  /** Whether the engine followed now runs on this Linux machine (asked per run: the engine may be retargeted). */
  engineIsLocalLinux(): boolean;
  /** Extra preflight findings about this machine (core/host connectivity: docker-mac-net-connect on macOS). */
  hostPreflight?(cluster: string): Promise<Awaited<ReturnType<typeof runPreflight>>>;
  /** The hops from this machine to a cluster (core/host connectivity), checked by the final verification. */
  hostCheck?(cluster: string): Promise<ConnectivityHop[]>;
  timeouts?: { cilium?: number; externalIP?: number };
}

/** What every final verification uses (create and the lifecycle runs alike): the live status, the measured probe, the hop checks. */
function verifyDeps(o: PipelineSources, cluster: string): VerifyStepDeps {
  const { statusSource, probes, hostCheck } = o;
  return {
    statusSource: () => statusSource(cluster),
    verify: async (namespace, name) => verifyService(await statusSource(cluster).status(), namespace, name, probes),
    ...(hostCheck ? { hostCheck: () => hostCheck(cluster) } : {}),
  };
}

/** The stop, start, delete and fix runs' deps for a cluster. */
export function lifecycleDeps(o: PipelineSources, cluster: string): LifecycleDeps {
  return {
    docker: o.docker(),
    runTool: o.runTool,
    ...verifyDeps(o, cluster),
    environment: async () => (await o.lab.environment(cluster)).env,
    ...(o.timeouts ? { timeouts: o.timeouts } : {}),
  };
}

/** The create run's deps: the preflight on this machine and engine, the node addresses, the verification. */
export function createDeps(o: PipelineSources, record: RunRecord, rendering: LabRendering): LabPipelineDeps {
  const cluster = rendering.plan.cluster.name;
  return {
    runTool: o.runTool,
    preflight: async () => {
      const clusters = await o.listClusters();
      // On resume the cluster is this run's own: it is not "taken".
      const own = record.created.some((r) => r.kind === 'kind-cluster' && r.name === cluster);
      const checks = await runPreflight({
        cluster,
        kindVersion: rendering.plan.cluster.kindVersion,
        kubernetesVersion: kubernetesVersionOf(rendering),
        ...(await readEngineFacts(o.docker())),
        existingClusters: own ? clusters.filter((c) => c !== cluster) : clusters,
        toolStatus: o.toolStatus,
        engineIsLocalLinux: o.engineIsLocalLinux(),
      });
      return [...checks, ...((await o.hostPreflight?.(cluster).catch(() => [])) ?? [])];
    },
    ...verifyDeps(o, cluster),
    nodeAddresses: () => nodeAddresses(o.docker(), cluster),
    // The kind network once kind made it: the carve-pool step carves (or checks) the pool there.
    environment: async () => (await o.lab.environment(cluster)).env,
    ...(o.timeouts ? { timeouts: o.timeouts } : {}),
  };
}

function kubernetesVersionOf(rendering: LabRendering): string {
  return /:v(\d+\.\d+\.\d+)/.exec(rendering.plan.cluster.nodeImage)?.[1] ?? '0.0.0';
}
