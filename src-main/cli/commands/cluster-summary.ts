import type { AppError, ClusterStatus, Finding, KindscopeClient, ServiceStatus } from '../../contract';
import { formatAnnouncement } from './format-status';

/** One cluster in a line: what `kindscope status` with no --cluster prints for each cluster. */
export interface ClusterSummary {
  cluster: string;
  /** False when some of the state could not be read: the other fields say only what is known. */
  complete: boolean;
  apiServer: string;
  nodes: { ready: number; total: number };
  cilium: { state: ClusterStatus['cilium']['state']; version?: string };
  loadBalancers: {
    namespace: string;
    name: string;
    ips: string[];
    /** The claim (the Lease's holder), never a measurement. */
    leaseHolder?: string;
    /** The measurement, when a probe saw a MAC answer ARP. */
    answeredBy?: { node?: string; mac: string; checkedAt: string };
  }[];
  findings: number;
}

/** Every finding of a model with what it is about: the cluster, a service or a pool. */
export interface ScopedFinding extends Finding {
  scope: string;
}

export function findingsOf(status: ClusterStatus): ScopedFinding[] {
  return [
    ...status.findings.map((f) => ({ scope: 'cluster', ...f })),
    ...status.services.flatMap((s) => s.findings.map((f) => ({ scope: `service ${s.namespace}/${s.name}`, ...f }))),
    ...status.pools.flatMap((p) => p.findings.map((f) => ({ scope: `pool ${p.name}`, ...f }))),
  ];
}

export const loadBalancers = (status: ClusterStatus): ServiceStatus[] =>
  status.services.filter((s) => s.type === 'LoadBalancer');

export function summarise(status: ClusterStatus): ClusterSummary {
  return {
    cluster: status.cluster,
    complete: status.complete,
    apiServer: status.connection.state,
    nodes: { ready: status.nodes.filter((n) => n.ready).length, total: status.nodes.length },
    cilium: { state: status.cilium.state, ...(status.cilium.version ? { version: status.cilium.version } : {}) },
    loadBalancers: loadBalancers(status).map((s) => ({
      namespace: s.namespace,
      name: s.name,
      ips: s.externalIPs,
      ...(s.leaseHolder ? { leaseHolder: s.leaseHolder.node } : {}),
      ...(s.answeredBy ? { answeredBy: s.answeredBy } : {}),
    })),
    findings: findingsOf(status).length,
  };
}

/** The model of every kind cluster on the engine, read side by side (each within the one-shot deadline). */
export async function everyClusterStatus(
  client: KindscopeClient,
): Promise<{ ok: true; statuses: ClusterStatus[] } | { ok: false; error: AppError }> {
  const list = await client.invoke('topology:clusters', {});
  if (!list.ok) return { ok: false, error: list.error };
  const results = await Promise.all(
    list.value.clusters.map((c) => client.invoke('cluster:status', { cluster: c.name })),
  );
  const failed = results.find((r) => !r.ok);
  if (failed && !failed.ok) return { ok: false, error: failed.error };
  return { ok: true, statuses: results.flatMap((r) => (r.ok ? [r.value] : [])) };
}

function ciliumText(summary: ClusterSummary): string {
  if (summary.cilium.state === 'installed') return `Cilium ${summary.cilium.version ?? '(version unknown)'}`;
  return summary.cilium.state === 'not-installed' ? 'Cilium not installed' : 'Cilium unknown';
}

/** `kindscope status` with no --cluster: one line per cluster, then where to look next. */
export function formatSummaries(summaries: ClusterSummary[]): string {
  if (summaries.length === 0)
    return 'No kind clusters on this Docker engine. Create one with `kindscope create --name NAME`.\n';
  const lines = summaries.map((s) => {
    const lbs = s.loadBalancers.flatMap((lb) =>
      (lb.ips.length ? lb.ips : ['<pending>']).map(
        (ip) =>
          `${ip} ${lb.name}${lb.leaseHolder ? ` → ${lb.leaseHolder}` : lb.ips.length ? ' → no lease holder' : ''}`,
      ),
    );
    const findings = s.findings === 1 ? '1 finding' : `${s.findings} findings`;
    const incomplete = s.complete ? '' : ` (incomplete: API ${s.apiServer})`;
    return (
      `${s.cluster}: nodes ${s.nodes.ready}/${s.nodes.total} Ready, ${ciliumText(s)}, ` +
      `LoadBalancer IPs: ${lbs.join(', ') || 'none'}; ${findings}${incomplete}`
    );
  });
  const withFindings = summaries.filter((s) => s.findings > 0).map((s) => s.cluster);
  lines.push(
    '',
    withFindings.length
      ? `Findings with their fixes: kindscope doctor${withFindings.length === 1 ? ` --cluster ${withFindings[0]}` : ''}`
      : 'No findings.',
    'One cluster in full: kindscope status --cluster NAME',
  );
  return `${lines.join('\n')}\n`;
}

/** One LoadBalancer IP a line: the claim and the measurement, worded apart. */
export function formatLoadBalancers(status: ClusterStatus): string[] {
  if (!status.complete && status.services.length === 0)
    return [`LoadBalancer IPs: unknown (the API server is ${status.connection.state})`];
  const services = loadBalancers(status);
  if (services.length === 0) return ['LoadBalancer IPs: none (no Service of type LoadBalancer)'];
  return [
    'LoadBalancer IPs:',
    ...services.map((s) => {
      const announcement = formatAnnouncement(s);
      const ports = s.servicePorts.map((p) => `:${p.port}`).join(',');
      return (
        `  ${(s.externalIPs.join(', ') || '<pending>').padEnd(15)} ` +
        `${s.namespace}/${s.name}${ports ? ` ${ports}` : ''} — ` +
        `${announcement || (s.externalIPs.length ? 'no lease holder' : s.findings[0]?.message || 'no IP yet')}`
      );
    }),
  ];
}
