import type Docker from 'dockerode';
import type { DockerEngineFacts, DockerEngineStatus, StreamState } from '../../contract';
import { Coalescer, Emitter, type Event } from '../util/emitter';
import type { Logger } from '../util/logger';
import { withDeadline } from '../util/timeout';
import { engineEvents, engineInfo, engineVersion } from './docker-api';
import { closeDockerClient, explainUnreachable } from './docker-client';
import type { ResolvedEndpoint } from './docker-endpoint';
import { DockerEventStream, type DockerEvent } from './docker-event-stream';
import { detectFlavour } from './engine-flavour';
import { helperLabel } from './helper-containers';

/**
 * The one way a service reaches the engine: the client of the endpoint followed now. It
 * changes on {@link DockerEngineService.retarget}, so services keep the accessor and call it
 * per use, never a client captured at start-up.
 */
export type DockerAccess = () => Docker;

export interface DockerEngineServiceOptions {
  endpoint: ResolvedEndpoint;
  docker: Docker;
  log: Logger;
  /** Per-request limit for probes (the event stream has none). */
  probeTimeoutMs?: number;
  /** Container events within this window cause one refresh. */
  coalesceMs?: number;
  now?: () => Date;
}

/**
 * The Docker engine Kindscope talks to, live. One event stream (containers and networks)
 * keeps it current and is shared with the services that need engine events; when the
 * engine goes away the status turns `offline` with the reason and a hint, and comes back
 * by itself when the engine does. No polling: the stream's reconnection is the only
 * repeated work while the engine is away.
 */
export class DockerEngineService {
  private status: DockerEngineStatus;
  private readonly stream: DockerEventStream;
  private readonly statusChanged: Emitter<DockerEngineStatus>;
  private readonly eventReceived: Emitter<DockerEvent>;
  private readonly reconnected: Emitter<void>;
  private readonly retargeted: Emitter<void>;
  /** Container events within `coalesceMs` cause one probe. */
  private readonly refreshAfterEvents: Coalescer;
  private disposed = false;
  /** Aborted by dispose: a probe in flight ends at once, its timers with it. */
  private readonly lifetime = new AbortController();

  readonly onDidChangeStatus: Event<DockerEngineStatus>;
  /** Raw container and network events, for services that keep their own models. */
  readonly onDidReceiveEvent: Event<DockerEvent>;
  /** After the stream reconnected: events may have been missed, re-list. */
  readonly onDidReconnect: Event<void>;
  /** After {@link retarget}: models built from the old engine are stale. */
  readonly onDidRetarget: Event<void>;
  private client: Docker;
  /** Every client this service was given (the first and each retarget's): closed on dispose. */
  private readonly clients: Docker[] = [];
  private resolved: ResolvedEndpoint;

  constructor(private readonly options: DockerEngineServiceOptions) {
    this.client = options.docker;
    this.clients.push(options.docker);
    this.resolved = options.endpoint;
    this.statusChanged = new Emitter(options.log);
    this.eventReceived = new Emitter(options.log);
    this.reconnected = new Emitter(options.log);
    this.retargeted = new Emitter(options.log);
    this.onDidChangeStatus = this.statusChanged.event;
    this.onDidReceiveEvent = this.eventReceived.event;
    this.onDidReconnect = this.reconnected.event;
    this.onDidRetarget = this.retargeted.event;
    this.refreshAfterEvents = new Coalescer(options.coalesceMs ?? 100, () =>
      this.probe().catch((error: unknown) => options.log.debug('Refresh after an event failed', error)),
    );
    this.status = {
      state: 'connecting',
      endpoint: publicEndpoint(options.endpoint),
      updatedAt: this.now(),
    };
    this.stream = new DockerEventStream({
      open: (query) => engineEvents(this.client, query),
      log: options.log,
      filters: { type: ['container', 'network'] },
      onEvent: (event) => this.handleEvent(event),
      onConnected: async () => {
        await this.probe();
        this.reconnected.fire();
      },
      onState: (state, error) => this.handleStreamState(state, error),
    });
  }

  /** The engine as last seen. */
  getStatus(): DockerEngineStatus {
    return this.status;
  }

  /** Starts following the engine live (desktop and serve mode; the CLI only probes). */
  start(): void {
    this.stream.start();
  }

  /**
   * Probes the engine now and returns what it found. After a successful probe while the
   * stream was offline, the stream reconnects at once instead of waiting for its backoff.
   */
  async refresh(): Promise<DockerEngineStatus> {
    const streamOffline = this.stream.currentState === 'offline';
    const client = this.client;
    try {
      await this.probe();
      if (streamOffline) this.stream.reconnectNow();
    } catch (error) {
      this.setOffline(error, client);
    }
    return this.status;
  }

  get docker(): Docker {
    return this.client;
  }

  get endpoint(): ResolvedEndpoint {
    return this.resolved;
  }

  /**
   * Switches to another engine: the login shell, read after start-up, named a DOCKER_HOST
   * or DOCKER_CONTEXT that the app (started from the Finder or a menu) did not get. The
   * status turns `connecting` for the new endpoint and the stream reconnects there.
   */
  retarget(endpoint: ResolvedEndpoint, docker: Docker): void {
    if (this.disposed || (endpoint.host === this.resolved.host && endpoint.context === this.resolved.context)) return;
    this.client = docker;
    // The old client stays open until dispose: work begun on the old engine (removing the netns helper there) finishes.
    this.clients.push(docker);
    this.resolved = endpoint;
    this.update({ state: 'connecting', endpoint: publicEndpoint(endpoint) });
    this.retargeted.fire();
    this.stream.reconnectNow();
  }

  /** Stops following the engine and closes every connection to it (those of earlier endpoints too). */
  dispose(): void {
    this.disposed = true;
    this.lifetime.abort();
    this.refreshAfterEvents.dispose();
    this.stream.dispose();
    this.statusChanged.dispose();
    this.eventReceived.dispose();
    this.reconnected.dispose();
    this.retargeted.dispose();
    // Last: the services that use the engine are disposed before it (the composition root's order).
    for (const client of this.clients) closeDockerClient(client);
  }

  private async probe(): Promise<void> {
    const client = this.client;
    // One deadline for the three calls, cleared when they are answered (no timer stays behind).
    const [version, info, helpers] = await withDeadline(
      this.options.probeTimeoutMs ?? 5_000,
      this.lifetime.signal,
      (signal) =>
        Promise.all([
          engineVersion(client, signal),
          engineInfo(client, signal),
          // Kindscope's own helper containers are not the user's: left out of the counts.
          client.listContainers({ all: true, filters: { label: [helperLabel] }, abortSignal: signal }).catch(() => []),
        ]),
    );
    // Retargeted meanwhile: this answer is the old engine's, not the one now followed.
    if (client !== this.client) return;
    const helperStates = helpers.map((helper) => helper.State);
    const helpersIn = (...states: string[]) => helperStates.filter((state) => states.includes(state)).length;
    const facts: DockerEngineFacts = {
      version: version.Version,
      apiVersion: version.ApiVersion,
      ...(version.MinAPIVersion ? { minApiVersion: version.MinAPIVersion } : {}),
      os: version.Os,
      arch: version.Arch,
      kernelVersion: version.KernelVersion ?? String(info.KernelVersion ?? ''),
      operatingSystem: String(info.OperatingSystem ?? ''),
      name: String(info.Name ?? ''),
      flavour: detectFlavour({
        host: this.resolved.host,
        operatingSystem: String(info.OperatingSystem ?? ''),
        name: String(info.Name ?? ''),
        components: version.Components,
        platformName: version.Platform?.Name,
      }),
      containers: {
        total: Math.max(0, count(info.Containers) - helpers.length),
        running: Math.max(0, count(info.ContainersRunning) - helpersIn('running', 'restarting')),
        paused: Math.max(0, count(info.ContainersPaused) - helpersIn('paused')),
        stopped: Math.max(0, count(info.ContainersStopped) - helpersIn('exited', 'created', 'dead', 'removing')),
      },
    };
    this.update({ state: 'live', endpoint: this.status.endpoint, engine: facts });
  }

  private handleEvent(event: DockerEvent): void {
    this.eventReceived.fire(event);
    if (event.Type === 'container' && /^(create|destroy|start|die|pause|unpause|stop|kill)$/.test(event.Action)) {
      this.refreshAfterEvents.schedule();
    }
  }

  private handleStreamState(state: StreamState, error?: unknown): void {
    // While retrying, the status stays offline with its reason; it turns live after a
    // successful probe, never merely because a connection attempt began.
    if (state === 'offline') this.setOffline(error);
  }

  private setOffline(error: unknown, client: Docker = this.client): void {
    if (client !== this.client) return;
    const problem = explainUnreachable(this.resolved, error);
    this.update({ state: 'offline', endpoint: this.status.endpoint, problem });
  }

  private update(next: Omit<DockerEngineStatus, 'updatedAt'>): void {
    if (this.disposed) return;
    const { updatedAt: _previousTime, ...previous } = this.status;
    if (JSON.stringify(previous) === JSON.stringify(next)) return;
    this.status = { ...next, updatedAt: this.now() };
    this.statusChanged.fire(this.status);
  }

  private now(): string {
    return (this.options.now?.() ?? new Date()).toISOString();
  }
}

function publicEndpoint(endpoint: ResolvedEndpoint) {
  return {
    host: endpoint.host,
    source: endpoint.source,
    tls: endpoint.tls,
    ...(endpoint.context ? { context: endpoint.context } : {}),
  };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}
