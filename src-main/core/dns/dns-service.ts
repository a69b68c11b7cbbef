import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { lookup as systemLookup } from 'node:dns/promises';
import * as dnsPacket from 'dns-packet';
import {
  DNS_ZONE,
  DEFAULT_DNS_PORT,
  KindscopeError,
  type ClusterStatus,
  type DnsBackend,
  type DnsNames,
  type DnsStatus,
} from '../../contract';
import { Coalescer, type Disposable, type Event } from '../util/emitter';
import type { Logger } from '../util/logger';
import { withTimeout } from '../util/timeout';
import { DnsResponder, type DnsResponderLimits } from './dns-responder';
import { buildZoneIndex, DNS_TTL, type ZoneIndex } from './dns-zone';

/**
 * What the zone is built from: the live cluster status, seen through the narrowest
 * interface that will do, so the cluster wing can change behind it.
 */
export interface DnsZoneSource {
  clusters(): Promise<string[]>;
  status(cluster: string): Promise<ClusterStatus>;
  /** Fires when a cluster's status changed (coalesced by the source). */
  onDidChange: Event<string>;
}

export interface DnsServiceOptions {
  source: DnsZoneSource;
  log: Logger;
  /** ms between full re-reads, the backstop behind change events (and how new clusters are found). Well under the TTL. */
  refreshMs?: number;
  /** The system resolver (getaddrinfo); tests may replace it. */
  lookup?: (name: string) => Promise<{ address: string }>;
  /** Which resolver this machine uses (for the status). */
  backend?: () => DnsBackend;
  limits?: Partial<DnsResponderLimits>;
}

/** ms: how long the OS-wiring probe waits for the system resolver. */
const PROBE_TIMEOUT_MS = 3_000;
/** ms: how long one cluster's status may take before the zone is rebuilt without it (its last names kept). */
const STATUS_TIMEOUT_MS = 3_000;

/** Whether something on 127.0.0.1:port answers the SOA of kind.internal (a Kindscope responder), within 500 ms. */
function answersForZone(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const id = randomBytes(2).readUInt16BE(0);
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), 500);
    socket.on('error', () => done(false));
    socket.on('message', (message) => {
      try {
        const reply = dnsPacket.decode(message);
        done(
          reply.id === id && (reply.answers ?? []).some((a) => a.type === 'SOA' && a.name.toLowerCase() === DNS_ZONE),
        );
      } catch {
        done(false);
      }
    });
    socket.send(
      dnsPacket.encode({ id, type: 'query', questions: [{ name: DNS_ZONE, type: 'SOA' }] }),
      port,
      '127.0.0.1',
    );
  });
}

/**
 * Names for LoadBalancer IPs: keeps the zone in step with the live cluster status (change
 * events, plus a re-read every `refreshMs`), runs the loopback responder over it, and
 * checks whether this machine's resolver actually sends `kind.internal` there.
 */
export class DnsService {
  private index: ZoneIndex = buildZoneIndex([]);
  private readonly lastGood = new Map<string, ClusterStatus>();
  private unavailable: DnsNames['unavailable'] = [];
  private known: string[] = [];
  private responder: DnsResponder | undefined;
  private failure: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Change events within 20 ms cause one re-read. */
  private readonly changes = new Coalescer(20, () => void this.refresh());
  private subscription: Disposable | undefined;
  private refreshing: Promise<void> | undefined;
  private again = false;
  private readonly probes = new Map<string, boolean>();
  private wantedPort = DEFAULT_DNS_PORT;
  /** True while the first zone read runs, before the sockets are bound. */
  private starting = false;
  /** Bumped by stop(), so a start still reading its first zone knows not to bind. */
  private generation = 0;

  constructor(private readonly options: DnsServiceOptions) {}

  /** Every name, read fresh from the source (the CLI's `kindscope dns`). */
  async names(cluster?: string): Promise<DnsNames> {
    if (!this.responder) await this.refresh();
    const mine = <T extends { cluster: string }>(items: T[]) =>
      items.filter((item) => cluster === undefined || item.cluster === cluster);
    if (cluster !== undefined && !this.known.includes(cluster)) {
      throw new KindscopeError(
        'CLUSTER_NOT_FOUND',
        `No running kind cluster named "${cluster}"`,
        'See `kindscope topology` for the clusters, or leave out --cluster for all.',
      );
    }
    return {
      zone: DNS_ZONE,
      ttl: DNS_TTL,
      names: mine(this.index.listing),
      skipped: mine(this.index.skipped),
      unavailable: mine(this.unavailable),
    };
  }

  /** The zone as the responder sees it now. */
  zone(): ZoneIndex {
    return this.index;
  }

  get port(): number | undefined {
    return this.responder?.port;
  }

  /** Starts the responder on `port` (0: any free port) and keeps the zone current until {@link stop}. */
  async start(port = DEFAULT_DNS_PORT): Promise<number> {
    if (this.responder) return this.responder.port;
    this.wantedPort = port;
    this.starting = true;
    const generation = this.generation;
    try {
      await this.refresh();
    } finally {
      this.starting = false;
    }
    // Stopped while the first zone was read (the app closing as it starts): bind nothing.
    if (generation !== this.generation)
      throw new KindscopeError('CANCELLED', 'The DNS responder was stopped before it started', 'Start it again.');
    const responder = new DnsResponder({
      port,
      zone: () => this.index,
      isProbe: (name) => this.probes.has(name),
      onQuery: (name) => {
        if (this.probes.has(name)) this.probes.set(name, true);
      },
      log: this.options.log,
      ...(this.options.limits ? { limits: this.options.limits } : {}),
    });
    try {
      await responder.start();
    } catch (error) {
      this.failure = (error as Error).message;
      throw error;
    }
    // Stopped while the sockets were being bound: close them, keep no interval (found by the app's dispose test).
    if (generation !== this.generation) {
      await responder.stop();
      throw new KindscopeError('CANCELLED', 'The DNS responder was stopped before it started', 'Start it again.');
    }
    this.failure = undefined;
    this.responder = responder;
    this.subscription = this.options.source.onDidChange(() => this.changes.schedule());
    this.timer = setInterval(() => void this.refresh(), this.options.refreshMs ?? 2_000);
    this.timer.unref();
    this.options.log.info(`DNS responder for ${DNS_ZONE} on 127.0.0.1:${responder.port} (UDP and TCP)`);
    return responder.port;
  }

  async stop(): Promise<void> {
    this.generation++;
    clearInterval(this.timer);
    this.changes.cancel();
    this.subscription?.dispose();
    this.subscription = undefined;
    const responder = this.responder;
    this.responder = undefined;
    await responder?.stop();
    // A re-read in flight starts no other (it is not awaited: its source may hang, and it binds nothing).
    this.again = false;
  }

  /** The responder's state and a fresh probe through the system resolver. */
  async status(askedPort?: number): Promise<DnsStatus> {
    const port = this.responder?.port ?? askedPort ?? this.wantedPort;
    const responder: DnsStatus['responder'] = this.responder
      ? { state: 'running', address: `127.0.0.1:${port}` }
      : this.starting
        ? { state: 'starting', reason: 'Reading the clusters for the first zone.' }
        : this.failure
          ? { state: 'failed', reason: this.failure }
          : {
              state: 'stopped',
              reason: 'Not started: the desktop app and serve mode run it; headless: `kindscope dns serve`.',
            };
    const base = { zone: DNS_ZONE, ttl: DNS_TTL, port, backend: this.options.backend?.() ?? 'manual' };
    // Not ours, but maybe another Kindscope's (the desktop app while the CLI asks): say so, and check with a known name.
    if ((responder.state === 'stopped' || responder.state === 'failed') && (await answersForZone(port))) {
      return {
        ...base,
        responder: {
          state: 'running',
          address: `127.0.0.1:${port}`,
          reason: 'Answered by another Kindscope process (the desktop app, serve mode or `kindscope dns serve`).',
        },
        os: await this.probeKnownName(port),
      };
    }
    return { ...base, responder, os: await this.probe() };
  }

  /** For a responder in another process: does the system resolver give a listed name the zone's address? */
  private async probeKnownName(port: number): Promise<DnsStatus['os']> {
    await this.refresh();
    const known = this.index.listing.find((name) => name.addresses.some((a) => !a.includes(':')));
    const checkedAt = new Date().toISOString();
    if (!known)
      return {
        sendsQueries: false,
        probeName: '',
        checkedAt,
        detail: 'No name to check with yet (no LoadBalancer service with an IPv4 address, no node).',
      };
    const lookup = this.options.lookup ?? ((name: string) => systemLookup(name, { family: 4 }));
    try {
      const { address } = await withTimeout(
        lookup(known.name),
        PROBE_TIMEOUT_MS,
        `no answer in ${PROBE_TIMEOUT_MS / 1000} s`,
      );
      const same = known.addresses.includes(address);
      return {
        sendsQueries: same,
        probeName: known.name,
        checkedAt,
        detail: same
          ? `The system resolver gives ${known.name} its address ${address}.`
          : `The system resolver gives ${known.name} ${address}, not ${known.addresses.join(', ')}.`,
      };
    } catch (error) {
      return {
        sendsQueries: false,
        probeName: known.name,
        checkedAt,
        detail:
          `The system resolver cannot resolve ${known.name} ` +
          `(${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): ` +
          `wire the OS to 127.0.0.1:${port}.`,
      };
    }
  }

  /**
   * Resolves a one-off name through getaddrinfo, the way curl and browsers do. Only the
   * responder answers it (127.0.0.1), and only when it saw the query is the OS wired.
   */
  private async probe(): Promise<DnsStatus['os']> {
    const probeName = `kindscope-probe-${randomBytes(4).toString('hex')}.${DNS_ZONE}`;
    const checkedAt = new Date().toISOString();
    if (!this.responder)
      return {
        sendsQueries: false,
        probeName,
        checkedAt,
        detail: 'The responder is not running, so nothing answers kind.internal.',
      };
    this.probes.set(probeName, false);
    const lookup = this.options.lookup ?? ((name: string) => systemLookup(name, { family: 4 }));
    let detail: string;
    try {
      const result = await withTimeout(
        lookup(probeName),
        PROBE_TIMEOUT_MS,
        `no answer in ${PROBE_TIMEOUT_MS / 1000} s`,
      );
      detail = this.probes.get(probeName)
        ? `The system resolver sent ${probeName} here and got ${result.address}.`
        : `The system resolver answered ${result.address} for ${probeName} without asking this responder.`;
    } catch (error) {
      detail =
        `The system resolver did not send ${probeName} here ` +
        `(${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): ` +
        `wire the OS to 127.0.0.1:${this.responder.port}.`;
    }
    const seen = this.probes.get(probeName) === true;
    this.probes.delete(probeName);
    return { sendsQueries: seen, probeName, checkedAt, detail };
  }

  /** Re-reads every cluster; one at a time (a change during a read triggers one more). */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = this.readAll().finally(() => {
      this.refreshing = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    });
    return this.refreshing;
  }

  private async readAll(): Promise<void> {
    let clusters: string[];
    try {
      clusters = await this.options.source.clusters();
    } catch (error) {
      // Docker went away: keep answering from the last zone rather than forgetting every name.
      this.options.log.warn(
        `DNS zone: the cluster list could not be read (${(error as Error).message}); answering from the last one`,
      );
      return;
    }
    // One cluster whose API hangs (a paused control plane) must not hold every other name back.
    const results = await Promise.allSettled(
      clusters.map((cluster) =>
        withTimeout(
          this.options.source.status(cluster),
          STATUS_TIMEOUT_MS,
          `no status in ${STATUS_TIMEOUT_MS / 1000} s`,
        ),
      ),
    );
    const unavailable: DnsNames['unavailable'] = [];
    const statuses: ClusterStatus[] = [];
    results.forEach((result, i) => {
      const cluster = clusters[i]!;
      if (result.status === 'fulfilled') {
        this.lastGood.set(cluster, result.value);
        statuses.push(result.value);
      } else {
        unavailable.push({ cluster, reason: (result.reason as Error).message });
        // An API blip keeps the last answer; a deleted cluster (not listed) loses its names.
        const last = this.lastGood.get(cluster);
        if (last) statuses.push(last);
      }
    });
    for (const cluster of this.lastGood.keys()) if (!clusters.includes(cluster)) this.lastGood.delete(cluster);
    this.index = buildZoneIndex(statuses);
    this.unavailable = unavailable;
    this.known = clusters;
  }
}
