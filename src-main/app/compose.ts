import packageJson from '../../package.json' with { type: 'json' };
import { KindscopeError, toAppError, type AppInfo } from '../contract';
import { createDockerClient } from '../core/docker/docker-client';
import {
  defaultEndpointEnvironment,
  resolveDockerEndpoint,
  type EndpointEnvironment,
} from '../core/docker/docker-endpoint';
import { DockerEngineService } from '../core/docker/docker-engine-service';
import { loginShellEndpoint } from '../core/docker/login-shell-endpoint';
import { TopologyService } from '../core/topology/topology-service';
import { ClusterRegistry } from '../core/cluster/cluster-registry';
import { checkService } from '../core/troubleshoot/service-check';
import { arpAsker } from '../core/capture/node-capture';
import { captureImageName } from '../core/capture/capture-image';
import type { ProofDeps } from '../core/host/probe';
import { appDataDir } from '../core/settings/app-paths';
import { SettingsStore } from '../core/settings/settings-store';
import { GuiEnvironment } from '../core/tools/gui-environment';
import { ToolsService } from '../core/tools/tools-service';
import { join } from 'node:path';
import { createStderrLogger, type Logger } from '../core/util/logger';
import { createWelcomeHandlers } from './welcome-handlers';
import { createRouter, type EventSources, type Handlers, type Router } from './router';
import { LabPlanService } from '../core/lab/lab-plan-service';
import { labHandlers } from './lab-handlers';
import { LabRunService } from '../core/lab/run/lab-run-service';
import { RunStore } from '../core/lab/run/run-store';
import { runHandlers, statusSourceFrom } from './run-handlers';
import { createDnsFeature, createDnsHandlers, createDnsZoneSource, type DnsFeature } from './dns-handlers';
import { createCaptureHandlers } from './capture-handlers';
import { clusterExportHandlers } from './cluster-export-handlers';
import { createConnectivityHandlers } from './connectivity-handlers';
import { ConnectivityService, type ConnectivityDeps } from '../core/host/connectivity-service';

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
  /** Created on first use: the pipeline needs the engine. */
  runs?: LabRunService;
  settings: SettingsStore;
  dataDir: string;
  /** Names for LoadBalancer IPs: the DNS responder over the live cluster status (issue 21). */
  dns: DnsFeature;
  /** Reaching the clusters from this machine: `kindscope connectivity`, the pipeline's preflight and final verification. */
  connectivity: ConnectivityService;
}

export interface App {
  services: AppServices;
  router: Router;
  dispose(): Promise<void>;
}

/**
 * The composition root: builds every service once, wires them into the handler table
 * that Electron IPC, serve mode and the CLI all serve, and returns one `dispose`.
 */
export function createApp(options: AppOptions): App {
  // The CLI's stderr is for its own messages; its log speaks only of errors unless asked.
  const log =
    options.log ??
    createStderrLogger(
      options.transport,
      options.transport === 'cli' && !process.env.KINDSCOPE_LOG ? 'error' : undefined,
    );
  const base = createServices(options, log);
  // DNS names (issue 21): its zone reads the cluster sessions' status, as `cluster:status` does.
  const dnsSource = createDnsZoneSource({
    clusters: async () => requireTopology(services).listClusters(),
    status: (cluster) => services.clusters.status(cluster),
    subscribe: (listener) => {
      const subscription = services.clusters.subscribe(listener);
      return () => subscription.dispose();
    },
    ...(options.live
      ? {
          subscribeClusters: (listener: (clusters: { name: string }[]) => void) =>
            services.topology?.onDidChangeClusters(listener) ?? (() => undefined),
        }
      : {}),
  });
  const services: AppServices = {
    ...base,
    dns: createDnsFeature({
      live: options.live,
      log,
      source: dnsSource,
      ...(options.dnsRefreshMs ? { refreshMs: options.dnsRefreshMs } : {}),
    }),
    connectivity: new ConnectivityService(connectivityDeps(() => services)),
  };
  const router = createRouter(createHandlers(services, options, log), createEventSources(services, options, log), log);
  return {
    services,
    router,
    dispose: async () => {
      await services.dns.dispose();
      services.clusters.dispose();
      await services.topology?.dispose();
      services.docker?.dispose();
    },
  };
}

function createServices(options: AppOptions, log: Logger): Omit<AppServices, 'dns' | 'connectivity'> {
  const dataDir = options.dataDir ?? appDataDir();
  const environment = options.environment ?? new GuiEnvironment();
  // Desktop and serve mode start reading the login shell at once, in the background.
  if (options.live) void environment.loadLoginShell();
  const settings = new SettingsStore(dataDir, log);
  const tools = new ToolsService({ environment, settings, managedDir: join(dataDir, 'tools'), log });
  try {
    const endpoint = resolveDockerEndpoint(options.endpointEnvironment ?? defaultEndpointEnvironment());
    const docker = new DockerEngineService({ endpoint, docker: createDockerClient(endpoint), log });
    if (options.live) docker.start();
    if (options.live)
      void environment.loadLoginShell().then(() => retargetFromLoginShell(docker, environment, options, log));
    const topology = new TopologyService({ engine: docker, log });
    const lab = new LabPlanService({
      docker: docker.docker,
      log,
      kubeconfigEnv: () => environment.value('KUBECONFIG').value,
    });
    return {
      docker,
      topology,
      tools,
      environment,
      clusters: clusterRegistry(topology, environment, log),
      dockerProblem: undefined,
      lab,
      settings,
      dataDir,
    };
  } catch (error) {
    const problem =
      error instanceof KindscopeError
        ? error
        : new KindscopeError('DOCKER_ERROR', toAppError(error).message, 'Check DOCKER_HOST and your docker context.', {
            cause: error,
          });
    log.warn(problem.message);
    const lab = new LabPlanService({
      docker: undefined,
      log,
      kubeconfigEnv: () => environment.value('KUBECONFIG').value,
    });
    return {
      docker: undefined,
      topology: undefined,
      tools,
      environment,
      clusters: clusterRegistry(undefined, environment, log),
      dockerProblem: problem,
      lab,
      settings,
      dataDir,
    };
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

function connectivityDeps(services: () => AppServices): ConnectivityDeps {
  return {
    docker: () => requireDocker(services()).docker,
    engineClues: () => engineClues(requireDocker(services())),
    statusOf: (cluster) => services().clusters.status(cluster),
  };
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

function createHandlers(services: AppServices, options: AppOptions, log: Logger): Handlers {
  return {
    appInfo: async () => ({ name: 'Kindscope', version: packageJson.version, transport: options.transport }),
    dockerEngine: async ({ refresh }) => {
      const docker = requireDocker(services);
      return refresh || !options.live || docker.getStatus().state === 'connecting'
        ? docker.refresh()
        : docker.getStatus();
    },
    clusterStatus: ({ cluster }) => services.clusters.status(cluster),
    troubleshootService: async ({ cluster, namespace, service }) => {
      const check = await checkService(
        await services.clusters.status(cluster),
        namespace,
        service,
        proofDeps(services),
      );
      if (check.answeredBy) services.clusters.recordProbe(cluster, namespace, service, check.answeredBy);
      return check;
    },
    toolsReport: () => services.tools.report(),
    toolsDownload: ({ tool }) => services.tools.download(tool),
    toolsSetPath: ({ tool, path }) => services.tools.setPath(tool, path),
    topologyClusters: async () => ({ clusters: await requireTopology(services).listClusters() }),
    topologySnapshot: async ({ cluster, refresh }) => {
      const topology = requireTopology(services);
      return (!refresh && options.live && topology.cached(cluster)) || topology.snapshot(cluster);
    },
    ...labHandlers(services.lab),
    ...runHandlers(() => labRuns(services, options, log)),
    ...createWelcomeHandlers({
      ...services,
      transport: options.transport,
      ...(options.bundledCliPath ? { bundledCliPath: options.bundledCliPath } : {}),
    }),
    ...createDnsHandlers(services.dns),
    ...createCaptureHandlers({
      docker: () => requireDocker(services).docker,
      proof: () => proofDeps(services),
      statusOf: (cluster) => services.clusters.status(cluster),
      tools: services.tools,
      dataDir: services.dataDir,
      log,
      decodeAnyPath: options.transport === 'cli',
    }),
    ...clusterExportHandlers(() => kubeconfigOf(services.environment).kubeconfigPath),
    ...createConnectivityHandlers(services.connectivity),
  };
}

/** The kubeconfig kind writes to: the first KUBECONFIG entry (login shell included), else kind's default. */
function kubeconfigOf(environment: GuiEnvironment): { kubeconfigPath?: string } {
  const path = environment.value('KUBECONFIG').value?.split(':').find(Boolean);
  return path ? { kubeconfigPath: path } : {};
}

function createEventSources(services: AppServices, options: AppOptions, log: Logger): EventSources {
  return {
    dockerEngineChanged: (listener) => services.docker?.onDidChangeStatus(listener) ?? (() => undefined),
    topologyChanged: (listener) => services.topology?.onDidChangeTopology(listener) ?? (() => undefined),
    clusterStatusChanged: (listener) => {
      const subscription = services.clusters.subscribe(listener);
      return () => subscription.dispose();
    },
    toolDownloadProgress: (listener) => services.tools.onDidProgress(listener),
    labRunChanged: (listener) =>
      services.docker ? labRuns(services, options, log).onDidChange(listener) : () => undefined,
    labRunLogLine: (listener) =>
      services.docker ? labRuns(services, options, log).runner.onDidLog(listener) : () => undefined,
    clustersChanged: (listener) =>
      services.topology?.onDidChangeClusters((clusters) => listener({ clusters })) ?? (() => undefined),
  };
}

/**
 * Sessions read KUBECONFIG from the GUI environment (the login shell's when started from a
 * menu). KINDSCOPE_STREAM_DEADLINE_MS: how long a silent Kubernetes stream is trusted (30 s).
 */
function clusterRegistry(
  topology: TopologyService | undefined,
  environment: GuiEnvironment,
  log: Logger,
): ClusterRegistry {
  const deadlineMs = Number(process.env.KINDSCOPE_STREAM_DEADLINE_MS) || undefined;
  return new ClusterRegistry({
    topology,
    kubeconfigEnv: () => environment.value('KUBECONFIG').value,
    log,
    lingerMs: 30_000,
    ...(deadlineMs ? { session: { deadlineMs, requestTimeoutMs: Math.min(10_000, deadlineMs) } } : {}),
  });
}

/** The pipeline over the tools (through the run policy), the engine and the per-cluster status services. */
function labRuns(services: AppServices, options: AppOptions, log: Logger): LabRunService {
  if (services.runs) return services.runs;
  const docker = requireDocker(services);
  const topology = requireTopology(services);
  services.runs = new LabRunService({
    store: new RunStore(services.dataDir),
    lab: services.lab,
    docker: docker.docker,
    log,
    runTool: (name, args, runOptions) => services.tools.run(name, args, runOptions),
    toolStatus: (name) => services.tools.status(name),
    listClusters: async () => (await topology.listClusters()).map((c) => c.name),
    statusSource: (cluster) => statusSourceFrom(services.clusters, cluster),
    engineIsLocalLinux: process.platform === 'linux' && docker.endpoint.host.startsWith('unix://'),
    hostPreflight: (cluster) => services.connectivity.preflight(cluster),
    hostCheck: async (cluster) => (await services.connectivity.check(cluster)).hops,
    probes: proofDeps(services),
  });
  return services.runs;
}

/**
 * What every proof of "reachable" measures with (core/host/probe.ts): this machine's neighbour
 * table and path to the cluster's network, and a fresh ARP request from a helper on that
 * network when the capture image is already here (the proof never pulls).
 */
function proofDeps(services: AppServices): ProofDeps {
  return services.connectivity.proofDeps(
    arpAsker(
      () => requireDocker(services).docker,
      () => captureImageName(),
    ),
  );
}

function requireTopology(services: AppServices): TopologyService {
  if (services.topology) return services.topology;
  throw (
    services.dockerProblem ??
    new KindscopeError('DOCKER_ERROR', 'No Docker endpoint', 'Set DOCKER_HOST or select a docker context.')
  );
}

function requireDocker(services: AppServices): DockerEngineService {
  if (services.docker) return services.docker;
  throw (
    services.dockerProblem ??
    new KindscopeError('DOCKER_ERROR', 'No Docker endpoint', 'Set DOCKER_HOST or select a docker context.')
  );
}
