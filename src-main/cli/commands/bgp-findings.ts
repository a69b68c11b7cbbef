import type { BgpFinding, KindscopeClient } from '../../contract';
import type { ScopedFinding } from './cluster-summary';

/** A finding as doctor and status print it: the model's, or BGP mode's (its code is BGP mode's own, with the repair `fix` makes). */
export type DoctorFinding = Omit<ScopedFinding, 'code'> & { code: string; repair?: BgpFinding['repair'] };

/**
 * Findings that presume L2 announcements (someone answers ARP for the IP on the kind bridge): in
 * BGP mode nobody does by design — the router answers on the pool's own network — so they are
 * not causes there, and BGP mode's own findings take their place.
 */
const l2Only = new Set<string>([
  'l2-announcements-disabled',
  'no-l2-policy',
  'policy-no-nodes',
  'policy-interfaces',
  'policy-bad-selector',
  'no-lease',
  'lease-holder-stopped',
  'lb-ipam-sharing-key-l2',
  'vip-outside-docker-network',
  'pool-outside-docker-network',
  'arp-answer-not-holder',
  'arp-no-reply',
  'arp-no-request',
  'path-not-cluster-network',
  'neighbour-permanent-mismatch',
]);

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

/** The model's findings, without those that presume L2 announcements when the lab is a BGP lab. */
export function modelFindings(findings: ScopedFinding[], bgpActive: boolean): DoctorFinding[] {
  return bgpActive ? findings.filter((f) => !l2Only.has(f.code)) : findings;
}

/** The BGP findings as `status`'s text prints them, after the model's. */
export function formatBgpFindings(findings: DoctorFinding[]): string {
  return findings.length
    ? `BGP findings:\n${findings.map((f) => `  ! ${f.message}\n    fix: ${f.fix}\n`).join('')}`
    : '';
}
