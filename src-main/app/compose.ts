import packageJson from '../../package.json' with { type: 'json' };
import { KindscopeError, toAppError, type AppInfo, type MeasuredBy } from '../contract';
import { createDockerClient } from '../core/docker/docker-client';
import {
  defaultEndpointEnvironment,
  resolveDockerEndpoint,
  type EndpointEnvironment,
} from '../core/docker/docker-endpoint';
import { DockerEngineService, type DockerAccess } from '../core/docker/docker-engine-service';
import { loginShellEndpoint } from '../core/docker/login-shell-endpoint';
import { TopologyService } from '../core/topology/topology-service';
import { ClusterRegistry } from '../core/cluster/cluster-registry';
import { MeasurementStore } from '../core/cluster/measurements';
import { checkService } from '../core/troubleshoot/service-check';
import { arpAsker } from '../core/capture/node-capture';
import { captureImageName } from '../core/capture/capture-image';
import type { ProofDeps } from '../core/host/probe';
import { appDataDir } from '../core/settings/app-paths';
import { SettingsStore } from '../core/settings/settings-store';
import { GuiEnvironment } from '../core/tools/gui-environment';
import { ToolsService } from '../core/tools/tools-service';
import { join } from 'node:path';
import { noEvent } from '../core/util/emitter';
import { createStderrLogger, type Logger } from '../core/util/logger';
import { createWelcomeHandlers } from './welcome-handlers';
import { createRouter, type EventSources, type Handlers, type Router } from './router';
import { LabPlanService } from '../core/lab/lab-plan-service';
import { compatTable } from '../contract/compat-table';
import { labHandlers } from './lab-handlers';
import { LabRunService } from '../core/lab/run/lab-run-service';
import { RunStore } from '../core/lab/run/run-store';
import { settleAfterSteps } from '../core/lab/run/settle-after-steps';
import { runHandlers, statusSourceFrom } from './run-handlers';
import { createDnsFeature, createDnsHandlers, createDnsZoneSource, type DnsFeature } from './dns-handlers';
import { createCaptureHandlers } from './capture-handlers';
import { clusterExportHandlers } from './cluster-export-handlers';
import { createConnectivityHandlers } from './connectivity-handlers';
import { bgpViewOf } from '../core/lab/run/bgp-fix';
import { routerHopsVia } from '../core/host/connectivity-bgp';
import { ConnectivityService } from '../core/host/connectivity-service';

export interface AppOptions {
  transport: AppInfo['transport'];
  /** Follow engines and clusters live (desktop, serve). The CLI answers once and exits. */
  live: boolean;
  endpointEnvironment?: EndpointEnvironment;
  /** Settings and managed tools; the platform's data folder (or KINDSCOPE_HOME) by default. */
  dataDir?: string;
  log?: Logger;
  /** The installed app's bundled single-executable CLI (Electron, when packaged). */
  bundledCliPath?: string;
  /** The repaired GUI environment (login shell); built from the process's own by default. */
  environment?: GuiEnvironment;
  /** How often the DNS zone is re-read besides the pushed changes (ms; by default 30 s live, 2 s in the CLI). */
  dnsRefreshMs?: number;
}

export interface AppServices {
  /** Undefined when the endpoint itself could not be resolved (see `dockerProblem`). */
  docker: DockerEngineService | undefined;
  topology: TopologyService | undefined;
  tools: ToolsService;
  environment: GuiEnvironment;
  /** One session per followed cluster: Kubernetes state joined with the topology, and findings. */
  clusters: ClusterRegistry;
  dockerProblem: KindscopeError | undefined;
  lab: LabPlanService;
  /** The pipeline (create, resume, fix, stop, start, delete); undefined without an engine endpoint. */
  runs: LabRunService | undefined;
  settings: SettingsStore;
  dataDir: string;
  /** Names for LoadBalancer IPs: the DNS responder over the live cluster status (issue 21). */
  dns: DnsFeature;
  /** Reaching the clusters from this machine: `kindscope connectivity`, the pipeline's preflight and final verification. */
  connectivity: ConnectivityService;
  /** Who answered ARP for each IP, as the last view measured it (every proof, capture and drill records here). */
  measurements: MeasurementStore;
}

export interface App {
  services: AppServices;
  router: Router;
  dispose(): Promise<void>;
}

/**
 * The composition root: builds every service once, in dependency order (each from those
 * above it), wires them into the handler table that Electron IPC, serve mode and the CLI all
 * serve, and returns one `dispose` that ends all of them. Every service reaches the engine
 * through one accessor, `docker()`, which follows `DockerEngineService.retarget`.
 */
export function createApp(options: AppOptions): App {
  // The CLI's stderr is for its own messages; its log speaks only of errors unless asked.
  const log =
    options.log ??
    createStderrLogger(
      options.transport,
      options.transport === 'cli' && !process.env.KINDSCOPE_LOG ? 'error' : undefined,
    );
  const dataDir = options.dataDir ?? appDataDir();
  const environment = options.environment ?? new GuiEnvironment();
  // Desktop and serve mode start reading the login shell at once, in the background.
  if (options.live) void environment.loadLoginShell();
  const settings = new SettingsStore(dataDir, log);
  const tools = new ToolsService({ environment, settings, managedDir: join(dataDir, 'tools'), log });
  const kubeconfigEnv = () => environment.value('KUBECONFIG').value;

  const { engine, problem: dockerProblem } = connectEngine(options, environment, log);
  const noEngine = () =>
    dockerProblem ??
    new KindscopeError('DOCKER_ERROR', 'No Docker endpoint', 'Set DOCKER_HOST or select a docker context.');
  /** The engine followed now: the one accessor every service gets. */
  const docker: DockerAccess = () => {
    if (engine) return engine.docker;
    throw noEngine();
  };
  const topology = engine ? new TopologyService({ engine, log }) : undefined;
  const requireTopology = (): TopologyService => {
    if (topology) return topology;
    throw noEngine();
  };
  const measurements = new MeasurementStore();
  const clusters = clusterRegistry(topology, measurements, kubeconfigEnv, log);
  const lab = new LabPlanService({ docker: engine ? docker : undefined, log, kubeconfigEnv });
  const connectivity = new ConnectivityService({
    docker,
    engineClues: () => (engine ? engineClues(engine) : Promise.reject(noEngine())),
    statusOf: (cluster) => clusters.status(cluster),
    routerHops: routerHopsVia((args, runOptions) => tools.run('docker', args, runOptions)),
  });
  const runs =
    engine && topology
      ? new LabRunService({
          store: new RunStore(dataDir),
          lab,
          docker,
          log,
          runTool: (name, args, runOptions) => tools.run(name, args, runOptions),
          toolStatus: (name) => tools.status(name),
          listClusters: async () => (await topology.listClusters()).map((c) => c.name),
          statusSource: (cluster) => statusSourceFrom(clusters, cluster),
          engineIsLocalLinux: () => process.platform === 'linux' && engine.endpoint.host.startsWith('unix://'),
          hostPreflight: (cluster) => connectivity.preflight(cluster),
          hostCheck: async (cluster) => (await connectivity.check(cluster)).hops,
          probes: proofDeps(connectivity, docker, measurements, 'run', settings),
        })
      : undefined;
  // A run's steps change the cluster inside its nodes (Cilium, routes): the followed model is re-read until it settles.
  const settling = runs && topology ? settleAfterSteps(runs.onDidChange, (c) => topology.settleCluster(c)) : undefined;
  // DNS names (issue 21): its zone reads the cluster sessions' status, as `cluster:status` does.
  const dns = createDnsFeature({
    live: options.live,
    log,
    source: createDnsZoneSource({
      clusters: () => requireTopology().listClusters(),
      status: (cluster) => clusters.status(cluster),
      onDidChangeStatus: clusters.onDidChange,
      ...(options.live && topology ? { onDidChangeClusters: topology.onDidChangeClusters } : {}),
    }),
    ...(options.dnsRefreshMs ? { refreshMs: options.dnsRefreshMs } : {}),
  });

  const services: AppServices = {
    docker: engine,
    topology,
    tools,
    environment,
    clusters,
    dockerProblem,
    lab,
    runs,
    settings,
    dataDir,
    dns,
    connectivity,
    measurements,
  };
  const handlers = createHandlers(services, { docker, requireTopology, noEngine }, options, log);
  const router = createRouter(handlers, createEventSources(services), log);
  return {
    services,
    router,
    // The reverse of the build order: runs end (their tools with them) before what they use.
    // Each service aborts its own work in flight and returns once it has ended: no timer,
    // child process or socket of the app is left after it (app/compose-dispose.test.ts).
    dispose: async () => {
      await runs?.dispose();
      settling?.dispose();
      await tools.dispose();
      // The login shell read at start-up, if it has not answered yet.
      await environment.dispose();
      connectivity.dispose();
      // The cluster sessions first: a DNS re-read in flight then ends at once instead of following clusters again.
      clusters.dispose();
      measurements.dispose();
      await dns.dispose();
      await topology?.dispose();
      engine?.dispose();
    },
  };
}

/**
 * The engine Kindscope talks to: the endpoint from the environment (DOCKER_HOST, the docker
 * context), followed live in desktop and serve mode, and moved to the login shell's endpoint
 * once it is read. Undefined with the reason when no endpoint can be resolved.
 */
function connectEngine(
  options: AppOptions,
  environment: GuiEnvironment,
  log: Logger,
): { engine: DockerEngineService | undefined; problem: KindscopeError | undefined } {
  try {
    const endpoint = resolveDockerEndpoint(options.endpointEnvironment ?? defaultEndpointEnvironment());
    const engine = new DockerEngineService({ endpoint, docker: createDockerClient(endpoint), log });
    if (options.live) {
      engine.start();
      void environment.loadLoginShell().then(() => retargetFromLoginShell(engine, environment, options, log));
    }
    return { engine, problem: undefined };
  } catch (error) {
    const problem =
      error instanceof KindscopeError
        ? error
        : new KindscopeError('DOCKER_ERROR', toAppError(error).message, 'Check DOCKER_HOST and your docker context.', {
            cause: error,
          });
    log.warn(problem.message);
    return { engine: undefined, problem };
  }
}

/** Kindscope's own connections follow the login shell's DOCKER_HOST / DOCKER_CONTEXT too, not only the tools it runs. */
function retargetFromLoginShell(
  docker: DockerEngineService,
  environment: GuiEnvironment,
  options: AppOptions,
  log: Logger,
): void {
  try {
    const endpoint = loginShellEndpoint(environment, options.endpointEnvironment);
    if (!endpoint) return;
    log.info(`The login shell selects the Docker engine ${endpoint.host}; following it`);
    docker.retarget(endpoint, createDockerClient(endpoint));
  } catch (error) {
    log.warn(`The login shell's Docker setting is not usable: ${toAppError(error).message}`);
  }
}

/** The engine's flavour and Docker Desktop's version (`docker version` Platform.Name) for the connectivity check. */
async function engineClues(engine: DockerEngineService) {
  const [status, version] = await Promise.all([
    engine.refresh(),
    engine.docker.version() as Promise<{ Platform?: { Name?: string } }>,
  ]);
  return status.engine
    ? { flavour: status.engine.flavour, ...(version.Platform?.Name ? { platformName: version.Platform.Name } : {}) }
    : undefined;
}

/** How handlers reach what may be missing (no engine endpoint): the accessor, or the reason. */
interface EngineAccessors {
  docker: DockerAccess;
  requireTopology(): TopologyService;
  noEngine(): KindscopeError;
}

function createHandlers(services: AppServices, access: EngineAccessors, options: AppOptions, log: Logger): Handlers {
  const { docker, requireTopology, noEngine } = access;
  const requireEngine = (): DockerEngineService => services.docker ?? throwError(noEngine());
  const requireRuns = (): LabRunService => services.runs ?? throwError(noEngine());
  return {
    appInfo: async () => ({ name: 'Kindscope', version: packageJson.version, transport: options.transport }),
    dockerEngine: async ({ refresh }) => {
      const engine = requireEngine();
      return refresh || !options.live || engine.getStatus().state === 'connecting'
        ? engine.refresh()
        : engine.getStatus();
    },
    clusterStatus: ({ cluster }) => services.clusters.status(cluster),
    troubleshootService: async ({ cluster, namespace, service }) => {
      return checkService(
        await services.clusters.status(cluster),
        namespace,
        service,
        proofDeps(services.connectivity, docker, services.measurements, 'check', services.settings),
      );
    },
    toolsReport: () => services.tools.report(),
    toolsDownload: ({ tool, version }) => {
      // kind follows the plan: only a release the compatibility table lists (its node images are pinned to it).
      const releases = [...new Set(compatTable.map((row) => row.kind))];
      if (version !== undefined && tool === 'kind' && !releases.includes(`v${version.replace(/^v/, '')}`))
        throw new KindscopeError(
          'INVALID_INPUT',
          `version: kind ${version} is not a release the compatibility table lists`,
          `Give one of ${releases.join(', ')} (the plan's cluster.kindVersion).`,
        );
      return services.tools.download(tool, undefined, version);
    },
    toolsSetPath: ({ tool, path }) => services.tools.setPath(tool, path),
    topologyClusters: async () => ({ clusters: await requireTopology().listClusters() }),
    topologySnapshot: async ({ cluster, refresh }) => {
      const topology = requireTopology();
      return (!refresh && options.live && topology.cached(cluster)) || topology.snapshot(cluster);
    },
    ...labHandlers(services.lab),
    ...runHandlers(requireRuns),
    ...createWelcomeHandlers({
      ...services,
      transport: options.transport,
      ...(options.bundledCliPath ? { bundledCliPath: options.bundledCliPath } : {}),
    }),
    ...createDnsHandlers(services.dns),
    ...createCaptureHandlers({
      docker,
      proof: () => proofDeps(services.connectivity, docker, services.measurements, 'ping', services.settings),
      measurements: services.measurements,
      statusOf: (cluster) => services.clusters.status(cluster),
      tools: services.tools,
      settings: services.settings,
      dataDir: services.dataDir,
      log,
      decodeAnyPath: options.transport === 'cli',
    }),
    ...clusterExportHandlers(() => kubeconfigOf(services.environment).kubeconfigPath),
    ...createConnectivityHandlers(services.connectivity),
    // The same reader as fix's (the nodes' claim, the router's measurement, the doctor's BGP rules).
    clusterBgp: ({ cluster }) =>
      bgpViewOf(
        {
          runTool: (tool, args, runOptions) => services.tools.run(tool, args, runOptions),
          docker,
          statusSource: (name) => statusSourceFrom(services.clusters, name),
          engineIsLocalLinux: () =>
            process.platform === 'linux' && !!services.docker?.endpoint.host.startsWith('unix://'),
        },
        cluster,
      ),
  };
}

function throwError(error: Error): never {
  throw error;
}

/** The kubeconfig kind writes to: the first KUBECONFIG entry (login shell included), else kind's default. */
function kubeconfigOf(environment: GuiEnvironment): { kubeconfigPath?: string } {
  const path = environment.value('KUBECONFIG').value?.split(':').find(Boolean);
  return path ? { kubeconfigPath: path } : {};
}

/** Each pushed event is a service's own `Event`; a service that does not exist here (no engine) never fires. */
function createEventSources(services: AppServices): EventSources {
  const { docker, topology, runs, clusters, tools } = services;
  return {
    dockerEngineChanged: docker?.onDidChangeStatus ?? noEvent,
    topologyChanged: topology?.onDidChangeTopology ?? noEvent,
    clusterStatusChanged: clusters.onDidChange,
    toolDownloadProgress: tools.onDidProgress,
    labRunChanged: runs?.onDidChange ?? noEvent,
    labRunLogLine: runs?.runner.onDidLog ?? noEvent,
    clustersChanged: topology
      ? (listener) => topology.onDidChangeClusters((list) => listener({ clusters: list }))
      : noEvent,
  };
}

/**
 * Sessions read KUBECONFIG from the GUI environment (the login shell's when started from a
 * menu). KINDSCOPE_STREAM_DEADLINE_MS: how long a silent Kubernetes stream is trusted (30 s).
 */
function clusterRegistry(
  topology: TopologyService | undefined,
  measurements: MeasurementStore,
  kubeconfigEnv: () => string | undefined,
  log: Logger,
): ClusterRegistry {
  const deadlineMs = Number(process.env.KINDSCOPE_STREAM_DEADLINE_MS) || undefined;
  return new ClusterRegistry({
    topology,
    measurements,
    kubeconfigEnv,
    log,
    lingerMs: 30_000,
    ...(deadlineMs ? { session: { deadlineMs, requestTimeoutMs: Math.min(10_000, deadlineMs) } } : {}),
  });
}

/**
 * What every proof of "reachable" measures with (core/host/probe.ts): this machine's neighbour
 * table and path to the cluster's network, and a fresh ARP request from a helper on that
 * network when the capture image is already here (the proof never pulls).
 */
function proofDeps(
  connectivity: ConnectivityService,
  docker: DockerAccess,
  measurements: MeasurementStore,
  takenBy: MeasuredBy,
  settings: SettingsStore,
): ProofDeps {
  return {
    ...connectivity.proofDeps(arpAsker(docker, () => captureImageName(process.env, settings.get().captureImage))),
    record: (cluster, ip, answeredBy) => measurements.record(cluster, ip, answeredBy, takenBy),
  };
}
