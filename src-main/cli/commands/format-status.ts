import type { ClusterStatus, Finding, ServiceStatus } from '../../contract';

const time = (iso: string) => new Date(iso).toISOString().slice(11, 19);

/** The claim and the measurement, worded apart: "lease held by X" vs "answered ARP: X (checked 10:42:07)". */
export function formatAnnouncement(service: ServiceStatus): string {
  const parts: string[] = [];
  if (service.leaseHolder)
    parts.push(
      `lease held by ${service.leaseHolder.node}${service.leaseHolder.mac ? ` (${service.leaseHolder.mac})` : ''}`,
    );
  if (service.answeredBy)
    parts.push(
      `answered ARP: ${service.answeredBy.node ?? 'no node'} (${service.answeredBy.mac}, checked ${time(service.answeredBy.checkedAt)})`,
    );
  return parts.join('; ');
}

function cilium(status: ClusterStatus): string {
  const c = status.cilium;
  if (c.state === 'unknown') return 'Cilium: unknown (not listed yet)';
  if (c.state === 'not-installed') return 'Cilium: not installed';
  return (
    `Cilium ${c.version ?? ''}: agents ${c.agents.ready}/${c.agents.desired}, ` +
    `operator ${c.operator.ready}/${c.operator.desired}, ` +
    `kube-proxy replacement ${c.kubeProxyReplacement ?? '-'}, ` +
    `L2 announcements ${c.l2Announcements ? 'on' : 'off'}, routing ${c.routingMode ?? '-'}`
  );
}

const findingLines = (findings: Finding[], indent: string) =>
  findings.map((f) => `${indent}! ${f.message}\n${indent}  fix: ${f.fix}`);

/** `kindscope status` for people: what answers, what does not, and why. */
export function formatClusterStatus(status: ClusterStatus): string {
  const lines: string[] = [];
  lines.push(
    `Cluster "${status.cluster}" (context ${status.context}) — API ` +
      `${status.connection.state}${status.connection.reason ? `: ${status.connection.reason}` : ''}`,
  );
  lines.push(cilium(status));
  lines.push('', 'Nodes:');
  for (const node of status.nodes) {
    const container = node.container ? `container ${node.container.state}` : 'container ?';
    lines.push(
      (
        `  ${node.name.padEnd(28)} ${container.padEnd(18)} Kubernetes ` +
        `${(node.ready ? 'Ready' : 'NotReady').padEnd(9)} ${(node.internalIP ?? '-').padEnd(15)} ` +
        `${node.podCIDRs.join(',').padEnd(16)} ${node.mac ?? ''}`
      ).trimEnd(),
    );
  }
  lines.push('', 'LoadBalancer services:');
  if (status.services.length === 0) lines.push('  none');
  for (const svc of status.services) {
    const announcement = formatAnnouncement(svc);
    lines.push(
      `  ${svc.namespace}/${svc.name}: ` +
        `${svc.externalIPs.join(', ') || '<pending>'}${announcement ? ` — ${announcement}` : ''}, ` +
        `${svc.readyEndpoints} ready endpoint${svc.readyEndpoints === 1 ? '' : 's'}`,
    );
    lines.push(...findingLines(svc.findings, '    '));
  }
  lines.push('', 'Pools:');
  if (status.pools.length === 0) lines.push('  none');
  for (const pool of status.pools) {
    lines.push(
      `  ${pool.name} ${pool.ranges.join(', ')}${pool.disabled ? ' (disabled)' : ''} — ` +
        `${pool.available ?? '?'} of ${pool.total ?? '?'} ` +
        `free${pool.dockerNetwork ? `, in Docker network "${pool.dockerNetwork}"` : ''}`,
    );
    lines.push(...findingLines(pool.findings, '    '));
  }
  if (status.findings.length > 0) lines.push('', ...findingLines(status.findings, ''));
  const count =
    status.findings.length +
    status.services.reduce((n, s) => n + s.findings.length, 0) +
    status.pools.reduce((n, p) => n + p.findings.length, 0);
  if (count > 0)
    lines.push(
      '',
      `${count === 1 ? '1 finding' : `${count} findings`}: \`kindscope doctor --cluster ${status.cluster}\` lists them with their fixes.`,
    );
  return `${lines.join('\n')}\n`;
}

/** What is missing from an incomplete model, for the error a one-shot command ends with. */
export function describeIncomplete(status: ClusterStatus): string {
  const missing = status.streams.filter((s) => s.state !== 'live' && s.state !== 'absent');
  const reasons = [...new Set(missing.map((s) => s.reason).filter(Boolean))].slice(0, 3);
  return (
    `The state of cluster "${status.cluster}" is incomplete: not read from the API server: ` +
    `${missing.map((s) => s.resource).join(', ')}${reasons.length ? ` (${reasons.join('; ')})` : ''}`
  );
}
