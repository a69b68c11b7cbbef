import type { ClusterStatus, Finding, Verification } from '../../../contract';
import { hostNeighbourTable, sameMac, type ProofDeps } from '../../host/probe';
import { measureService } from '../../troubleshoot/service-check';

export type { Verification } from '../../../contract';

/** What the verify step proves with: the neighbour table, the path check, the ARP asker (the composition root's; fakes in tests). */
export type VerifyProbes = ProofDeps;

/** Without the composition root's path check nothing is proven, and nothing is sent. */
export const hostProbes: VerifyProbes = {
  table: hostNeighbourTable,
  path: async (_cluster, ip) => ({
    ok: false,
    detail: `This machine's path to ${ip} was not checked (no engine to read the cluster's network from): nothing was sent.`,
    fix: 'Run `kindscope check`, which checks the path.',
  }),
};

/**
 * Proves a LoadBalancer IP answers from this machine (the check's proof: path, who answered
 * ARP, what answered), and measures who answered: the old neighbour entry is cleared first (a
 * stale one would name the previous holder), the HTTP probe makes the kernel ARP afresh, and
 * the MAC it resolved is read back. The Lease's
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
      message:
        `ARP for ${ip} was answered by ${answeredBy.node ?? answeredBy.mac} (${answeredBy.mac}), ` +
        `but the lease is held by ${holder.node} (${holder.mac})`,
      fix:
        'Another cluster may announce the same IP (check the pools of clusters on the kind network), or the neighbour entry was not refreshed: ' +
        'clear it and check again.',
    });
  }
  // Reachable only when proven: the path, who answered ARP, what answered (core/host/probe.ts).
  const reachable = check.proof?.proven === true;
  return {
    ip,
    port: check.port ?? 80,
    http: check.http ?? { ok: false, ms: 0 },
    ...(holder ? { leaseHolder: holder } : {}),
    ...(answeredBy ? { answeredBy } : {}),
    neighbourCleared,
    ...(state ? { neighbourState: state } : {}),
    reachable,
    ...(check.proof ? { proof: check.proof } : {}),
    // A permanent entry that disagrees with who answers is a finding even when the IP is proven (issue 25).
    findings: [
      ...findings,
      ...(reachable ? check.findings.filter((f) => f.code === 'neighbour-permanent-mismatch') : check.findings),
    ],
  };
}
