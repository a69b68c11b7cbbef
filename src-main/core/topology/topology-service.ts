import { KindscopeError, type ClusterTopology, type KindClusterSummary, type TopologyNode } from '../../contract';
import type { DockerEngineService } from '../docker/docker-engine-service';
import { DisposableStore, Emitter, type Event } from '../util/emitter';
import type { Logger } from '../util/logger';
import { listKindClusters } from './cluster-list';
import { EngineReaders } from './engine-readers';
import type { HostViewReader } from './host-view';
import { ClusterSettler } from './cluster-settler';
import { RouteSettler } from './route-settler';
import { stoppedProblem } from './node-view';
import { buildSnapshot } from './snapshot-builder';
import { TopologyEvents } from './topology-events';

// kind's labels are part of this area's interface (the lab's pipelines read them from here).
export { clusterLabel, roleLabel } from './cluster-list';

export interface TopologyServiceOptions {
  engine: DockerEngineService;
  log: Logger;
  /** Node execs and inspects in flight at once. */
  concurrency?: number;
  /** Events within this window cause one refresh per cluster (ms). */
  coalesceMs?: number;
  hostView?: HostViewReader;
}

/**
 * Joins Docker and the host into one picture per kind cluster (snapshot-builder.ts), and
 * keeps the clusters it was asked about current: engine events refresh the affected cluster
 * (coalesced, topology-events.ts), a reconnect refreshes all followed clusters, a started
 * node is re-read until its routes settle (route-settler.ts); nothing polls. Everything is
 * read from the engine followed now (engine-readers.ts), also after a retarget.
 */
export class TopologyService {
  private readonly followed = new Map<string, ClusterTopology | undefined>();
  /**
   * The model last pushed per cluster: what subscribers show. Not `followed`, which any read
   * (a run's verify, a one-shot status) replaces without a push.
   */
  private readonly pushed = new Map<string, ClusterTopology>();
  private readonly containerCluster = new Map<string, string>();
  /** When a Docker event last patched a followed cluster's model (performance.now()). */
  private readonly patchedAt = new Map<string, number>();
  private readonly store = new DisposableStore();
  private readonly topologyChanged: Emitter<ClusterTopology>;
  private readonly clustersChanged: Emitter<KindClusterSummary[]>;
  private readonly readers: EngineReaders;
  private readonly events: TopologyEvents;
  private readonly settler: RouteSettler;
  private readonly clusterSettler: ClusterSettler;
  /** After dispose no new read starts (a session or a handler still in flight). */
  private disposed = false;
  /** Aborted by dispose: every read in flight ends at once (its requests, execs and `ip` runs). */
  private readonly lifetime = new AbortController();
  /** Reads in flight, awaited by dispose after it aborted them (a helper they made is removed first). */
  private readonly inFlight = new Set<Promise<unknown>>();

  /** A followed cluster's new picture (after events, a reconnect, or while a started node's routes settle). */
  readonly onDidChangeTopology: Event<ClusterTopology>;
  /** The kind clusters on the engine, after a change to their containers. */
  readonly onDidChangeClusters: Event<KindClusterSummary[]>;

  constructor(private readonly options: TopologyServiceOptions) {
    const { engine, log } = options;
    this.topologyChanged = this.store.add(new Emitter(log));
    this.clustersChanged = this.store.add(new Emitter(log));
    this.onDidChangeTopology = this.topologyChanged.event;
    this.onDidChangeClusters = this.clustersChanged.event;
    this.readers = new EngineReaders(engine, log, options.hostView);
    this.settler = this.store.add(
      new RouteSettler({ snapshot: (name) => this.snapshot(name), publish: (t) => this.publishRead(t) }),
    );
    this.clusterSettler = this.store.add(
      new ClusterSettler({ snapshot: (name) => this.snapshot(name), publish: (t) => this.publishRead(t) }),
    );
    this.events = this.store.add(
      new TopologyEvents({
        onDidReceiveEvent: engine.onDidReceiveEvent,
        onDidReconnect: engine.onDidReconnect,
        coalesceMs: options.coalesceMs ?? 150,
        followed: () => this.followed.keys(),
        isFollowed: (cluster) => this.followed.has(cluster),
        clusterOfContainer: (id) => this.containerCluster.get(id),
        refresh: (name) => this.refresh(name),
        relist: () => this.relist(),
        settle: (cluster, node) => this.settler.settle(cluster, node),
        patch: (cluster, action, container) => this.patchFromEvent(cluster, action, container),
      }),
    );
    // Another engine: its containers are not the old one's.
    this.store.add(engine.onDidRetarget(() => this.containerCluster.clear()));
  }

  /** Kind clusters on this engine, from container labels. */
  async listClusters(): Promise<KindClusterSummary[]> {
    this.refuseIfDisposed();
    return this.track(listKindClusters(this.options.engine.docker, this.lifetime.signal));
  }

  /** The full picture of one cluster now; the cluster is followed from then on. */
  async snapshot(name: string): Promise<ClusterTopology> {
    this.refuseIfDisposed();
    const started = performance.now();
    try {
      const topology = await this.track(
        buildSnapshot(
          { ...this.readers.readers, concurrency: this.options.concurrency ?? 8, signal: this.lifetime.signal },
          name,
        ),
      );
      for (const node of topology.nodes) this.containerCluster.set(node.containerId, name);
      // The router's start and stop re-read the cluster too (BGP mode).
      if (topology.router) this.containerCluster.set(topology.router.containerId, name);
      // A node's state patched from a Docker event after this read began is newer than the read.
      if (!((this.patchedAt.get(name) ?? -Infinity) > started)) this.followed.set(name, topology);
      return topology;
    } catch (error) {
      // Ended by dispose: whichever call was cut (a request, an exec, `ip`), the answer is the same.
      if (this.lifetime.signal.aborted) throw shuttingDown();
      if (error instanceof KindscopeError && error.code === 'CLUSTER_NOT_FOUND') this.followed.delete(name);
      throw error;
    }
  }

  /** Whether a node that started is still having its routes re-read until they settle. */
  get settlingRoutes(): boolean {
    return this.settler.settling;
  }

  /**
   * A lifecycle step changed a cluster inside its nodes (Cilium installed, nodes started or
   * stopped): re-read it until two reads agree (cluster-settler.ts), publishing each change.
   * Only a followed cluster: one nobody asked about is read fresh when first asked.
   */
  settleCluster(name: string): void {
    if (this.disposed || !this.followed.has(name)) return;
    // Compared with what subscribers were last sent: a read made meanwhile by someone else (the
    // run's own verify) may already hold the change, unseen by them (live-settle.test.ts).
    this.clusterSettler.settle(name, this.pushed.get(name));
  }

  /** Whether a cluster is still being re-read after a lifecycle step (settleCluster). */
  get settlingCluster(): boolean {
    return this.clusterSettler.settling;
  }

  /** The last snapshot of a followed cluster, if any. */
  cached(name: string): ClusterTopology | undefined {
    return this.followed.get(name);
  }

  /** Stops following and removes the helper container (awaited, so a CLI run leaves nothing). */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.store.dispose();
    this.lifetime.abort(shuttingDown());
    // Aborted, they end at once; awaited so that nothing they opened outlives the service.
    await Promise.allSettled(this.inFlight);
    await this.readers.dispose();
  }

  private refuseIfDisposed(): void {
    if (this.disposed) throw shuttingDown();
  }

  private track<T>(read: Promise<T>): Promise<T> {
    this.inFlight.add(read);
    const untrack = () => this.inFlight.delete(read);
    read.then(untrack, untrack);
    return read;
  }

  private refresh(name: string): void {
    this.snapshot(name).then(
      (topology) => this.publishRead(topology),
      (error: unknown) => {
        if (this.disposed) return;
        this.options.log.debug(`Topology refresh of ${name} failed`, error);
        if (error instanceof KindscopeError && error.code === 'CLUSTER_NOT_FOUND') this.events.relistSoon();
      },
    );
  }

  /**
   * A node container died or started: Docker's event is itself the fact, so the last model is
   * pushed at once with that node's state changed, instead of after the coalescing window and
   * a full re-read (~0.3 s, over 1 s on a loaded machine). The full read scheduled beside it
   * brings the rest (its veth, routes); a read begun before the event is not published over it.
   */
  private patchFromEvent(cluster: string, action: string, container: string | undefined): void {
    const running = action === 'start' || action === 'restart' ? true : action === 'die' ? false : undefined;
    const last = this.followed.get(cluster);
    const node = last?.nodes.find((n) => n.name === container);
    if (!last || !node || running === undefined || node.running === running) return;
    const state = running ? 'running' : 'exited';
    // As a read of a container in that state has it: a stopped one has no network namespace
    // (no eth0, veth, addresses or routes); a started one has them once the read comes.
    const { eth0: _eth0, veth: _veth, ipv4: _ipv4, ipv6: _ipv6, problem: _problem, ...kept } = node;
    const patchedNode: TopologyNode = {
      ...kept,
      state,
      running,
      interfaces: [],
      routes: [],
      unparsed: [],
      ...(running ? {} : { problem: stoppedProblem(state) }),
    };
    const patched: ClusterTopology = {
      ...last,
      nodes: last.nodes.map((n) => (n === node ? patchedNode : n)),
      generatedAt: new Date().toISOString(),
    };
    this.patchedAt.set(cluster, performance.now());
    this.followed.set(cluster, patched);
    this.pushed.set(patched.name, patched);
    this.topologyChanged.fire(patched);
  }

  /** Publishes a full read unless an event patched the model after it began (it would go back in time). */
  private publishRead(topology: ClusterTopology): void {
    if (this.followed.get(topology.name) !== topology) return;
    this.pushed.set(topology.name, topology);
    this.topologyChanged.fire(topology);
  }

  private relist(): void {
    // Nobody follows the list: no call to the engine.
    if (this.clustersChanged.listenerCount === 0) return;
    this.listClusters().then(
      (clusters) => this.clustersChanged.fire(clusters),
      (error: unknown) => this.disposed || this.options.log.debug('Listing clusters failed', error),
    );
  }
}

function shuttingDown(): KindscopeError {
  return new KindscopeError('CANCELLED', 'Kindscope is shutting down', 'Ask again once it has started.');
}
