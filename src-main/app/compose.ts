import packageJson from '../../package.json' with { type: 'json' };
import { KindscopeError, toAppError, type AppInfo } from '../contract';
import { createDockerClient } from '../core/docker/docker-client';
import { defaultEndpointEnvironment, resolveDockerEndpoint, type EndpointEnvironment } from '../core/docker/docker-endpoint';
import { DockerEngineService } from '../core/docker/docker-engine-service';
import { TopologyService } from '../core/topology/topology-service';
import { ClusterStatusService } from '../core/kube/cluster-status-service';
import { checkService } from '../core/troubleshoot/service-check';
import type { ClusterStatus } from '../contract';
import { appDataDir } from '../core/settings/app-paths';
import { SettingsStore } from '../core/settings/settings-store';
import { GuiEnvironment } from '../core/tools/gui-environment';
import { ToolsService } from '../core/tools/tools-service';
import { join } from 'node:path';
import { createStderrLogger, type Logger } from '../core/util/logger';
import { createRouter, type EventSources, type Handlers, type Router } from './router';
import { LabService } from '../core/lab/lab-service';
import { labHandlers } from './lab-handlers';
import { LabRunService } from '../core/lab/run/lab-run-service';
import { RunStore } from '../core/lab/run/run-store';
import { runHandlers, statusSourceFrom } from './run-handlers';
import { clusterExportHandlers } from './cluster-export-handlers';

export interface AppOptions {
  transport: AppInfo['transport'];
  /** Follow engines and clusters live (desktop, serve). The CLI answers once and exits. */
  live: boolean;
  endpointEnvironment?: EndpointEnvironment;
  /** Settings and managed tools; the platform's data folder (or KINDSCOPE_HOME) by default. */
  dataDir?: string;
  log?: Logger;
}

export interface AppServices {
  /** Undefined when the endpoint itself could not be resolved (see `dockerProblem`). */
  docker: DockerEngineService | undefined;
  topology: TopologyService | undefined;
  tools: ToolsService;
  environment: GuiEnvironment;
  /** Followed clusters' Kubernetes state (live transports). */
  clusterStatus: Map<string, Promise<ClusterStatusService>>;
  clusterStatusListeners: Set<(status: ClusterStatus) => void>;
  dockerProblem: KindscopeError | undefined;
  lab: LabService;
  /** Created on first use: the pipeline needs the engine. */
  runs?: LabRunService;
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
  const log = options.log ?? createStderrLogger(options.transport, options.transport === 'cli' && !process.env.KINDSCOPE_LOG ? 'error' : undefined);
  const services = createServices(options, log);
  const router = createRouter(createHandlers(services, options, log), createEventSources(services, options, log), log);
  return {
    services,
    router,
    dispose: async () => {
      for (const pending of services.clusterStatus.values()) void pending.then((s) => s.dispose(), () => undefined);
      await services.topology?.dispose();
      services.docker?.dispose();
    },
  };
}

function createServices(options: AppOptions, log: Logger): AppServices {
  const dataDir = options.dataDir ?? appDataDir();
  const environment = new GuiEnvironment();
  // Desktop and serve mode start reading the login shell at once, in the background.
  if (options.live) void environment.loadLoginShell();
  const tools = new ToolsService({ environment, settings: new SettingsStore(dataDir, log), managedDir: join(dataDir, 'tools'), log });
  try {
    const endpoint = resolveDockerEndpoint(options.endpointEnvironment ?? defaultEndpointEnvironment());
    const docker = new DockerEngineService({ endpoint, docker: createDockerClient(endpoint), log });
    if (options.live) docker.start();
    const topology = new TopologyService({ engine: docker, log });
    const lab = new LabService({ docker: docker.docker, log, ...kubeconfigOf(environment) });
    return { docker, topology, tools, environment, clusterStatus: new Map(), clusterStatusListeners: new Set(), dockerProblem: undefined, lab };
  } catch (error) {
    const problem = error instanceof KindscopeError ? error : new KindscopeError('DOCKER_ERROR', toAppError(error).message, 'Check DOCKER_HOST and your docker context.', { cause: error });
    log.warn(problem.message);
    const lab = new LabService({ docker: undefined, log, ...kubeconfigOf(environment) });
    return { docker: undefined, topology: undefined, tools, environment, clusterStatus: new Map(), clusterStatusListeners: new Set(), dockerProblem: problem, lab };
  }
}

function createHandlers(services: AppServices, options: AppOptions, log: Logger): Handlers {
  return {
    appInfo: async () => ({ name: 'Kindscope', version: packageJson.version, transport: options.transport }),
    dockerEngine: async ({ refresh }) => {
      const docker = requireDocker(services);
      return refresh || !options.live || docker.getStatus().state === 'connecting' ? docker.refresh() : docker.getStatus();
    },
    clusterStatus: async ({ cluster }) => {
      const service = await clusterStatusService(services, cluster, options, log);
      return service.status();
    },
    troubleshootService: async ({ cluster, namespace, service }) => {
      const status = await (await clusterStatusService(services, cluster, options, log)).status();
      return checkService(status, namespace, service);
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
    ...clusterExportHandlers(() => kubeconfigOf(services.environment).kubeconfigPath),
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
      services.clusterStatusListeners.add(listener);
      return () => services.clusterStatusListeners.delete(listener);
    },
    toolDownloadProgress: (listener) => services.tools.onDidProgress(listener),
    labRunChanged: (listener) => (services.docker ? labRuns(services, options, log).onDidChange(listener) : () => undefined),
    labRunLogLine: (listener) => (services.docker ? labRuns(services, options, log).runner.onDidLog(listener) : () => undefined),
    clustersChanged: (listener) => services.topology?.onDidChangeClusters((clusters) => listener({ clusters })) ?? (() => undefined),
  };
}

/**
 * One status service per cluster: the CLI starts one for a single answer and disposes it
 * with the app; live transports keep it and push its changes.
 */
async function clusterStatusService(services: AppServices, cluster: string, options: AppOptions, log: Logger): Promise<ClusterStatusService> {
  let pending = services.clusterStatus.get(cluster);
  if (!pending) {
    const kubeconfig = services.environment.value('KUBECONFIG').value?.split(':').find(Boolean);
    pending = (async () => {
      const service = new ClusterStatusService({ cluster, engine: services.docker, log, ...(kubeconfig ? { kubeconfigPath: kubeconfig } : {}) });
      await service.start();
      if (options.live) service.onDidChange((status) => services.clusterStatusListeners.forEach((listener) => listener(status)));
      return service;
    })();
    services.clusterStatus.set(cluster, pending);
    pending.catch(() => services.clusterStatus.delete(cluster));
  }
  return pending;
}

/** The pipeline over the tools (through the run policy), the engine and the per-cluster status services. */
function labRuns(services: AppServices, options: AppOptions, log: Logger): LabRunService {
  if (services.runs) return services.runs;
  const docker = requireDocker(services);
  const topology = requireTopology(services);
  services.runs = new LabRunService({
    store: new RunStore(options.dataDir ?? appDataDir()),
    lab: services.lab,
    docker: docker.docker,
    log,
    runTool: (name, args, runOptions) => services.tools.run(name, args, runOptions),
    toolStatus: (name) => services.tools.status(name),
    listClusters: async () => (await topology.listClusters()).map((c) => c.name),
    statusSource: (cluster) => statusSourceFrom(() => clusterStatusService(services, cluster, options, log)),
    engineIsLocalLinux: process.platform === 'linux' && docker.endpoint.host.startsWith('unix://'),
  });
  return services.runs;
}

function requireTopology(services: AppServices): TopologyService {
  if (services.topology) return services.topology;
  throw services.dockerProblem ?? new KindscopeError('DOCKER_ERROR', 'No Docker endpoint', 'Set DOCKER_HOST or select a docker context.');
}

function requireDocker(services: AppServices): DockerEngineService {
  if (services.docker) return services.docker;
  throw services.dockerProblem ?? new KindscopeError('DOCKER_ERROR', 'No Docker endpoint', 'Set DOCKER_HOST or select a docker context.');
}
