import ipaddr from 'ipaddr.js';
import {
  KindscopeError,
  type AnsweredBy,
  type ClusterStatus,
  type Finding,
  type Verification,
} from '../../../contract';
import { readNeighbour, type NeighbourEntry } from '../../host/neighbour';
import { runTool, type RunOptions } from '../../tools/run-tool';
import { checkService } from '../../troubleshoot/service-check';

export type { Verification } from '../../../contract';

export interface VerifyProbes {
  /** Drops this machine's neighbour entry for the IP; false when not allowed or not possible here. */
  clearNeighbour(ip: string): Promise<boolean>;
  readNeighbour(ip: string): Promise<NeighbourEntry | undefined>;
}

/**
 * Linux: `ip neigh del IP dev DEV` for every entry of the IP, whatever its state — `flush`
 * would keep a PERMANENT one (`arp -s`), which then answers for ever. Needs root or
 * CAP_NET_ADMIN; elsewhere the entry lives in the engine's VM.
 */
export const hostProbes: VerifyProbes = {
  async clearNeighbour(ip) {
    if (process.platform !== 'linux') return false;
    if (!ipaddr.isValid(ip))
      throw new KindscopeError(
        'INVALID_INPUT',
        `"${ip}" is not an IP address`,
        'The service status gave an address Kindscope cannot probe: report this.',
      );
    const listed = await runIp(['-j', 'neigh', 'show', ip]);
    const devices = listed?.exitCode === 0 ? parseNeighbourDevices(listed.stdout, ip) : [];
    let cleared = true;
    for (const dev of devices) {
      // Device names come from `ip` itself; checked anyway before they become arguments.
      if (!/^[\w.@-]{1,15}$/.test(dev)) return false;
      const result = await runIp(['neigh', 'del', ip, 'dev', dev]);
      cleared &&= result?.exitCode === 0;
    }
    return cleared && listed?.exitCode === 0;
  },
  readNeighbour,
};

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
  const neighbourCleared = await probes.clearNeighbour(ip);
  const check = await checkService(status, namespace, name, probes.readNeighbour);
  const checkedAt = new Date().toISOString();
  const mac = check.neighbour?.mac;
  const state = check.neighbour?.state;
  // A measurement only if the entry is fresh: cleared before the probe, or confirmed by it.
  // An uncleared STALE or PERMANENT entry says who answered some time ago, or nobody.
  const measured = neighbourCleared || /REACHABLE|DELAY|PROBE/.test(state ?? '');
  const answeredBy: AnsweredBy | undefined = mac && measured ? { mac, checkedAt, ...nodeFor(status, mac) } : undefined;
  const findings: Finding[] = [];
  const holder = service.leaseHolder;
  if (holder?.mac && answeredBy && holder.mac !== answeredBy.mac) {
    findings.push({
      code: 'answer-mismatch',
      message: `ARP for ${ip} was answered by ${answeredBy?.node ?? mac} (${mac}), but the lease is held by ${holder.node} (${holder.mac})`,
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

/** `ip`, through the run policy (a refusal reads as "could not clear"). */
function runIp(args: string[], options: RunOptions = {}) {
  return runTool('ip', 'ip', args, { allowFailure: true, signal: AbortSignal.timeout(3_000), ...options }).catch(
    () => undefined,
  );
}

function parseNeighbourDevices(json: string, ip: string): string[] {
  try {
    const entries = JSON.parse(json || '[]') as { dst?: string; dev?: string }[];
    return [...new Set(entries.filter((e) => e.dst === ip && e.dev).map((e) => e.dev!))];
  } catch {
    return [];
  }
}

function nodeFor(status: ClusterStatus, mac: string): { node?: string } {
  const node = status.nodes.find((n) => n.mac?.toLowerCase() === mac.toLowerCase())?.name;
  return node ? { node } : {};
}
