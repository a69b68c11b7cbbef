import { KindscopeError, type ClusterStatus } from '../../../contract';
import type { Event } from '../../util/emitter';

/** The live status of one cluster, as the cluster wing keeps it (one watcher per cluster). */
export interface ClusterStatusSource {
  status(): Promise<ClusterStatus>;
  onDidChange: Event<ClusterStatus>;
}

export interface WaitCheck {
  done: boolean;
  /** What is still missing, in words (shown in the run view while waiting). */
  detail: string;
  fraction?: number;
}

/**
 * Waits until `check` says done, re-checking on every pushed change of the cluster's live
 * status (no polling, no second watcher). Rejects on timeout with the last detail, or on
 * abort.
 */
export async function waitForStatus(
  source: ClusterStatusSource,
  check: (status: ClusterStatus) => WaitCheck,
  options: {
    signal: AbortSignal;
    timeoutMs: number;
    what: string;
    onProgress(detail: string, fraction?: number): void;
    recheckMs?: number;
  },
): Promise<ClusterStatus> {
  let last = 'no status yet';

  return new Promise<ClusterStatus>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(recheck);
      subscription.dispose();
      options.signal.removeEventListener('abort', onAbort);
      outcome();
    };
    const evaluate = (status: ClusterStatus) => {
      const result = check(status);
      if (result.detail !== last) options.onProgress(result.detail, result.fraction);
      last = result.detail;
      if (result.done) finish(() => resolve(status));
    };
    const onAbort = () =>
      finish(() => reject(options.signal.reason ?? new KindscopeError('CANCELLED', 'Cancelled', 'Resume the run.')));
    const timer = setTimeout(
      () =>
        finish(() =>
          reject(
            new KindscopeError(
              'INTERNAL',
              `Gave up waiting for ${options.what} after ${Math.round(options.timeoutMs / 1000)} s: ${last}`,
              'See the step log and the pod reasons; fix the cause and resume the run.',
            ),
          ),
        ),
      options.timeoutMs,
    );
    const subscription = source.onDidChange(evaluate);
    // Pushes leave out lease renewals (statusChangeKey), so a check on `renewTime` asks to re-read
    // the session's in-memory model every `recheckMs`: no request to the API server, just the cache.
    const recheck = options.recheckMs
      ? setInterval(() => void source.status().then(evaluate, () => undefined), options.recheckMs)
      : undefined;
    options.signal.addEventListener('abort', onAbort, { once: true });
    source.status().then(evaluate, (error: unknown) => {
      last = `status unavailable: ${(error as Error).message}`;
      options.onProgress(last);
    });
  });
}

/** A pipeline step's wait: progress and log lines from the check's detail. */
export async function waitStep(
  source: ClusterStatusSource,
  context: {
    signal: AbortSignal;
    log(line: string): void;
    progress(fraction: number | undefined, detail?: string): void;
  },
  check: (status: ClusterStatus) => WaitCheck,
  what: string,
  timeoutMs: number,
  recheckMs?: number,
): Promise<void> {
  await waitForStatus(source, check, {
    signal: context.signal,
    timeoutMs,
    what,
    ...(recheckMs ? { recheckMs } : {}),
    onProgress: (detail, fraction) => (context.log(detail), context.progress(fraction, detail)),
  });
}

/** Cilium agents on every node, the operator, every node Ready and CoreDNS ready (what `cilium status --wait` checks, and DNS). */
export function ciliumReady(expectedNodes: number) {
  return (status: ClusterStatus): WaitCheck => {
    const { agents, operator } = status.cilium;
    const ready = status.nodes.filter((n) => n.ready).length;
    // Each not-ready pod's reason (ContainerCreating, ImagePullBackOff, CrashLoopBackOff…) from the diagnosis.
    const reasons = status.findings
      .filter((f) => f.code === 'agent-not-ready' || f.code === 'coredns-not-ready')
      .map((f) => f.message);
    const parts = [
      `agents ${agents.ready}/${Math.max(agents.desired, expectedNodes)}`,
      `operator ${operator.ready}/${operator.desired || 1}`,
      `nodes Ready ${ready}/${expectedNodes}`,
      ...reasons,
    ];
    const coredns = !status.findings.some((f) => f.code === 'coredns-not-ready');
    const done =
      status.cilium.installed &&
      agents.ready >= expectedNodes &&
      operator.ready >= 1 &&
      operator.ready >= operator.desired &&
      ready >= expectedNodes &&
      status.nodes.length >= expectedNodes &&
      coredns;
    const total = expectedNodes * 2 + 1;
    return {
      done,
      detail: parts.join(', '),
      fraction: Math.min(
        1,
        (Math.min(agents.ready, expectedNodes) + Math.min(ready, expectedNodes) + Math.min(operator.ready, 1)) / total,
      ),
    };
  };
}

/**
 * Every LoadBalancer service has its IP, ready endpoints and a lease holder — renewed after
 * `since` when given, so a Lease left from before a stop does not count as re-elected.
 */
export function allAnnounced(since?: number) {
  return (status: ClusterStatus): WaitCheck => {
    const fresh = (renewTime?: string) =>
      since === undefined || (renewTime !== undefined && Date.parse(renewTime) >= since);
    const services = status.services;
    const missing = services.filter(
      (s) => s.externalIPs.length === 0 || s.readyEndpoints === 0 || !s.leaseHolder || !fresh(s.leaseHolder.renewTime),
    );
    const why = (s: (typeof services)[number]) =>
      s.externalIPs.length === 0
        ? `<pending>${s.findings[0] ? ` (${s.findings[0].message})` : ''}`
        : s.readyEndpoints === 0
          ? 'no ready endpoints'
          : !s.leaseHolder
            ? 'no lease holder yet'
            : 'lease not renewed since the start';
    const detail =
      missing.length === 0
        ? `${services.length} service(s) announced`
        : missing.map((s) => `${s.namespace}/${s.name} ${s.externalIPs[0] ?? ''}: ${why(s)}`).join('; ');
    return {
      done: status.connection.state === 'live' && missing.length === 0,
      detail,
      fraction: services.length ? (services.length - missing.length) / services.length : 1,
    };
  };
}

/** The service has its external IP, ready endpoints and a lease holder. */
export function serviceAnnounced(namespace: string, name: string) {
  return (status: ClusterStatus): WaitCheck => {
    const service = status.services.find((s) => s.namespace === namespace && s.name === name);
    if (!service) return { done: false, detail: `service ${namespace}/${name} not seen yet` };
    const ip = service.externalIPs[0];
    const reasons = service.findings.map((f) => f.message).join('; ');
    if (!ip) return { done: false, detail: `external IP <pending>${reasons ? `: ${reasons}` : ''}`, fraction: 0.25 };
    if (service.readyEndpoints === 0)
      return { done: false, detail: `${ip}: waiting for ready endpoints`, fraction: 0.5 };
    if (!service.leaseHolder)
      return {
        done: false,
        detail: `${ip}: no node holds the L2 lease yet${reasons ? ` (${reasons})` : ''}`,
        fraction: 0.75,
      };
    return { done: true, detail: `${ip}: lease held by ${service.leaseHolder.node}`, fraction: 1 };
  };
}
