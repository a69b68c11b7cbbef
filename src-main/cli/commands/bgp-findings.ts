import type { BgpFinding, KindscopeClient } from '../../contract';
import type { ScopedFinding } from './cluster-summary';

/** A finding as doctor and status print it: the model's, or BGP mode's (its code is BGP mode's own, with the repair `fix` makes). */
export type DoctorFinding = Omit<ScopedFinding, 'code'> & { code: string; repair?: BgpFinding['repair'] };

/**
 * BGP mode's findings for a cluster (`cluster:bgp`: the nodes' claim, the router's measurement,
 * the cluster's BGP objects), or none for an L2 lab. A view that cannot be read adds nothing:
 * the model's findings still stand.
 */
export async function bgpFindingsFor(
  client: KindscopeClient,
  cluster: string,
): Promise<{ active: boolean; findings: DoctorFinding[] }> {
  const view = await client.invoke('cluster:bgp', { cluster });
  if (!view.ok || !view.value.active) return { active: false, findings: [] };
  return { active: true, findings: view.value.findings.map((f) => ({ scope: 'bgp', ...f })) };
}

/** The BGP findings as `status`'s text prints them, after the model's. */
export function formatBgpFindings(findings: DoctorFinding[]): string {
  return findings.length
    ? `BGP findings:\n${findings.map((f) => `  ! ${f.message}\n    fix: ${f.fix}\n`).join('')}`
    : '';
}
