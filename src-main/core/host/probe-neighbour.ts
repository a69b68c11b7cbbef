import ipaddr from 'ipaddr.js';
import { KindscopeError, type AnsweredBy } from '../../contract';
import { runTool, type RunOptions } from '../tools/run-tool';
import { withDeadline } from '../util/timeout';

/**
 * The probe module's neighbour part (core/host/probe.ts is the one door): this machine's
 * neighbour (ARP) entry, and the two rules that turn it into "who answered" — which states
 * count as a measurement, and which node owns a MAC.
 */

// ---------------------------------------------------------------------------------------------
// This machine's neighbour (ARP) entry
// ---------------------------------------------------------------------------------------------

/** `ip neigh` for one address: its NUD state(s) joined by "," (`REACHABLE`, `STALE`, `PERMANENT`, `NONE` when absent). */
export interface NeighbourEntry {
  state: string;
  mac?: string;
  dev?: string;
}

/** What refreshing an entry did before a probe. */
export interface NeighbourRefresh {
  /** Every learnt entry for the IP was deleted, so the next packet makes the kernel ask ARP afresh. */
  refreshed: boolean;
  /** An entry the user made permanent (`ip neigh add … nud permanent`, `arp -s`): never deleted, reported. */
  permanent?: NeighbourEntry;
}

/** How this machine's neighbour table is read and refreshed (Linux `ip`; elsewhere it lives in the engine's VM). */
export interface NeighbourTable {
  read(ip: string): Promise<NeighbourEntry | undefined>;
  refresh(ip: string): Promise<NeighbourRefresh>;
}

interface IpNeighbour {
  dst?: string;
  dev?: string;
  lladdr?: string;
  state?: string[];
}

function parseNeighbours(json: string, ip: string): IpNeighbour[] {
  try {
    return (JSON.parse(json || '[]') as IpNeighbour[]).filter((e) => e.dst === ip);
  } catch {
    return [];
  }
}

const toEntry = (e: IpNeighbour): NeighbourEntry => ({
  state: (e.state ?? ['UNKNOWN']).join(','),
  ...(e.lladdr ? { mac: e.lladdr } : {}),
  ...(e.dev ? { dev: e.dev } : {}),
});

/** `ip`, through the run policy; a refusal or a missing `ip` reads as undefined. */
function runIp(args: string[], options: RunOptions = {}) {
  return withDeadline(3_000, undefined, (signal) =>
    runTool('ip', 'ip', args, { allowFailure: true, signal, ...options }),
  ).catch(() => undefined);
}

function checkedIp(ip: string): string {
  if (!ipaddr.isValid(ip))
    throw new KindscopeError(
      'INVALID_INPUT',
      `"${ip}" is not an IP address`,
      'The service status gave an address Kindscope cannot probe: report this.',
    );
  return ip;
}

/**
 * Linux: `ip -j neigh show IP`. Refresh deletes every entry of the IP except a PERMANENT one
 * (`ip neigh del IP dev DEV`; `flush` would skip a PERMANENT entry silently too, but here the
 * skip is reported): a learnt entry may name whoever answered minutes ago, a permanent one is
 * the user's and stays. Deleting needs root or CAP_NET_ADMIN; without it `refreshed` is false.
 */
export const hostNeighbourTable: NeighbourTable = {
  async read(ip) {
    if (process.platform !== 'linux') return undefined;
    const result = await runIp(['-j', 'neigh', 'show', checkedIp(ip)]);
    if (!result || result.exitCode !== 0) return undefined;
    const entry = parseNeighbours(result.stdout, ip)[0];
    return entry ? toEntry(entry) : { state: 'NONE' };
  },
  async refresh(ip) {
    if (process.platform !== 'linux') return { refreshed: false };
    const listed = await runIp(['-j', 'neigh', 'show', checkedIp(ip)]);
    if (!listed || listed.exitCode !== 0) return { refreshed: false };
    const entries = parseNeighbours(listed.stdout, ip);
    const permanent = entries.find((e) => e.state?.includes('PERMANENT'));
    let refreshed = true;
    for (const dev of new Set(entries.filter((e) => e !== permanent && e.dev).map((e) => e.dev!))) {
      // Device names come from `ip` itself; checked anyway before they become arguments.
      if (!/^[\w.@-]{1,15}$/.test(dev)) return { refreshed: false };
      const result = await runIp(['neigh', 'del', ip, 'dev', dev]);
      refreshed &&= result?.exitCode === 0;
    }
    return { refreshed: refreshed && !permanent, ...(permanent ? { permanent: toEntry(permanent) } : {}) };
  },
};

/** The entry as `ip neigh` shows it now (Linux; undefined where the table lives in the engine's VM). */
export const readNeighbour = (ip: string) => hostNeighbourTable.read(ip);

// ---------------------------------------------------------------------------------------------
// The two rules: which neighbour states are a measurement, and which node owns a MAC
// ---------------------------------------------------------------------------------------------

/**
 * Which Linux neighbour (NUD) states let the entry's MAC stand for "answered ARP now", right
 * after a probe, depending on whether the entry was refreshed (deleted) before the probe.
 * States as in ip-neighbour(8) and the kernel's neighbour state machine
 * (https://man7.org/linux/man-pages/man8/ip-neighbour.8.html, net/core/neighbour.c):
 *
 * | state      | refreshed first | not refreshed | why                                                                      |
 * |------------|-----------------|---------------|--------------------------------------------------------------------------|
 * | REACHABLE  | yes             | yes           | confirmed within reachable_time — by an ARP reply or by our probe's own  |
 * |            |                 |               | TCP exchange through that MAC (upper-layer confirmation)                 |
 * | DELAY      | yes             | no            | after a refresh the MAC was learnt during the probe; otherwise it is an  |
 * | PROBE      | yes             | no            | old MAC the kernel is still re-checking: nobody has confirmed it         |
 * | STALE      | yes             | no            | after a refresh: learnt since (a gratuitous ARP); otherwise any age      |
 * | PERMANENT  | no              | no            | set by a user, never asked: says nothing about who answers (a finding    |
 * | NOARP      | no              | no            | when it disagrees with who does)                                         |
 * | FAILED     | no              | no            | nobody answered                                                          |
 * | INCOMPLETE | no              | no            | asked, no answer yet                                                     |
 * | NONE       | no              | no            | no entry                                                                 |
 *
 * The old rules differed: `check` took any state but FAILED/INCOMPLETE (a STALE entry naming
 * the previous holder counted as that node answering), ping and the service proof took any
 * MAC, the verify step counted DELAY/PROBE without a refresh.
 */
export const neighbourStateRule: Readonly<Record<string, { refreshed: boolean; notRefreshed: boolean }>> = {
  REACHABLE: { refreshed: true, notRefreshed: true },
  DELAY: { refreshed: true, notRefreshed: false },
  PROBE: { refreshed: true, notRefreshed: false },
  STALE: { refreshed: true, notRefreshed: false },
  PERMANENT: { refreshed: false, notRefreshed: false },
  NOARP: { refreshed: false, notRefreshed: false },
  FAILED: { refreshed: false, notRefreshed: false },
  INCOMPLETE: { refreshed: false, notRefreshed: false },
  NONE: { refreshed: false, notRefreshed: false },
};

/** The MAC of an entry when it is a measurement (the table above); `ip` joins several flags with ",": all must count. */
export function measuredMac(entry: NeighbourEntry | undefined, refreshed: boolean): string | undefined {
  if (!entry?.mac) return undefined;
  const states = entry.state.split(',');
  const counts = states.every((s) => neighbourStateRule[s]?.[refreshed ? 'refreshed' : 'notRefreshed'] === true);
  return counts ? entry.mac : undefined;
}

/** MACs compare case-insensitively: `ip` prints lower case, Docker's inspect too, a user's `arp -s` may not. */
export const sameMac = (a: string | undefined, b: string | undefined): boolean =>
  !!a && !!b && a.toLowerCase() === b.toLowerCase();

/**
 * The MAC-owner rule: the node of this cluster whose container interface has this MAC
 * (Docker's view, carried in the status), or none — a MAC of no node is reported as a MAC,
 * never credited to a node.
 */
export function macOwner(nodes: readonly { name: string; mac?: string }[], mac: string): string | undefined {
  return nodes.find((n) => sameMac(n.mac, mac))?.name;
}

/** A measurement of who answered, worded as one: the MAC, its owner if a node, and when. */
export function answeredByOf(
  nodes: readonly { name: string; mac?: string }[],
  mac: string,
  checkedAt = new Date().toISOString(),
): AnsweredBy {
  const node = macOwner(nodes, mac);
  return { ...(node ? { node } : {}), mac, checkedAt };
}

/** What one measured probe saw: the probe's own result, the neighbour entry, and who answered ARP if measured. */
export interface Measured<T> {
  result: T;
  neighbour?: NeighbourEntry;
  refresh: NeighbourRefresh;
  answeredBy?: AnsweredBy;
}

/**
 * Refresh the entry, send the probe (its packets make the kernel ask ARP afresh), read the
 * entry back and apply the state rule. The one way every caller learns who answered.
 */
export async function measure<T>(
  ip: string,
  nodes: readonly { name: string; mac?: string }[],
  probe: () => Promise<T>,
  table: NeighbourTable = hostNeighbourTable,
): Promise<Measured<T>> {
  const refresh = await table.refresh(ip);
  const result = await probe();
  const neighbour = await table.read(ip);
  const mac = measuredMac(neighbour, refresh.refreshed);
  return {
    result,
    refresh,
    ...(neighbour ? { neighbour } : {}),
    ...(mac ? { answeredBy: answeredByOf(nodes, mac) } : {}),
  };
}
