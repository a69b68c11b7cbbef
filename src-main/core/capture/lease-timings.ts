import type { ClusterStatus, LeaseTimings } from '../../contract';

/**
 * Cilium's defaults for L2 announcement leases (helm values l2announcements.leaseDuration,
 * leaseRenewDeadline, leaseRetryPeriod; docs "L2 Announcements / Leases": 15s, 5s, 2s).
 */
const ciliumDefaults = { leaseDuration: '15s', renewDeadline: '5s', retryPeriod: '2s' };

/** A Go duration ("1m30s", "200ms", "3s") in ms; undefined when it is not one. */
export function parseGoDuration(value: string): number | undefined {
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value.trim()) return undefined;
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };
  return parts.reduce((total, [, amount, u]) => total + Number(amount) * unit[u!]!, 0);
}

/** The lease timings from the release's values (as `helm get values` prints them), with the worst-case downtime they predict. */
export function leaseTimings(values: unknown): LeaseTimings {
  const l2 = (values as { l2announcements?: Record<string, unknown> } | undefined)?.l2announcements ?? {};
  const pick = (key: string, fallback: string) => (typeof l2[key] === 'string' ? (l2[key] as string) : fallback);
  const leaseDuration = pick('leaseDuration', ciliumDefaults.leaseDuration);
  const renewDeadline = pick('leaseRenewDeadline', ciliumDefaults.renewDeadline);
  const retryPeriod = pick('leaseRetryPeriod', ciliumDefaults.retryPeriod);
  const given = ['leaseDuration', 'leaseRenewDeadline', 'leaseRetryPeriod'].filter((k) => typeof l2[k] === 'string');
  const source =
    given.length === 3
      ? 'helm values of the cilium release'
      : given.length === 0
        ? "Cilium's defaults (the release sets none)"
        : `helm values (${given.join(', ')}) and Cilium's defaults`;
  // A holder that dies right after renewing: the lease runs out after leaseDuration, and a
  // candidate notices within one retryPeriod.
  const predictedMaxDowntimeMs = (parseGoDuration(leaseDuration) ?? 15_000) + (parseGoDuration(retryPeriod) ?? 2_000);
  return { leaseDuration, renewDeadline, retryPeriod, source, predictedMaxDowntimeMs };
}

/**
 * The nodes that could take the lease over: Ready, not the holder, and selected by the L2
 * policies' nodeSelector where it is the seed's "no control-plane" expression (the only
 * selector ClusterStatus lets us evaluate: it carries roles, not labels).
 */
export function takeoverCandidates(status: ClusterStatus, holder: string): { nodes: string[]; why: string } {
  const excludesControlPlane = status.policies.some((p) =>
    JSON.stringify(p.nodeSelector ?? {}).includes('node-role.kubernetes.io/control-plane'),
  );
  const others = status.nodes.filter((n) => n.name !== holder);
  const nodes = others
    .filter((n) => n.ready && !(excludesControlPlane && n.roles.includes('control-plane')))
    .map((n) => n.name);
  const why =
    others.length === 0
      ? `${holder} is the cluster's only other node candidate: nothing could take the lease over`
      : 'no other node is Ready and selected by the L2 policy ' +
        `(${others.map((n) => `${n.name}: ${!n.ready ? 'NotReady' : "control-plane, excluded by the policy's nodeSelector"}`).join('; ')})`;
  return { nodes, why };
}
