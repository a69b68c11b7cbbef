import { request } from 'node:http';
import { connect } from 'node:net';
import ipaddr from 'ipaddr.js';
import {
  KindscopeError,
  type AnsweredBy,
  type Finding,
  type HostContext,
  type HttpProbe,
  type Proof,
} from '../../contract';
import { runTool, type RunOptions } from '../tools/run-tool';
import { cidrContains } from '../net/cidr';
import { routeForSubnet, type HostRoute } from './connectivity-routes';

/**
 * The one probe module: every measurement Kindscope makes from this machine of a node or a
 * LoadBalancer IP — HTTP, TCP, ICMP, this machine's neighbour (ARP) entry — and the two rules
 * that turn a neighbour entry into "who answered": which states count as a measurement, and
 * which node owns a MAC. `check`, `ping`, `connectivity`, the failover drill and the
 * pipeline's verify all measure through here, so they cannot disagree about who answered.
 */

// ---------------------------------------------------------------------------------------------
// HTTP, TCP, ICMP
// ---------------------------------------------------------------------------------------------

/**
 * `curl http://IP:PORT/` from this machine: status, the first 200 characters, or the socket
 * error's code. A fresh connection per probe (`agent: false`): a kept-alive socket would
 * hide a takeover, since it still points at the old holder.
 */
export function probeHttp(ip: string, port: number, timeoutMs = 3_000): Promise<HttpProbe> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const req = request({ host: ip, port, path: '/', agent: false, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body = (body + chunk).slice(0, 200)));
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        resolve({ ok: status >= 200 && status < 300, status, body, ms: ms() });
      });
      response.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ ok: false, status: response.statusCode ?? 0, error: error.code ?? error.message, ms: ms() }),
      );
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ ok: false, error: error.code ?? error.message, ms: ms() }),
    );
    req.end();
  });
}

/** A TCP connect to IP:PORT (what proves a LoadBalancer IP reachable, since its VIP does not answer ICMP). */
export function probeTcp(
  ip: string,
  port: number,
  timeoutMs = 3_000,
): Promise<{ ok: boolean; ms: number; error?: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host: ip, port, timeout: timeoutMs });
    const done = (result: { ok: boolean; error?: string }) => {
      socket.destroy();
      resolve({ ...result, ms: Math.round(performance.now() - started) });
    };
    socket.once('connect', () => done({ ok: true }));
    socket.once('timeout', () => done({ ok: false, error: 'ETIMEDOUT' }));
    socket.once('error', (error: NodeJS.ErrnoException) => done({ ok: false, error: error.code ?? error.message }));
  });
}

export interface IcmpResult {
  sent: number;
  received: number;
  rttMs: number[];
  error?: string;
}

/** `ping -c COUNT -W 1 IP` through the run policy; parses iputils' and macOS's reply lines. */
export async function probeIcmp(ip: string, count = 3, intervalS?: number): Promise<IcmpResult> {
  try {
    // -n: no reverse lookups; -W: per-reply wait (s on Linux, ms on macOS — 1 and 1000 both mean a second);
    // -i: the gap between echoes (1 s by default). Linux (iputils) allows 0.2 s without privileges;
    // the BSD ping of macOS refuses less than a second to a user ("-i interval too short"), so it keeps its default.
    const wait = process.platform === 'darwin' ? '1000' : '1';
    const interval = intervalS !== undefined && process.platform === 'linux' ? ['-i', String(intervalS)] : [];
    const args = ['-n', '-c', String(count), ...interval, '-W', wait, ip];
    const result = await runTool('ping', 'ping', args, {
      allowFailure: true,
      signal: AbortSignal.timeout((count + 3) * 1_000),
    });
    return parsePing(result.stdout, count, result.exitCode === 0 ? undefined : result.stderr.trim() || undefined);
  } catch (error) {
    return { sent: count, received: 0, rttMs: [], error: (error as Error).message };
  }
}

export function parsePing(stdout: string, count: number, error?: string): IcmpResult {
  const rttMs = [...stdout.matchAll(/time[=<]([\d.]+) ?ms/g)].map((m) => Number(m[1]));
  const summary = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(stdout);
  return {
    sent: summary ? Number(summary[1]) : count,
    received: summary ? Number(summary[2]) : rttMs.length,
    rttMs,
    ...(error ? { error } : {}),
  };
}

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
  return runTool('ip', 'ip', args, { allowFailure: true, signal: AbortSignal.timeout(3_000), ...options }).catch(
    () => undefined,
  );
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

// ---------------------------------------------------------------------------------------------
// The proof: path, who answered ARP, what answered
// ---------------------------------------------------------------------------------------------

/** Whether this machine's route to an IP goes over the cluster's Docker network by the runtime's own path. */
export interface PathVerdict {
  ok: boolean;
  detail: string;
  fix?: string;
}

/** A Docker network of the cluster: its IPv4 subnet and, for a local bridge network, the bridge's name. */
export interface ClusterNetwork {
  network: string;
  subnet: string;
  bridge?: string;
}

/** What the proof needs of this machine and the engine; `ask` is absent where no helper can ask ARP afresh. */
export interface ProofDeps {
  table: NeighbourTable;
  path(cluster: string, ip: string): Promise<PathVerdict>;
  /**
   * The cluster's node containers and their MACs as Docker says now — the MAC-owner rule's
   * list, joined with the status's (which may not carry a MAC before the topology is read).
   */
  nodes?(cluster: string): Promise<{ name: string; mac?: string }[]>;
  /** An ARP request for the IP from a throwaway container on the cluster's network: the MAC that answered. */
  ask?(cluster: string, ip: string): Promise<string | undefined>;
}

/**
 * The path condition, judged from the cluster's Docker networks and this machine's routing
 * table, before anything is sent: the IP must lie in one of the cluster's networks, and the
 * route that carries it must be the runtime's own way there — the network's bridge with a
 * local Linux engine; docker-mac-net-connect's utun route (exactly the Docker subnet) with
 * Docker Desktop on macOS; with OrbStack and the other VMs, a route of its own that is
 * neither the default route nor a blocking one. Anything else would send the probe out by
 * the default route (or a VPN's), where whatever answers is not the cluster.
 */
export function judgePath(
  ip: string,
  networks: readonly ClusterNetwork[],
  routes: readonly HostRoute[],
  command: string,
  host: Pick<HostContext, 'platform' | 'runtime'>,
): PathVerdict {
  const network = networks.find((n) => cidrContains(n.subnet, ip));
  const subnets = networks.map((n) => `${n.subnet} (${n.network})`).join(', ') || 'none';
  if (!network)
    return {
      ok: false,
      detail:
        `${ip} is outside the cluster's Docker networks (${subnets}): ` +
        'a request to it would leave by another route, ' +
        'and ARP from this machine can never reach the cluster for it.',
      fix: "Give the pool a block inside the cluster's Docker network: `kindscope fix` carves one, or set pool.cidr inside the subnet above.",
    };
  const route = routeForSubnet(routes, `${ip}/32`);
  const where = route ? `${route.cidr} dev ${route.dev}${route.gateway ? ` via ${route.gateway}` : ''}` : 'no route';
  if (!route || route.blocks || route.cidr === '0.0.0.0/0')
    return {
      ok: false,
      detail:
        `This machine's route to ${ip} is ` +
        `${route?.cidr === '0.0.0.0/0' ? `the default route (${where})` : route ? `a blocking route (${route.raw})` : 'missing'} ` +
        `in \`${command}\`, not ${network.network}'s network: nothing was sent.`,
      fix:
        host.platform === 'darwin'
          ? 'Route the Docker networks to this Mac: `kindscope connectivity --fix` (docker-mac-net-connect with Docker Desktop).'
          : `Check \`ip route get ${ip}\`: with a local engine the bridge route of ${network.network} (${network.subnet}) carries it.`,
    };
  if (host.platform !== 'darwin' && host.runtime === 'native' && network.bridge && route.dev !== network.bridge)
    return {
      ok: false,
      detail:
        `${ip} goes to ${where}, not to ${network.network}'s bridge ${network.bridge}: ` +
        `another route (a VPN's?) wins in \`${command}\`; nothing was sent.`,
      fix: `Inspect \`ip route get ${ip}\` and \`ip rule show\`: remove or narrow the route that captures ${network.subnet}.`,
    };
  if (host.platform === 'darwin' && host.runtime === 'docker-desktop' && !route.tunnel)
    return {
      ok: false,
      detail: `${ip} goes to ${where}, not to docker-mac-net-connect's tunnel route for ${network.subnet}: nothing was sent.`,
      fix: 'Start docker-mac-net-connect (`kindscope connectivity --fix`), and exclude the Docker subnets from any VPN.',
    };
  return {
    ok: true,
    detail:
      `${ip} is in ${network.network} (${network.subnet}); ` +
      `this machine routes it by ${where}${route.tunnel ? " (docker-mac-net-connect's tunnel)" : route.dev === network.bridge ? ' (the network’s bridge)' : ''}.`,
  };
}

/** busybox/iputils `arping`: "Unicast reply from 172.18.250.1 [02:42:AC:12:00:03]" — the MAC that answered. */
export function arpingReplyMac(output: string, ip: string): string | undefined {
  const escaped = ip.replace(/\./g, '\\.');
  return new RegExp(`reply from ${escaped} \\[([0-9a-fA-F:]{17})\\]`, 'i').exec(output)?.[1]?.toLowerCase();
}

/** The sample app's marker (core/lab/plan/render.ts): the first line of every answer its pods give. */
export const sampleMarkerPattern = /^kindscope-sample pod=(\S+) token=(\S+)/m;

export interface ProofTarget {
  cluster: string;
  ip: string;
  port: number;
  nodes: readonly { name: string; mac?: string }[];
  /** Set for Kindscope's sample app: its answers must carry this token. */
  sampleToken?: string;
}

export interface ProofOutcome<T = HttpProbe> {
  proof: Proof;
  /** The probe's own result; absent when the path failed and nothing was sent. */
  http?: T;
  neighbour?: NeighbourEntry;
  refresh?: NeighbourRefresh;
  answeredBy?: AnsweredBy;
  findings: Finding[];
}

/**
 * "Reachable", proven: the path first (nothing is sent otherwise), then the probe with the
 * neighbour entry refreshed before and read after it (or ARP asked afresh from a helper where
 * the entry cannot be refreshed — a permanent one is never deleted), then the answer judged.
 * Every `answeredBy` here is a measurement. `send`/`judge`: HTTP and the sample's marker by
 * default; `ping --service` sends a TCP connect.
 */
/** A LoadBalancer service's proof target: its IP and probe port, the cluster's nodes, the sample's token. */
export function serviceTarget(
  status: { cluster: string; nodes: ProofTarget['nodes'] },
  service: { sampleToken?: string | undefined },
  ip: string,
  port: number,
): ProofTarget {
  return {
    cluster: status.cluster,
    ip,
    port,
    nodes: status.nodes,
    ...(service.sampleToken ? { sampleToken: service.sampleToken } : {}),
  };
}

export async function prove<T = HttpProbe>(
  target: ProofTarget,
  deps: ProofDeps,
  send: () => Promise<T> = () => probeHttp(target.ip, target.port) as Promise<T>,
  judge: (result: T) => Proof['answer'] = (result) => judgeAnswer(result as HttpProbe, target.sampleToken),
): Promise<ProofOutcome<T>> {
  const { cluster, ip } = target;
  const path = await deps.path(cluster, ip);
  if (!path.ok)
    return {
      proof: {
        path,
        arp: { state: 'not-checked', detail: 'Not asked: the path does not go to the cluster.' },
        answer: { state: 'not-checked', detail: 'Nothing was sent.' },
        proven: false,
        failing: 'path',
        ...(path.fix ? { fix: path.fix } : {}),
      },
      findings: [
        { code: 'path-not-cluster-network', message: path.detail, fix: path.fix ?? 'Run `kindscope connectivity`.' },
      ],
    };
  // Docker's view of the nodes first: known at once, even when the status has not joined the topology yet.
  const docker = (await deps.nodes?.(cluster).catch(() => [])) ?? [];
  const nodes = [...docker.filter((n) => n.mac), ...target.nodes];
  const measured = await measure(ip, nodes, send, deps.table);
  const { result: http, neighbour, refresh } = measured;
  let answeredBy = measured.answeredBy;
  // Not refreshed (a permanent entry, no CAP_NET_ADMIN): ask afresh rather than trust the table.
  let asked = false;
  if (!answeredBy && !refresh.refreshed && deps.ask) {
    const mac = await deps.ask(cluster, ip).catch(() => undefined);
    asked = true;
    if (mac) answeredBy = answeredByOf(nodes, mac);
  }
  const findings: Finding[] = [];
  const permanent = refresh.permanent;
  const permanentDisagrees = !!permanent?.mac && !!answeredBy && !sameMac(permanent.mac, answeredBy.mac);
  if (permanent?.mac && answeredBy && permanentDisagrees)
    findings.push({
      code: 'neighbour-permanent-mismatch',
      message:
        `This machine's neighbour entry for ${ip} is PERMANENT and names ` +
        `${macOwner(nodes, permanent.mac) ?? 'no node of this cluster'} (${permanent.mac}), ` +
        `but ${answeredBy.node ?? 'a MAC of no node'} (${answeredBy.mac}) answers ARP: ` +
        'this machine sends to the wrong MAC.',
      fix:
        `The entry was set by hand (\`arp -s\` or \`ip neigh add … nud permanent\`), ` +
        `so Kindscope leaves it: remove it with \`sudo ip neigh del ${ip} dev ` +
        `${permanent.dev ?? '<bridge>'}\`.`,
    });
  const arp: Proof['arp'] = answeredBy
    ? answeredBy.node
      ? {
          state: 'measured',
          detail:
            `answered ARP: ${answeredBy.node} (${answeredBy.mac}), ` +
            `${asked ? 'asked afresh from a helper on the network' : 'neighbour entry refreshed before the probe'}, ` +
            `${answeredBy.checkedAt}.`,
        }
      : {
          state: 'other',
          detail: `answered ARP: ${answeredBy.mac}, which is no node of "${cluster}" — another machine or cluster answers for ${ip}.`,
        }
    : !neighbour && !asked
      ? {
          state: 'not-measurable',
          detail: "answered ARP: not measurable here (the neighbour table lives in the engine's VM).",
        }
      : permanent && !asked
        ? {
            state: 'not-measurable',
            detail:
              'answered ARP: not measurable here — ' +
              `this machine's entry is PERMANENT (${permanent.mac ?? 'no MAC'}), ` +
              'kept as the user set it, and no helper could ask afresh.',
          }
        : { state: 'nobody', detail: `answered ARP: nobody (neighbour entry ${neighbour?.state ?? 'none'}).` };
  const answer = judge(http);
  const arpOk = (arp.state === 'measured' || arp.state === 'not-measurable') && !permanentDisagrees;
  const answerOk = answer.state === 'marker' || answer.state === 'reported';
  const failing = !arpOk ? 'arp' : !answerOk ? 'answer' : undefined;
  const fix =
    failing === 'arp'
      ? (findings[0]?.fix ??
        (arp.state === 'other'
          ? 'Give each cluster its own LoadBalancer pool range, or stop the machine that answers for this IP (`kindscope capture` shows who).'
          : 'Run `kindscope check` for the findings that explain why no node announces this IP.'))
      : failing === 'answer'
        ? answer.state === 'something-else'
          ? 'Something other than the sample app answered: ' +
            `check that ${ip} is not also used elsewhere, and that the sample's pods run ` +
            `(\`kubectl get pods -l app\`); \`kindscope fix\` redeploys it.`
          : 'Nothing answered HTTP: check that the service has ready endpoints and that the node holding the lease runs.'
        : undefined;
  if (failing === 'answer' && answer.state === 'something-else')
    findings.push({ code: 'answer-not-sample', message: answer.detail, fix: fix! });
  return {
    proof: { path, arp, answer, proven: !failing, ...(failing ? { failing, fix } : {}) },
    http,
    ...(neighbour ? { neighbour } : {}),
    refresh,
    ...(answeredBy ? { answeredBy } : {}),
    findings,
  };
}

/** What answered: the sample's marker with this lab's token, something else, or (a user's service) its status, not judged. */
export function judgeAnswer(http: HttpProbe, sampleToken: string | undefined): Proof['answer'] {
  if (http.status === undefined) return { state: 'none', detail: `No HTTP answer (${http.error ?? 'no response'}).` };
  if (!sampleToken)
    return {
      state: 'reported',
      detail: `HTTP ${http.status} in ${http.ms} ms (a service of your own: reported, not judged).`,
    };
  const marker = sampleMarkerPattern.exec(http.body ?? '');
  if (http.status === 200 && marker && marker[2] === sampleToken)
    return {
      state: 'marker',
      pod: marker[1]!,
      detail: `the sample app's pod ${marker[1]} answered with this lab's marker (HTTP 200).`,
    };
  return {
    state: 'something-else',
    detail: `Something else answered: HTTP ${http.status}${marker ? ` with a marker for another lab (token ${marker[2]})` : " without the sample app's marker"}${http.body ? ` — "${http.body.trim().slice(0, 60)}"` : ''}.`,
  };
}
