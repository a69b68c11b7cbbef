import type { DockerEvent } from '../docker/docker-event-stream';
import { Coalescer, DisposableStore, KeyedCoalescer, type Disposable, type Event } from '../util/emitter';
import { clusterLabel } from './cluster-list';

/** Container events that change the data path (not exec_*, attach, resize, top, …). */
const topologyActions = new Set([
  'create',
  'start',
  'restart',
  'die',
  'stop',
  'kill',
  'pause',
  'unpause',
  'destroy',
  'rename',
  'update',
  'oom',
]);

/** What one engine event means for the topology. */
export interface EventMeaning {
  /** The kind cluster it concerns, when known. */
  cluster?: string;
  /** The list of clusters may have changed (a node appeared, went or changed state). */
  clustersChanged: boolean;
  /** A node that (re)started: its routes come back over seconds and are re-read until they settle. */
  startedNode?: string;
}

/**
 * Routes a Docker event to the cluster it concerns: containers by kind's label (or, once
 * gone, by the container → cluster map of earlier snapshots), networks by the container they
 * (dis)connect. Our own `docker exec`s emit exec_create/exec_start/exec_die: reacting to them
 * would loop, so only {@link topologyActions} count.
 */
export function meaningOf(event: DockerEvent, clusterOfContainer: (id: string) => string | undefined): EventMeaning {
  const attributes = event.Actor.Attributes ?? {};
  if (event.Type === 'container') {
    if (!topologyActions.has(event.Action)) return { clustersChanged: false };
    const cluster = attributes[clusterLabel] ?? clusterOfContainer(event.Actor.ID);
    if (!cluster) return { clustersChanged: false };
    const started = (event.Action === 'start' || event.Action === 'restart') && attributes.name;
    return { cluster, clustersChanged: true, ...(started ? { startedNode: attributes.name } : {}) };
  }
  if (event.Type === 'network' && attributes.container) {
    const cluster = clusterOfContainer(attributes.container);
    return { ...(cluster ? { cluster } : {}), clustersChanged: false };
  }
  return { clustersChanged: false };
}

export interface TopologyEventsOptions {
  /** The engine's raw events and reconnects (DockerEngineService). */
  onDidReceiveEvent: Event<DockerEvent>;
  onDidReconnect: Event<void>;
  /** Events within this window cause one refresh per cluster, and one re-list (ms). */
  coalesceMs: number;
  /** The clusters followed now (snapshotted at least once). */
  followed(): Iterable<string>;
  isFollowed(cluster: string): boolean;
  clusterOfContainer(id: string): string | undefined;
  /** Re-reads a followed cluster (after the coalescing window). */
  refresh(cluster: string): void;
  /** Re-lists the clusters (after the coalescing window). */
  relist(): void;
  /** A followed cluster's node started: re-read it until its routes settle. */
  settle(cluster: string, node: string): void;
  /** A container event about a followed cluster, at once (before the coalesced refresh). */
  patch?(cluster: string, action: string, container: string | undefined): void;
}

/**
 * Turns the engine's events into coalesced work: a burst of events about one cluster is one
 * refresh of it, a burst that changes the cluster list is one re-list, and a reconnect
 * (events may have been missed) refreshes every followed cluster and re-lists. Nothing polls.
 */
export class TopologyEvents implements Disposable {
  private readonly store = new DisposableStore();
  private readonly refreshes: KeyedCoalescer<string>;
  private readonly relists: Coalescer;

  constructor(private readonly options: TopologyEventsOptions) {
    this.refreshes = this.store.add(new KeyedCoalescer(options.coalesceMs, (cluster) => options.refresh(cluster)));
    this.relists = this.store.add(new Coalescer(options.coalesceMs, () => options.relist()));
    this.store.add(options.onDidReceiveEvent((event) => this.route(event)));
    this.store.add(
      options.onDidReconnect(() => {
        for (const cluster of options.followed()) this.refreshes.schedule(cluster);
        this.relists.schedule();
      }),
    );
  }

  /** Asks for a re-list after the window (a followed cluster vanished). */
  relistSoon(): void {
    this.relists.schedule();
  }

  dispose(): void {
    this.store.dispose();
  }

  private route(event: DockerEvent): void {
    const meaning = meaningOf(event, (id) => this.options.clusterOfContainer(id));
    if (meaning.clustersChanged) this.relists.schedule();
    if (!meaning.cluster || !this.options.isFollowed(meaning.cluster)) return;
    if (event.Type === 'container') this.options.patch?.(meaning.cluster, event.Action, event.Actor.Attributes?.name);
    this.refreshes.schedule(meaning.cluster);
    if (meaning.startedNode) this.options.settle(meaning.cluster, meaning.startedNode);
  }
}
