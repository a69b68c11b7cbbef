import type { ClusterStatus } from '../contract';

/** `kindscope status` for people: what answers, what does not, and why. */
export function formatClusterStatus(status: ClusterStatus): string {
  const lines: string[] = [];
  lines.push(`Cluster "${status.cluster}" (context ${status.context}) — API ${status.connection.state}${status.connection.reason ? `: ${status.connection.reason}` : ''}`);
  const c = status.cilium;
  lines.push(c.installed ? `Cilium ${c.version ?? ''}: agents ${c.agents.ready}/${c.agents.desired}, operator ${c.operator.ready}/${c.operator.desired}, kube-proxy replacement ${c.kubeProxyReplacement ?? '-'}, L2 announcements ${c.l2Announcements ? 'on' : 'off'}, routing ${c.routingMode ?? '-'}` : 'Cilium: not installed');
  lines.push('', 'Nodes:');
  for (const node of status.nodes) lines.push(`  ${node.name.padEnd(28)} ${(node.ready ? 'Ready' : 'NotReady').padEnd(9)} ${(node.internalIP ?? '-').padEnd(15)} ${node.podCIDRs.join(',').padEnd(16)} ${node.mac ?? ''}`);
  lines.push('', 'LoadBalancer services:');
  if (status.services.length === 0) lines.push('  none');
  for (const svc of status.services) {
    lines.push(`  ${svc.namespace}/${svc.name}: ${svc.externalIPs.join(', ') || '<pending>'}${svc.holder ? ` — announced by ${svc.holder}${svc.holderMac ? ` (${svc.holderMac})` : ''}` : ''}, ${svc.readyEndpoints} ready endpoint${svc.readyEndpoints === 1 ? '' : 's'}`);
    for (const finding of svc.findings) lines.push(`    ! ${finding.message}\n      fix: ${finding.fix}`);
  }
  lines.push('', 'Pools:');
  if (status.pools.length === 0) lines.push('  none');
  for (const pool of status.pools) {
    lines.push(`  ${pool.name} ${pool.ranges.join(', ')}${pool.disabled ? ' (disabled)' : ''} — ${pool.available ?? '?'} of ${pool.total ?? '?'} free${pool.dockerNetwork ? `, in Docker network "${pool.dockerNetwork}"` : ''}`);
    for (const finding of pool.findings) lines.push(`    ! ${finding.message}\n      fix: ${finding.fix}`);
  }
  for (const finding of status.findings) lines.push('', `! ${finding.message}\n  fix: ${finding.fix}`);
  return `${lines.join('\n')}\n`;
}
