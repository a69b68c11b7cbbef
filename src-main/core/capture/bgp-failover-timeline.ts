/**
 * The failover drill in BGP mode, its pure half (bgp-failover-drill.ts runs it): what the
 * configured timers predict for the router's withdrawal of a stopped node's next hop, the
 * router's readings parsed and turned into measured times, and the explanation in words.
 *
 * The rules (RFC 4271 for the hold timer, RFC 4724 for graceful restart, RFC 8538 for its N bit):
 * - `docker stop`: the node's processes end, its kernel closes the speaker's TCP session, the
 *   router sees the session go down and withdraws the node's routes at once;
 * - `docker pause`: the node is frozen; its kernel still ACKs, but the speaker sends no more
 *   KEEPALIVEs, so the router's hold timer runs out between (hold − keepalive) and hold seconds
 *   after the pause (the last KEEPALIVE came at most one keepalive interval before it), and the
 *   router sends a NOTIFICATION (Hold Timer Expired) and withdraws;
 * - graceful restart on (the node says so in its OPEN, the router helps): a session that ends
 *   *without* a NOTIFICATION (the TCP close of `docker stop`) leaves the node's routes in the
 *   router as stale for the restart time, still forwarded to; one that ends *with* a NOTIFICATION
 *   (the hold timer's) is withdrawn at once unless both sides negotiated RFC 8538's N bit.
 */
import type { BgpFailover, TimelineEvent } from '../../contract';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The timers a CiliumBGPPeerConfig gives a session (CRD defaults when left out). */
export interface PeerTimers {
  peerConfig: string;
  holdTimeSeconds: number;
  keepAliveTimeSeconds: number;
  gracefulRestart: { enabled: boolean; restartTimeSeconds: number };
}

/** The CRD's defaults (`cilium.io_ciliumbgppeerconfigs.yaml`): hold 90 s, keepalive 30 s, restart time 120 s. */
export const peerConfigDefaults = { holdTimeSeconds: 90, keepAliveTimeSeconds: 30, restartTimeSeconds: 120 };

/** A `CiliumBGPPeerConfig` object → its timers, the CRD's defaults filled in. */
export function peerTimers(peerConfig: Obj | undefined, name: string): PeerTimers {
  const timers = (peerConfig?.spec?.timers ?? {}) as Obj;
  const gr = (peerConfig?.spec?.gracefulRestart ?? {}) as Obj;
  return {
    peerConfig: name,
    holdTimeSeconds: Number(timers.holdTimeSeconds ?? peerConfigDefaults.holdTimeSeconds),
    keepAliveTimeSeconds: Number(timers.keepAliveTimeSeconds ?? peerConfigDefaults.keepAliveTimeSeconds),
    gracefulRestart: {
      enabled: gr.enabled === true,
      restartTimeSeconds: Number(gr.restartTimeSeconds ?? peerConfigDefaults.restartTimeSeconds),
    },
  };
}

/** Slack for "at once": the router must read the TCP close and zebra update the kernel (ms). */
export const atOnceMs = 1_000;

/**
 * When the router should withdraw the node's next hop (ms since the stop), from the configured
 * timers and, when it was read, the session as the router negotiated it (a router that does not
 * help with graceful restart, or a negotiated hold time shorter than configured, wins).
 */
export function predictWithdrawal(
  stop: 'stop' | 'pause',
  timers: PeerTimers,
  negotiated?: BgpFailover['negotiated'],
): BgpFailover['prediction'] {
  const hold = negotiated?.holdTimeMs ?? timers.holdTimeSeconds * 1000;
  const keepalive = negotiated?.keepaliveMs ?? timers.keepAliveTimeSeconds * 1000;
  const restart = timers.gracefulRestart.restartTimeSeconds * 1000;
  const routerHelps = negotiated?.routerGrMode === undefined || !/disable/i.test(negotiated.routerGrMode);
  const gr = timers.gracefulRestart.enabled && routerHelps;
  const grOff = timers.gracefulRestart.enabled
    ? ` (graceful restart is on in ${timers.peerConfig}, but the router does not help: ${negotiated?.routerGrMode})`
    : '';
  if (stop === 'stop') {
    if (gr)
      return {
        fromMs: restart,
        toMs: restart + atOnceMs,
        rule:
          `graceful restart is on (${timers.peerConfig}): the session closed without a NOTIFICATION, so the router keeps ` +
          `the node's route as stale for the restart time (${restart / 1000} s) and still forwards to it (RFC 4724)`,
      };
    return {
      fromMs: 0,
      toMs: atOnceMs,
      rule: `the stopped speaker's TCP session closes, so the router withdraws the node's route at once${grOff}`,
    };
  }
  const holdRule =
    `the frozen speaker sends no KEEPALIVE, so the router's hold timer (${hold / 1000} s) runs out ` +
    `${(hold - keepalive) / 1000}–${hold / 1000} s after the pause (the last KEEPALIVE came up to one keepalive interval, ` +
    `${keepalive / 1000} s, before it) and the router withdraws`;
  if (gr && negotiated?.notificationGr)
    return {
      fromMs: hold - keepalive + restart,
      toMs: hold + restart + atOnceMs,
      rule: `${holdRule}; graceful restart with the N bit (RFC 8538) keeps the route stale for the restart time (${restart / 1000} s) after that`,
    };
  return {
    fromMs: hold - keepalive,
    toMs: hold + atOnceMs,
    rule: gr
      ? `${holdRule} at once: graceful restart (on in ${timers.peerConfig}) does not keep routes after a NOTIFICATION such as the hold timer's (RFC 4724; RFC 8538's N bit was not negotiated)`
      : `${holdRule}${grOff}`,
  };
}

/** One reading of the router: its FIB's next hops for the IP, its BGP table's paths, the session's state. */
export interface RouterReading {
  atMs: number;
  /** Next hops in the kernel's FIB (`ip -j route show IP/32`). */
  fib: string[];
  /** Paths in bgpd's table (`show ip bgp IP/32 json`), by peer, with whether each is stale (not in every reading). */
  paths?: { peer: string; stale: boolean }[];
  /** The router's session state per peer (`show bgp summary json`); a dynamic peer that went is absent (not in every reading). */
  sessions?: Record<string, string>;
}

/** `ip -j route show` → the next hops (one `gateway`, or `nexthops[].gateway` for ECMP). */
export function fibNextHops(routes: Obj[]): string[] {
  const hops = new Set<string>();
  for (const route of routes) {
    if (typeof route.gateway === 'string') hops.add(route.gateway);
    for (const hop of (route.nexthops ?? []) as Obj[]) if (typeof hop.gateway === 'string') hops.add(hop.gateway);
  }
  return [...hops].sort();
}

/** `show ip bgp IP/32 json` → its paths by peer, stale or not. */
export function bgpPaths(table: Obj): RouterReading['paths'] {
  return ((table.paths ?? []) as Obj[]).map((path) => ({
    peer: String(path.peer?.peerId ?? path.nexthops?.[0]?.ip ?? ''),
    stale: path.stale === true,
  }));
}

/** `show bgp summary json` → the state of each session (IPv4 unicast). */
export function sessionStates(summary: Obj): Record<string, string> {
  const peers = (summary.ipv4Unicast?.peers ?? {}) as Record<string, Obj>;
  return Object.fromEntries(Object.entries(peers).map(([peer, p]) => [peer, String(p.state ?? 'Unknown')]));
}

/**
 * One block of the router's reading loop (bgp-failover-drill.ts prints `@@fib`, `@@bgp`,
 * `@@sum` before each command's output) → a reading; undefined when a part does not parse.
 */
export function parseReading(block: string, atMs: number): RouterReading | undefined {
  const parts = new Map<string, string>();
  for (const chunk of block.split(/^@@/m).slice(1)) {
    const newline = chunk.indexOf('\n');
    parts.set(chunk.slice(0, newline).trim(), chunk.slice(newline + 1));
  }
  // No FIB part, or one that is not JSON (ip failed), throws here: no reading, rather than a FIB read as empty.
  try {
    const json = (key: string, empty: string) => JSON.parse(parts.get(key)?.trim() || empty) as unknown;
    return {
      atMs,
      fib: fibNextHops(JSON.parse(parts.get('fib')!.trim()) as Obj[]),
      ...(parts.has('bgp') ? { paths: bgpPaths(json('bgp', '{}') as Obj) } : {}),
      ...(parts.has('sum') ? { sessions: sessionStates(json('sum', '{}') as Obj) } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The measured times (ms since the stop) of the node's next hop leaving the router, read from its readings. */
export function measureWithdrawal(
  readings: RouterReading[],
  nodeIp: string,
): Pick<BgpFailover, 'lastSeenMs' | 'withdrawnMs' | 'staleMs' | 'sessionDownMs'> {
  const sorted = [...readings].sort((a, b) => a.atMs - b.atMs);
  const after = sorted.filter((r) => r.atMs >= 0);
  const before = sorted.filter((r) => r.atMs < 0);
  const withdrawn = after.find((r) => !r.fib.includes(nodeIp));
  const seen = [...before, ...after].filter((r) => r.fib.includes(nodeIp) && (!withdrawn || r.atMs < withdrawn.atMs));
  const stale = after.find((r) => r.paths?.some((p) => p.peer === nodeIp && p.stale));
  const down = after.find((r) => r.sessions && r.sessions[nodeIp] !== 'Established');
  return {
    ...(seen.length ? { lastSeenMs: seen.at(-1)!.atMs } : {}),
    ...(withdrawn ? { withdrawnMs: withdrawn.atMs } : {}),
    ...(stale ? { staleMs: stale.atMs } : {}),
    ...(down ? { sessionDownMs: down.atMs } : {}),
  };
}

/** The measured withdrawal against the prediction, to one router sampling interval. */
export function withdrawalVerdict(
  withdrawnMs: number | undefined,
  prediction: BgpFailover['prediction'],
  samplingMs: number,
): BgpFailover['verdict'] {
  if (withdrawnMs === undefined) return 'not-withdrawn';
  if (withdrawnMs < prediction.fromMs - samplingMs) return 'earlier';
  if (withdrawnMs > prediction.toMs + samplingMs) return 'later';
  return 'as-predicted';
}

/** The router's measurements and the prediction as marks on the drill's timeline. */
export function bgpTimelineMarks(bgp: BgpFailover): TimelineEvent[] {
  const { node, ip } = bgp.stoppedNode;
  const marks: TimelineEvent[] = [
    {
      atMs: bgp.prediction.fromMs,
      kind: 'predicted-withdrawal',
      text: `predicted withdrawal from here (${bgp.configured.peerConfig}'s timers)…`,
    },
    { atMs: bgp.prediction.toMs, kind: 'predicted-withdrawal', text: `…to here at the latest` },
  ];
  if (bgp.sessionDownMs !== undefined)
    marks.push({
      atMs: bgp.sessionDownMs,
      kind: 'session-down',
      text: `measured: the router's session to ${node} is down`,
    });
  if (bgp.staleMs !== undefined)
    marks.push({
      atMs: bgp.staleMs,
      kind: 'next-hop-stale',
      text: `measured: ${node}'s route kept stale (graceful restart)`,
    });
  if (bgp.withdrawnMs !== undefined)
    marks.push({
      atMs: bgp.withdrawnMs,
      kind: 'next-hop-withdrawn',
      text: `measured: ${node} (${ip}) left the router's FIB`,
    });
  return marks;
}

const verdictWords: Record<BgpFailover['verdict'], string> = {
  'as-predicted': 'as the timers predict',
  earlier: 'earlier than the timers predict',
  later: 'later than the timers predict',
  'not-withdrawn': 'not within the drill',
};

/** The drill in BGP mode in words: the measurement, the prediction and its rule, the claim kept apart. */
export function explainBgp(facts: {
  stop: 'stop' | 'pause';
  bgp: BgpFailover;
  downtimeMs?: number;
  downtime?: { fromMs: number; toMs: number };
  intervalMs: number;
  httpOk: boolean;
  restarted: boolean;
  /** The stopped node was the router's choice for this machine's flow. */
  flowChosen: boolean;
}): string {
  const { bgp } = facts;
  const { node, ip } = bgp.stoppedNode;
  const how = facts.stop === 'pause' ? 'froze (docker pause)' : 'stopped (docker stop)';
  let text =
    `The drill ${how} ${node}, the next hop ${ip} ${bgp.chosenBecause}. ` +
    (bgp.withdrawnMs !== undefined
      ? `Measured: the router withdrew it ${bgp.withdrawnMs} ms after the ${facts.stop} (± ${bgp.routerSamplingMs} ms, its FIB read every ~${bgp.routerSamplingMs} ms), ${verdictWords[bgp.verdict]}: `
      : `Measured: the router still had it ${bgp.lastSeenMs ?? '?'} ms after the ${facts.stop}, when the drill ended (${verdictWords[bgp.verdict]}); predicted: `) +
    `${bgp.prediction.fromMs}–${bgp.prediction.toMs} ms, because ${bgp.prediction.rule}.`;
  if (bgp.staleMs !== undefined)
    text += ` From ${bgp.staleMs} ms the router marked the route stale and kept sending requests to the stopped node: that is graceful restart holding it for the restart time.`;
  if (facts.downtimeMs === 0)
    text += ` No request from this machine failed (one every ${facts.intervalMs} ms): the router withdrew ${node} before a request sent to it went unanswered.`;
  else if (facts.downtimeMs !== undefined)
    text +=
      ` Requests from this machine failed for ${facts.downtimeMs} ms` +
      (facts.downtime
        ? ` (from the last answer at ${facts.downtime.fromMs} ms to the first again at ${facts.downtime.toMs} ms)`
        : '') +
      ` (± ${facts.intervalMs} ms sampling)` +
      (facts.flowChosen ? `: the router sent this machine's flow to ${node} until it withdrew it.` : '.');
  else if (facts.httpOk) text += ' No request from this machine failed.';
  text +=
    ` Claim, kept apart: ${node}'s CiliumBGPNodeConfig said ${bgp.claim.before ?? 'nothing'} before and ${bgp.claim.after ?? 'nothing'} after` +
    ` (its agent writes that status; a ${facts.stop === 'pause' ? 'frozen' : 'stopped'} agent writes nothing, so the claim can lag the router).`;
  text += facts.httpOk ? ' HTTP answers again.' : ' HTTP does not answer afterwards.';
  text += facts.restarted
    ? ` ${node} was ${facts.stop === 'pause' ? 'unpaused' : 'started again'}.`
    : ` ${node} could not be ${facts.stop === 'pause' ? 'unpaused' : 'started again'}.`;
  return text;
}
