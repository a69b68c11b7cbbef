import { existsSync, watch, type FSWatcher } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { KindscopeError, statusChangeKey, type ClusterStatus, type ClusterTopology } from '../../contract';
import type { OtherClusterPool, TopologyFacts } from '../diagnose/diagnose-input';
import { loadKubeConfig, withContext } from '../kube/kube-config-loader';
import { KubeState, type StreamStatus } from '../kube/kube-state';
import { readOtherClusterPools } from '../kube/other-cluster-pools';
import type { TopologyService } from '../topology/topology-service';
import { Coalescer, DisposableStore, Emitter, type Disposable } from '../util/emitter';
import type { Logger } from '../util/logger';
import { buildClusterStatus } from './cluster-model';
import type { MeasurementStore } from './measurements';
import { controlPlaneId, topologyFacts } from './topology-facts';

export interface ClusterSessionOptions {
  cluster: string;
  /** The KUBECONFIG to use (the GUI environment's), read again on every reconnect. */
  kubeconfigEnv(): string | undefined;
  topology: TopologyService | undefined;
  /** The measurements every view records (who answered ARP for an IP): the model's `answeredBy`. */
  measurements?: MeasurementStore;
  log: Logger;
  /** Stream deadline (ms): see KubeInformer. */
  deadlineMs?: number;
  requestTimeoutMs?: number;
  /** Changes within this window make one model (ms). */
  coalesceMs?: number;
}

/**
 * One followed cluster: its Kubernetes state (informers for the `kind-<name>` context)
 * joined with the topology snapshot (node containers, MACs, subnets — no Docker read of its
 * own) into the cluster status, with the diagnosis rules' findings. It follows the cluster
 * through delete and re-create (a new control-plane container, a rewritten kubeconfig) and
 * pushes a model only when it differs from the last one pushed.
 */
export class ClusterSession implements Disposable {
  readonly context: string;
  private readonly changed = new Emitter<ClusterStatus>();
  /** A changed model (never the same model twice in a row). */
  readonly onDidChange = this.changed.event;
  private readonly store = new DisposableStore();
  private readonly recompute: Coalescer;
  private readonly reloadKubeconfig: Coalescer;
  private kube: KubeState | undefined;
  private kubeStore = new DisposableStore();
  private kubeProblem: string | undefined;
  private server: string | undefined;
  private topology: ClusterTopology | undefined;
  /** Kept across the cluster's absence, so a re-created cluster is recognised as new. */
  private controlPlane: string | undefined;
  private topologyProblem: string | undefined;
  private otherPools: OtherClusterPool[] | undefined;
  private lastPushed: string | undefined;
  /** How long the window after a push stays open (see the constructor). */
  private pushWindowMs = maxPushWindowMs;
  private watchers: FSWatcher[] = [];
  /** Aborted by dispose: the session's own reads in flight (the other clusters' pools) end at once. */
  private readonly lifetime = new AbortController();
  private disposed = false;

  constructor(private readonly options: ClusterSessionOptions) {
    this.context = `kind-${options.cluster}`;
    // Leading: a lone change (a node's container stopped, a service got its IP) is pushed on
    // the next turn of the event loop, not after the window; a burst is still one push per window.
    // The window is what the last push cost, times four (4–25 ms; a window opens as its push starts,
    // so it is sized by the push before, and the first is 25 ms): a second change soon after the first
    // (a service made, then given its IP by the pool a few ms later) waits about as long as
    // pushing takes, not a fixed 25 ms (issue 31: it trailed `kubectl get -w` by ~23 ms), and a
    // burst on a big cluster still spends at most a fifth of the time pushing.
    this.recompute = this.store.add(
      new Coalescer(options.coalesceMs ?? (() => this.pushWindowMs), () => this.push(), { leading: true }),
    );
    // kind writes the kubeconfig in several steps: one reload after they settle (ms).
    this.reloadKubeconfig = this.store.add(new Coalescer(200, () => this.connectKube()));
    const measurements = options.measurements;
    if (measurements)
      this.store.add(
        measurements.onDidRecord(({ cluster }) => cluster === options.cluster && this.recompute.schedule()),
      );
  }

  async start(): Promise<void> {
    this.connectKube();
    const topology = this.options.topology;
    if (!topology) return;
    this.store.add(topology.onDidChangeTopology((t) => t.name === this.options.cluster && this.onTopology(t)));
    // A deleted cluster is no longer followed by the topology; when it is back, follow it again.
    this.store.add(topology.onDidChangeClusters((clusters) => void this.onClusters(clusters.map((c) => c.name))));
    await this.readTopology();
  }

  /** The model now. */
  status(): ClusterStatus {
    return buildClusterStatus({
      cluster: this.options.cluster,
      context: this.context,
      kube: this.kube?.snapshot() ?? { absent: [] },
      ...(this.topology ? { topology: this.facts() } : {}),
      ...(this.otherPools ? { otherPools: this.otherPools } : {}),
      streams: this.streams(),
      probes: this.options.measurements?.of(this.options.cluster) ?? new Map(),
      ...(this.topologyProblem ? { topologyProblem: this.topologyProblem } : {}),
    });
  }

  /** Resolves once every resource is listed (or absent), after `timeoutMs`, or at dispose. */
  whenComplete(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.kube?.complete || this.disposed) done();
      };
      const timer = setTimeout(() => done(), timeoutMs);
      const subscription = this.kube?.onDidChange(check);
      this.lifetime.signal.addEventListener('abort', check, { once: true });
      const done = () => {
        clearTimeout(timer);
        subscription?.dispose();
        this.lifetime.signal.removeEventListener('abort', check);
        resolve();
      };
      check();
    });
  }

  dispose(): void {
    this.disposed = true;
    this.lifetime.abort(
      new KindscopeError('CANCELLED', 'Kindscope is shutting down', 'Ask again once it has started.'),
    );
    this.store.dispose();
    this.kubeStore.dispose();
    for (const watcher of this.watchers) watcher.close();
    this.changed.dispose();
  }

  private streams(): StreamStatus[] {
    if (this.kubeProblem) return [{ resource: 'kubeconfig', state: 'unknown', reason: this.kubeProblem }];
    return this.kube?.streams() ?? [];
  }

  private facts(): TopologyFacts {
    return topologyFacts(this.topology!);
  }

  private push(): void {
    if (this.disposed) return;
    const started = performance.now();
    try {
      const status = this.status();
      const key = statusChangeKey(status);
      if (key === this.lastPushed) return;
      this.lastPushed = key;
      this.changed.fire(status);
    } finally {
      this.pushWindowMs = pushWindowFor(performance.now() - started);
    }
  }

  /** (Re)reads the kubeconfig and starts informers for the context, unless nothing changed. */
  private connectKube(force = false): void {
    if (this.disposed) return;
    const env = this.options.kubeconfigEnv();
    const { config, files, problems } = loadKubeConfig(env);
    // With no file yet (a first run: no ~/.kube before kind writes it), watch where kind will write it.
    this.watchKubeconfig(
      files.length > 0 ? files : env ? env.split(delimiter).filter(Boolean) : [join(homedir(), '.kube', 'config')],
    );
    const context = config.getContextObject(this.context);
    if (!context) {
      this.kubeStore.dispose();
      this.kube = undefined;
      this.server = undefined;
      const where = files.join(', ') || env || '~/.kube/config';
      this.kubeProblem =
        `No kubeconfig context "${this.context}" in ${where}${problems.length ? ` (${problems.join('; ')})` : ''}: ` +
        `run \`kind export kubeconfig --name ${this.options.cluster}\`, or check KUBECONFIG`;
      this.recompute.schedule();
      return;
    }
    const scoped = withContext(config, this.context);
    const identity = JSON.stringify([scoped.getCurrentCluster(), scoped.getCurrentUser()]);
    if (!force && this.kube && identity === this.server) return;
    this.kubeStore.dispose();
    this.kubeStore = new DisposableStore();
    this.kubeProblem = undefined;
    this.server = identity;
    const kube = this.kubeStore.add(
      new KubeState({
        config: scoped,
        log: this.options.log,
        ...(this.options.deadlineMs ? { deadlineMs: this.options.deadlineMs } : {}),
        ...(this.options.requestTimeoutMs ? { requestTimeoutMs: this.options.requestTimeoutMs } : {}),
      }),
    );
    this.kube = kube;
    this.kubeStore.add(kube.onDidChange(() => this.recompute.schedule()));
    kube.start();
    this.recompute.schedule();
  }

  /** kind rewrites the kubeconfig when a cluster is created again: watch the files' folders (no polling). */
  private watchKubeconfig(files: string[]): void {
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
    for (const wanted of new Set(files.map((f) => dirname(f)))) {
      // A folder that does not exist yet (~/.kube on a first run): watch its nearest existing
      // parent, whose change (the folder made) reloads — and the reload then watches the folder.
      let folder = wanted;
      while (!existsSync(folder) && dirname(folder) !== folder) folder = dirname(folder);
      try {
        const watcher = watch(folder, { persistent: false }, () => this.reloadKubeconfig.schedule());
        watcher.on('error', () => undefined);
        this.watchers.push(watcher);
      } catch (error) {
        this.options.log.debug(`Cannot watch ${folder} for kubeconfig changes`, error);
      }
    }
  }

  private onTopology(topology: ClusterTopology): void {
    const previous = this.controlPlane;
    this.topology = topology;
    this.topologyProblem = undefined;
    this.controlPlane = controlPlaneId(topology) ?? previous;
    // Another control-plane container: the cluster was deleted and created again.
    if (previous && this.controlPlane !== previous) this.connectKube(true);
    this.recompute.schedule();
  }

  private async onClusters(names: string[]): Promise<void> {
    if (!names.includes(this.options.cluster)) {
      this.topology = undefined;
      this.topologyProblem = `No kind cluster named ${this.options.cluster} on the Docker engine now`;
      this.recompute.schedule();
      return;
    }
    if (!this.options.topology?.cached(this.options.cluster)) await this.readTopology();
    // In the background: a failure only leaves the other clusters' pools as they were (said in the log).
    void this.refreshOtherPools(names).catch((error: unknown) => this.afterDispose(error));
  }

  private async readTopology(): Promise<void> {
    try {
      this.onTopology(await this.options.topology!.snapshot(this.options.cluster));
      // Awaited, so a one-shot answer already has the other clusters' pools (each list ≤ 5 s).
      await this.refreshOtherPools();
    } catch (error) {
      if (this.disposed) return;
      this.topology = undefined;
      this.topologyProblem = error instanceof KindscopeError ? error.message : String(error);
      this.recompute.schedule();
    }
  }

  private async refreshOtherPools(names?: string[]): Promise<void> {
    const topology = this.options.topology;
    if (!topology || !this.topology) return;
    const clusters = await topology.listClusters().catch(() => []);
    // The topology may have gone while the list was read (a failed re-read clears it, dispose too).
    if (!this.topology || this.disposed) return;
    const networks = new Set(this.topology.networks.map((n) => n.name));
    const others = clusters
      .filter(
        (c) =>
          c.name !== this.options.cluster &&
          (!names || names.includes(c.name)) &&
          c.networks.some((n) => networks.has(n)),
      )
      .map((c) => c.name);
    const config = loadKubeConfig(this.options.kubeconfigEnv()).config;
    const read = await readOtherClusterPools(config, others, undefined, this.lifetime.signal);
    // A cluster whose pools are unknown adds none: the overlap rule reports overlaps it saw, never "no overlap".
    for (const unknown of read)
      if (!unknown.read) this.options.log.debug(`Pools of ${unknown.cluster}: ${unknown.reason}`);
    this.otherPools = read.flatMap((c) => (c.read ? c.pools.map((pool) => ({ cluster: c.cluster, ...pool })) : []));
    this.recompute.schedule();
  }

  /** A read ended by dispose is no failure to report; anything else while live is logged. */
  private afterDispose(error: unknown): void {
    if (!this.disposed) this.options.log.debug(`Reading the other clusters' pools failed`, error);
  }
}

const minPushWindowMs = 4;
const maxPushWindowMs = 25;

/** The coalescing window after a push that took `pushMs`: four times its cost, 4–25 ms. */
export function pushWindowFor(pushMs: number): number {
  return Math.min(maxPushWindowMs, Math.max(minPushWindowMs, Math.ceil(pushMs * 4)));
}
