import packageJson from '../../package.json' with { type: 'json' };
import { KindscopeError, toAppError, type AppInfo } from '../contract';
import { createDockerClient } from '../core/docker/docker-client';
import { defaultEndpointEnvironment, resolveDockerEndpoint, type EndpointEnvironment } from '../core/docker/docker-endpoint';
import { DockerEngineService } from '../core/docker/docker-engine-service';
import { TopologyService } from '../core/topology/topology-service';
import { ClusterRegistry } from '../core/cluster/cluster-registry';
import { checkService } from '../core/troubleshoot/service-check';
import { appDataDir } from '../core/settings/app-paths';
import { SettingsStore } from '../core/settings/settings-store';
import { GuiEnvironment } from '../core/tools/gui-environment';
import { ToolsService } from '../core/tools/tools-service';
import { join } from 'node:path';
import { createStderrLogger, type Logger } from '../core/util/logger';
import { createRouter, type EventSources, type Handlers, type Router } from './router';

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
  /** One session per followed cluster: Kubernetes state joined with the topology, and findings. */
  clusters: ClusterRegistry;
  dockerProblem: KindscopeError | undefined;
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
  const router = createRouter(createHandlers(services, options), createEventSources(services), log);
  return {
    services,
    router,
    dispose: async () => {
      services.clusters.dispose();
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
    return { docker, topology, tools, environment, clusters: clusterRegistry(topology, environment, log), dockerProblem: undefined };
  } catch (error) {
    const problem = error instanceof KindscopeError ? error : new KindscopeError('DOCKER_ERROR', toAppError(error).message, 'Check DOCKER_HOST and your docker context.', { cause: error });
    log.warn(problem.message);
    return { docker: undefined, topology: undefined, tools, environment, clusters: clusterRegistry(undefined, environment, log), dockerProblem: problem };
  }
}

function createHandlers(services: AppServices, options: AppOptions): Handlers {
  return {
    appInfo: async () => ({ name: 'Kindscope', version: packageJson.version, transport: options.transport }),
    dockerEngine: async ({ refresh }) => {
      const docker = requireDocker(services);
      return refresh || !options.live || docker.getStatus().state === 'connecting' ? docker.refresh() : docker.getStatus();
    },
    clusterStatus: ({ cluster }) => services.clusters.status(cluster),
    troubleshootService: async ({ cluster, namespace, service }) => {
      const check = await checkService(await services.clusters.status(cluster), namespace, service);
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
  };
}

function createEventSources(services: AppServices): EventSources {
  return {
    dockerEngineChanged: (listener) => services.docker?.onDidChangeStatus(listener) ?? (() => undefined),
    topologyChanged: (listener) => services.topology?.onDidChangeTopology(listener) ?? (() => undefined),
    clusterStatusChanged: (listener) => {
      const subscription = services.clusters.subscribe(listener);
      return () => subscription.dispose();
    },
    toolDownloadProgress: (listener) => services.tools.onDidProgress(listener),
    clustersChanged: (listener) => services.topology?.onDidChangeClusters((clusters) => listener({ clusters })) ?? (() => undefined),
  };
}

/**
 * Sessions read KUBECONFIG from the GUI environment (the login shell's when started from a
 * menu). KINDSCOPE_STREAM_DEADLINE_MS: how long a silent Kubernetes stream is trusted (30 s).
 */
function clusterRegistry(topology: TopologyService | undefined, environment: GuiEnvironment, log: Logger): ClusterRegistry {
  const deadlineMs = Number(process.env.KINDSCOPE_STREAM_DEADLINE_MS) || undefined;
  return new ClusterRegistry({ topology, kubeconfigEnv: () => environment.value('KUBECONFIG').value, log, lingerMs: 30_000, ...(deadlineMs ? { session: { deadlineMs, requestTimeoutMs: Math.min(10_000, deadlineMs) } } : {}) });
}

function requireTopology(services: AppServices): TopologyService {
  if (services.topology) return services.topology;
  throw services.dockerProblem ?? new KindscopeError('DOCKER_ERROR', 'No Docker endpoint', 'Set DOCKER_HOST or select a docker context.');
}

function requireDocker(services: AppServices): DockerEngineService {
  if (services.docker) return services.docker;
  throw services.dockerProblem ?? new KindscopeError('DOCKER_ERROR', 'No Docker endpoint', 'Set DOCKER_HOST or select a docker context.');
}
