import type { ClusterStatus, Finding, Verification } from '../../../contract';
import { hostNeighbourTable, sameMac, type NeighbourTable } from '../../host/probe';
import { measureService } from '../../troubleshoot/service-check';

export type { Verification } from '../../../contract';

/** How the verify step refreshes and reads this machine's neighbour entry (the probe module's table; a fake in tests). */
export type VerifyProbes = NeighbourTable;

export const hostProbes: VerifyProbes = hostNeighbourTable;

/**
 * Proves a LoadBalancer IP answers from this machine, and measures who answered: the old
 * neighbour entry is cleared first (a stale one would name the previous holder), the HTTP
 * probe makes the kernel ARP afresh, and the MAC it resolved is read back. The Lease's
 * holder is reported beside it; a mismatch is a finding, never papered over.
 */
export async function verifyService(
  status: ClusterStatus,
  namespace: string,
  name: string,
  probes: VerifyProbes = hostProbes,
): Promise<Verification | undefined> {
  const service = status.services.find((s) => s.namespace === namespace && s.name === name);
  const ip = service?.externalIPs[0];
  if (!service || !ip) return undefined;
  // The check's own measurement (probe.ts): the entry refreshed, HTTP sent, the MAC judged by its state.
  const { check, refresh } = await measureService(status, namespace, name, probes);
  const neighbourCleared = refresh?.refreshed ?? false;
  const state = check.neighbour?.state;
  const answeredBy = check.answeredBy;
  const findings: Finding[] = [];
  const holder = service.leaseHolder;
  if (holder?.mac && answeredBy && !sameMac(holder.mac, answeredBy.mac)) {
    findings.push({
      code: 'answer-mismatch',
      message: `ARP for ${ip} was answered by ${answeredBy.node ?? answeredBy.mac} (${answeredBy.mac}), but the lease is held by ${holder.node} (${holder.mac})`,
      fix: 'Another cluster may announce the same IP (check the pools of clusters on the kind network), or the neighbour entry was not refreshed: clear it and check again.',
    });
  }
  const reachable = check.http?.status !== undefined;
  return {
    ip,
    port: check.port ?? 80,
    http: check.http ?? { ok: false, ms: 0 },
    ...(holder ? { leaseHolder: holder } : {}),
    ...(answeredBy ? { answeredBy } : {}),
    neighbourCleared,
    ...(state ? { neighbourState: state } : {}),
    reachable,
    findings: [...findings, ...(reachable ? [] : check.findings)],
  };
}
