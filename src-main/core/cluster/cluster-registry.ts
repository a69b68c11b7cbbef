import { KindscopeError, type ClusterStatus } from '../../contract';
import type { TopologyService } from '../topology/topology-service';
import { Emitter, toDisposable, type Disposable, type Event } from '../util/emitter';
import type { Logger } from '../util/logger';
import { deadline, whenAborted } from '../util/timeout';
import { ClusterSession, type ClusterSessionOptions } from './cluster-session';
import type { MeasurementStore } from './measurements';

export interface ClusterRegistryOptions {
  topology: TopologyService | undefined;
  /** Who answered ARP for an IP, as the last view measured it: every session's `answeredBy`. */
  measurements?: MeasurementStore;
  kubeconfigEnv(): string | undefined;
  log: Logger;
  /** How long a one-shot answer waits for every resource's first list (ms). */
  firstListWaitMs?: number;
  /**
   * How long clusters stay followed after the last listener left (ms): a window that moves
   * from one page to the next unsubscribes and subscribes again, which must not restart
   * every session.
   */
  lingerMs?: number;
  session?: Pick<ClusterSessionOptions, 'deadlineMs' | 'requestTimeoutMs' | 'coalesceMs'>;
  /** The clusters on the engine whenever they change; the topology's own event unless given. */
  clustersChanged?: Event<readonly { name: string }[]>;
  /**
   * How long a kept cluster may be gone from the engine before it is let go (ms): a cluster
   * deleted and created again with the same name (`kind delete`, `kind create`) is the same one
   * to a watch that follows it; a cluster gone for good is not kept for ever.
   */
  goneGraceMs?: number;
}

interface Entry {
  session: ClusterSession;
  started: Promise<void>;
  holders: number;
}

/**
 * The followed clusters: a session starts with its first holder and is disposed after its
 * last, so nothing keeps watching a cluster nobody looks at. Every session's pushed model
 * comes out of one event.
 */
export class ClusterRegistry implements Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly changed: Emitter<ClusterStatus>;
  /** Holds for clusters asked about while someone listens to pushed models. */
  private readonly kept = new Map<string, Disposable>();
  /** Listens to the engine's cluster list while any cluster is kept, to let go of deleted ones. */
  private keptWatch: Disposable | undefined;
  /** Kept clusters gone from the engine, and the timer that lets each go unless it comes back. */
  private readonly goneTimers = new Map<string, NodeJS.Timeout>();
  private subscribers = 0;
  private linger: NodeJS.Timeout | undefined;
  /** After dispose nothing is followed again (a DNS re-read or a handler still in flight). */
  private disposed = false;
  /** Aborted by dispose: a one-shot answer still waiting for its first lists ends at once. */
  private readonly lifetime = new AbortController();

  /** Every followed cluster's pushed models (the same as {@link subscribe}, as an `Event`). */
  readonly onDidChange: Event<ClusterStatus> = (listener) => this.subscribe(listener);

  constructor(private readonly options: ClusterRegistryOptions) {
    this.changed = new Emitter(options.log);
  }

  /** Follows a cluster until the returned Disposable is disposed. */
  hold(cluster: string): Disposable {
    this.refuseIfDisposed();
    let entry = this.entries.get(cluster);
    if (!entry) {
      const session = new ClusterSession({
        cluster,
        kubeconfigEnv: this.options.kubeconfigEnv,
        topology: this.options.topology,
        ...(this.options.measurements ? { measurements: this.options.measurements } : {}),
        log: this.options.log,
        ...this.options.session,
      });
      session.onDidChange((status) => this.changed.fire(status));
      entry = { session, started: session.start(), holders: 0 };
      this.entries.set(cluster, entry);
    }
    entry.holders += 1;
    const held = entry;
    return toDisposable(() => {
      held.holders -= 1;
      if (held.holders === 0 && this.entries.get(cluster) === held) {
        this.entries.delete(cluster);
        held.session.dispose();
      }
    });
  }

  /**
   * Listens to every followed cluster's pushed models. While anyone listens, a cluster asked
   * about with `status()` stays followed; after the last listener leaves, all are released.
   */
  subscribe(listener: (status: ClusterStatus) => void): Disposable {
    this.subscribers += 1;
    clearTimeout(this.linger);
    const subscription = this.changed.event(listener);
    return toDisposable(() => {
      subscription.dispose();
      this.subscribers -= 1;
      // Disposed: nothing is kept any more, so no release is scheduled (no timer outlives the registry).
      if (this.subscribers > 0 || this.disposed) return;
      clearTimeout(this.linger);
      this.linger = setTimeout(() => this.releaseKept(), this.options.lingerMs ?? 0);
      this.linger.unref();
    });
  }

  private releaseKept(): void {
    if (this.subscribers > 0) return;
    for (const hold of this.kept.values()) hold.dispose();
    this.kept.clear();
    this.keptWatch?.dispose();
    this.keptWatch = undefined;
    for (const timer of this.goneTimers.values()) clearTimeout(timer);
    this.goneTimers.clear();
  }

  /**
   * Keeps a cluster asked about while someone listens — until the listeners leave, or the
   * cluster has been gone from the engine for `goneGraceMs` (5 min): a page open for a day while
   * clusters are made and deleted must not keep a session (its informers, its kubeconfig
   * watcher) per deleted cluster (the soak found 73 such sessions after 45 minutes of other
   * clusters coming and going), while a watch of a cluster deleted and created again follows it.
   */
  private keep(cluster: string): void {
    this.kept.set(cluster, this.hold(cluster));
    const changed = this.options.clustersChanged ?? this.options.topology?.onDidChangeClusters;
    this.keptWatch ??= changed?.((clusters) => this.releaseGone(new Set(clusters.map((c) => c.name))));
  }

  private releaseGone(present: ReadonlySet<string>): void {
    for (const cluster of this.kept.keys()) {
      const timer = this.goneTimers.get(cluster);
      if (present.has(cluster)) {
        clearTimeout(timer);
        this.goneTimers.delete(cluster);
      } else if (!timer) {
        const release = setTimeout(
          () => {
            this.goneTimers.delete(cluster);
            const hold = this.kept.get(cluster);
            this.kept.delete(cluster);
            hold?.dispose();
          },
          this.options.goneGraceMs ?? 5 * 60_000,
        );
        release.unref();
        this.goneTimers.set(cluster, release);
      }
    }
  }

  /** Clusters followed now. */
  get followed(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * The cluster's model once every resource is listed, or — after `firstListWaitMs` —
   * as far as it is known (`complete: false`). A cluster not on the Docker engine is an error
   * listing the clusters that are.
   */
  async status(cluster: string): Promise<ClusterStatus> {
    this.refuseIfDisposed();
    await this.requireCluster(cluster);
    const hold = this.hold(cluster);
    // One budget for the topology snapshot and the first lists together: a slow Docker
    // must not stretch a one-shot answer (it comes without the topology then). Dispose ends it.
    const waitMs = this.options.firstListWaitMs ?? 8_000;
    const budget = deadline(waitMs, this.lifetime.signal);
    try {
      const entry = this.entries.get(cluster)!;
      const until = Date.now() + waitMs;
      await Promise.race([entry.started, whenAborted(budget.signal)]);
      await entry.session.whenComplete(Math.max(0, until - Date.now()));
      this.refuseIfDisposed();
      const status = entry.session.status();
      if (this.subscribers > 0 && !this.kept.has(cluster) && !this.disposed) this.keep(cluster);
      return status;
    } finally {
      budget.dispose();
      hold.dispose();
    }
  }

  private refuseIfDisposed(): void {
    if (this.disposed)
      throw new KindscopeError('CANCELLED', 'Kindscope is shutting down', 'Ask again once it has started.');
  }

  dispose(): void {
    this.disposed = true;
    this.lifetime.abort();
    clearTimeout(this.linger);
    this.kept.clear();
    this.keptWatch?.dispose();
    for (const timer of this.goneTimers.values()) clearTimeout(timer);
    for (const entry of this.entries.values()) entry.session.dispose();
    this.entries.clear();
    this.changed.dispose();
  }

  private async requireCluster(cluster: string): Promise<void> {
    const topology = this.options.topology;
    if (!topology || this.entries.has(cluster)) return;
    const clusters = (await topology.listClusters()).map((c) => c.name);
    if (clusters.includes(cluster)) return;
    throw new KindscopeError(
      'CLUSTER_NOT_FOUND',
      `no kind cluster named ${cluster}; clusters: ${clusters.join(', ') || 'none'}`,
      'Pick one of the listed clusters (`kindscope topology`), or create it with `kind create cluster --name ' +
        cluster +
        '`.',
    );
  }
}
