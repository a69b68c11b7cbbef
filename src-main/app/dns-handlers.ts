import { DEFAULT_DNS_PORT, KindscopeError, type ClusterStatus, type DnsWiringPlan } from '../contract';
import { DnsService, type DnsZoneSource } from '../core/dns/dns-service';
import { DnsWiring, systemWiringEnvironment } from '../core/dns/dns-wiring';
import type { PlannedWiring } from '../core/dns/dns-wiring-plan';
import type { Logger } from '../core/util/logger';
import type { Handlers } from './router';

type DnsHandlers = Pick<Handlers, 'dnsNames' | 'dnsStatus' | 'dnsServe' | 'dnsWiringPlan' | 'dnsApplyWiring'>;

/** Names for LoadBalancer IPs: the zone service with its responder, and the OS wiring. */
export interface DnsFeature {
  service: DnsService;
  wiring: DnsWiring;
  dispose(): Promise<void>;
}

/**
 * What the zone reads today: the kind clusters Docker reports (running ones) and each
 * one's `cluster:status`; changes as pushed by the live transports. The cluster wing's
 * rebuild re-adapts here, nowhere else.
 */
export function createDnsZoneSource(deps: {
  clusters: () => Promise<{ name: string; running: number }[]>;
  status: (cluster: string) => Promise<ClusterStatus>;
  subscribe: (listener: (status: ClusterStatus) => void) => () => void;
  /** The engine's cluster list as it changes (a cluster made, started, stopped or deleted), where it is followed live. */
  subscribeClusters?: (listener: (clusters: { name: string }[]) => void) => () => void;
}): DnsZoneSource {
  return {
    clusters: async () => (await deps.clusters()).filter((c) => c.running > 0).map((c) => c.name),
    status: deps.status,
    onDidChange: (listener) => {
      const stops = [
        deps.subscribe((status) => listener(status.cluster)),
        deps.subscribeClusters?.((clusters) => clusters.forEach((c) => listener(c.name))),
      ];
      return () => stops.forEach((stop) => stop?.());
    },
  };
}

/** The port from `KINDSCOPE_DNS_PORT`, else the default; a bad value is named, not guessed around. */
export function configuredDnsPort(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.KINDSCOPE_DNS_PORT;
  if (raw === undefined || raw === '') return DEFAULT_DNS_PORT;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535)
    throw new KindscopeError(
      'INVALID_INPUT',
      `KINDSCOPE_DNS_PORT "${raw}" is not a port number`,
      'Set it to a whole number from 1 to 65535, or unset it for 15353.',
    );
  return port;
}

/**
 * Builds the feature. Desktop and serve mode (`live`) start the responder at once and keep
 * it for the app's life; the CLI starts it only for `kindscope dns serve`.
 */
export function createDnsFeature(options: {
  source: DnsZoneSource;
  live: boolean;
  log: Logger;
  refreshMs?: number;
}): DnsFeature {
  const wiring = new DnsWiring(systemWiringEnvironment());
  // Live, the zone follows pushed changes (statuses and the cluster list), and the re-read is only a backstop;
  // the CLI (`kindscope dns serve`) has no pushed cluster list, so it re-reads every 2 s.
  const service = new DnsService({
    source: options.source,
    log: options.log,
    backend: () => wiring.detect(),
    refreshMs: options.refreshMs ?? (options.live ? 30_000 : 2_000),
  });
  // After the composition root has finished (the source reads services it is still building).
  if (options.live) {
    queueMicrotask(
      () =>
        void (async () => service.start(configuredDnsPort()))().catch((error: Error) => {
          // CANCELLED: the app closed while starting; nothing to say.
          if (!(error instanceof KindscopeError && error.code === 'CANCELLED'))
            options.log.warn(`DNS names are off: ${error.message}`);
        }),
    );
  }
  return { service, wiring, dispose: () => service.stop() };
}

export function createDnsHandlers(feature: DnsFeature): DnsHandlers {
  const { service, wiring } = feature;
  const portFor = (port: number | undefined) => port ?? service.port ?? configuredDnsPort();
  return {
    dnsNames: ({ cluster }) => service.names(cluster),
    dnsStatus: ({ port }) => service.status(port),
    dnsServe: async ({ port }) => {
      await service.start(portFor(port));
      return service.status();
    },
    dnsWiringPlan: async ({ action, port }) => shown(await wiring.plan(action, portFor(port))),
    dnsApplyWiring: async ({ action, port }) => {
      const plan = await wiring.plan(action, portFor(port));
      const result = await wiring.apply(plan);
      return { plan: shown(plan), applied: true, output: result.output, status: await service.status() };
    },
  };
}

/** The plan as the user sees it (the script is its steps joined; it stays in the main process). */
/** What the consent step shows: every file and command, and the exact script the prompt runs. */
function shown(plan: PlannedWiring): DnsWiringPlan {
  const { elevated: _elevated, ...visible } = plan;
  return visible;
}
