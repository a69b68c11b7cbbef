/**
 * The failover drill in BGP mode (issue 29): stops (or freezes) one node the router has as a
 * next hop for a LoadBalancer IP, reads the router every ~100 ms (its FIB, its BGP table, its
 * sessions) and probes the IP from this machine every 100 ms, beside what the live
 * CiliumBGPPeerConfig's timers predict (bgp-failover-timeline.ts); then starts (or unpauses)
 * the node again — always, also on failure or cancel.
 */
import type Docker from 'dockerode';
import { KindscopeError, probePort, type ClusterStatus, type FailoverResult, type TimelineEvent } from '../../contract';
import { installedHops } from '../lab/run/bgp-run';
import { measureRouter } from '../bgp/bgp-view';
import { probeHttp } from '../host/probe';
import type { RunOptions, RunResult } from '../tools/run-tool';
import type { Logger } from '../util/logger';
import { failoverTarget } from './capture-service';
import {
  bgpTimelineMarks,
  explainBgp,
  measureWithdrawal,
  parseReading,
  peerTimers,
  predictWithdrawal,
  withdrawalVerdict,
  type RouterReading,
} from './bgp-failover-timeline';
import { buckets, downtimeWindow, firstOkAfterOutage, measureDowntime, type Sample } from './failover-timeline';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface BgpFailoverDeps {
  docker: Docker;
  /** `kubectl` and `docker` through the run policy. */
  run(tool: 'kubectl' | 'docker', args: string[], options: RunOptions): Promise<RunResult>;
  statusOf(cluster: string): Promise<ClusterStatus>;
  /** The node containers' addresses (Docker's view): a next hop is named by the node that has its address. */
  nodeAddresses(cluster: string): Promise<{ name: string; ipv4?: string }[]>;
  log: Logger;
}

export interface BgpFailoverInput {
  cluster: string;
  namespace: string;
  service: string;
  stop?: 'stop' | 'pause';
  intervalMs?: number;
  timeoutSeconds?: number;
}

/** The router beside a BGP-mode lab (render-bgp.ts names it so). */
export const routerOf = (cluster: string) => `${cluster}-router`;

/** Whether the cluster is in BGP mode: its router container exists (running or not). */
export async function isBgpCluster(docker: Docker, cluster: string): Promise<boolean> {
  const inspected = await docker
    .getContainer(routerOf(cluster))
    .inspect()
    .catch(() => undefined);
  return inspected !== undefined;
}

/**
 * The router's reading loop, for `seconds`: every 100 ms its FIB for the IP (`ip route`, about a
 * millisecond), and every third time its BGP table for the IP and its sessions (vtysh, tens of ms
 * each: asked every time they would stretch the FIB's grid).
 */
export function routerLoopScript(ip: string, seconds: number): string {
  // The values are an IPv4 address and a number the drill made, never user text. The router's
  // sh is dash (no `time`, no fractions in $(( ))): /proc/uptime's whole seconds bound the loop.
  return [
    'read up0 rest < /proc/uptime',
    `end=$(( \${up0%.*} + ${Math.ceil(seconds)} ))`,
    'i=0',
    'while :; do',
    '  read up rest < /proc/uptime',
    '  [ "${up%.*}" -ge "$end" ] && break',
    '  sleep 0.1 &',
    `  echo @@fib; ip -j -4 route show ${ip}/32; echo`,
    '  if [ $((i % 3)) -eq 0 ]; then',
    `    echo @@bgp; vtysh -c 'show ip bgp ${ip}/32 json'`,
    `    echo @@sum; vtysh -c 'show bgp summary json'`,
    '  fi',
    '  echo @@end',
    '  i=$((i + 1))',
    '  wait',
    'done',
  ].join('\n');
}

/** Reads the router in the background, each reading stamped (ms since `t0()`) when its block arrived here. */
function watchRouter(
  deps: BgpFailoverDeps,
  router: string,
  ip: string,
  seconds: number,
  t0: () => number,
  signal: AbortSignal,
): { readings: RouterReading[]; done: Promise<unknown> } {
  const readings: RouterReading[] = [];
  let block = '';
  // A reading is stamped when its FIB part arrived (the loop prints it first, before the slower vtysh parts).
  let stamp = 0;
  const done = deps
    .run('docker', ['exec', router, 'sh', '-c', routerLoopScript(ip, seconds)], {
      signal,
      allowFailure: true,
      onLine: (line, stream) => {
        if (stream !== 'stdout') return;
        if (line.trim() === '@@fib') stamp = Date.now() - t0();
        if (line.trim() === '@@end') {
          const reading = parseReading(block, stamp);
          if (reading) readings.push(reading);
          block = '';
        } else block += `${line}\n`;
      },
    })
    .catch(() => undefined);
  return { readings, done };
}

/** The next hop the router's kernel picks for this machine's flow (`ip route get IP from GATEWAY iif IFACE`). */
async function flowNextHop(deps: BgpFailoverDeps, router: string, ip: string): Promise<string | undefined> {
  const inspected = (await deps.docker
    .getContainer(router)
    .inspect()
    .catch(() => undefined)) as { NetworkSettings?: { Networks?: Record<string, Obj> } } | undefined;
  const addrs = await deps.run('docker', ['exec', router, 'ip', '-o', '-4', 'addr', 'show'], { allowFailure: true });
  for (const network of Object.values(inspected?.NetworkSettings?.Networks ?? {})) {
    if (!network.Gateway || !network.IPAddress) continue;
    const iface = addrs.stdout
      .split('\n')
      .map((line) => /^\d+:\s+(\S+)\s+inet\s+([\d.]+)\//.exec(line))
      .find((m) => m?.[2] === network.IPAddress)?.[1];
    if (!iface) continue;
    // The gateway stands for this machine on that network (Linux: its address on the bridge).
    const got = await deps.run(
      'docker',
      ['exec', router, 'ip', 'route', 'get', ip, 'from', String(network.Gateway), 'iif', iface],
      { allowFailure: true },
    );
    const via = /\bvia\s+(\S+)/.exec(got.stdout)?.[1];
    if (got.exitCode === 0 && via) return via;
  }
  return undefined;
}

const kubectlJson = async (deps: BgpFailoverDeps, cluster: string, args: string[]): Promise<Obj | undefined> => {
  const result = await deps.run('kubectl', ['--context', `kind-${cluster}`, 'get', ...args, '--output', 'json'], {
    allowFailure: true,
  });
  if (result.exitCode !== 0) return undefined;
  try {
    return JSON.parse(result.stdout) as Obj;
  } catch {
    return undefined;
  }
};

/** The node's claim: its CiliumBGPNodeConfig's first peer's state, and the peer config that peer uses. */
async function nodeClaim(
  deps: BgpFailoverDeps,
  cluster: string,
  node: string,
): Promise<{ state?: string; peerConfig?: string }> {
  const config = await kubectlJson(deps, cluster, ['ciliumbgpnodeconfigs.cilium.io', node]);
  const specPeer = ((config?.spec?.bgpInstances?.[0]?.peers ?? []) as Obj[]).find((p) => p.peerConfigRef?.name);
  const statusPeer = ((config?.status?.bgpInstances?.[0]?.peers ?? []) as Obj[])[0];
  return {
    ...(statusPeer?.peeringState ? { state: String(statusPeer.peeringState) } : {}),
    ...(specPeer ? { peerConfig: String(specPeer.peerConfigRef.name) } : {}),
  };
}

/**
 * Runs the drill in BGP mode. Refuses before touching a node when the router has fewer than two
 * installed next hops for the IP (stopping the only one leaves nothing to fail over to).
 */
export async function runBgpFailoverDrill(
  deps: BgpFailoverDeps,
  input: BgpFailoverInput,
  signal?: AbortSignal,
): Promise<FailoverResult> {
  const stop = input.stop ?? 'stop';
  const status = await deps.statusOf(input.cluster);
  const { service, label, ip } = failoverTarget(status, input);
  const port = probePort(service);
  const router = routerOf(input.cluster);
  const addresses = await deps.nodeAddresses(input.cluster);
  const nodeOf = (address: string) => addresses.find((a) => a.ipv4 === address)?.name;
  const runDocker = (args: string[], options: RunOptions) => deps.run('docker', args, options);
  const before = await measureRouter(runDocker, router, nodeOf, undefined, signal);
  const hopsBefore = installedHops(before, ip);
  if (!before.running)
    throw new KindscopeError(
      'INVALID_INPUT',
      `Refusing the drill: ${before.problem ?? `the router ${router} could not be read`}`,
      `Start the router (docker start ${router}) and check the sessions with \`kindscope bgp --cluster ${input.cluster}\`.`,
    );
  if (hopsBefore.length < 2)
    throw new KindscopeError(
      'INVALID_INPUT',
      `Refusing the drill: the router ${router} has ${hopsBefore.length} installed next hop(s) for ${ip}` +
        `${hopsBefore.length ? ` (${hopsBefore.map((h) => h.node ?? h.ip).join(', ')})` : ''}: stopping one leaves no other node to send requests to`,
      `Let a second node advertise ${ip} (a worker the CiliumBGPClusterConfig selects, with an endpoint if the service is externalTrafficPolicy: Local), then run the drill again (kindscope bgp --cluster ${input.cluster}).`,
    );
  // Stop the node this machine's flow goes to, so the downtime is seen here (the router hashes a flow to one next hop).
  const via = await flowNextHop(deps, router, ip);
  const chosen = hopsBefore.find((h) => h.ip === via) ?? hopsBefore[0]!;
  const node = chosen.node ?? nodeOf(chosen.ip);
  if (!node)
    throw new KindscopeError(
      'INVALID_INPUT',
      `Refusing the drill: the next hop ${chosen.ip} is no node container of the kind cluster "${input.cluster}"`,
      `List its nodes with \`kind get nodes --name ${input.cluster}\`.`,
    );
  const chosenBecause =
    chosen.ip === via
      ? "that the router chose for this machine's flow (ip route get in the router)"
      : `(the first of the router's next hops: its choice for this machine's flow could not be read)`;

  // Configuration (the live peer config), the node's claim, and the session as the router measured it.
  const claimBefore = await nodeClaim(deps, input.cluster, node);
  const peerConfigName = claimBefore.peerConfig;
  const peerConfig = peerConfigName
    ? await kubectlJson(deps, input.cluster, ['ciliumbgppeerconfigs.cilium.io', peerConfigName])
    : undefined;
  const timers = peerTimers(peerConfig, peerConfigName ?? "none (the CRD's defaults)");
  const neighbour = await deps
    .run('docker', ['exec', router, 'vtysh', '-c', `show bgp neighbors ${chosen.ip} json`], { allowFailure: true })
    .then((r) => (JSON.parse(r.stdout || '{}') as Obj)[chosen.ip] as Obj | undefined)
    .catch(() => undefined);
  const gr = neighbour?.gracefulRestartInfo as Obj | undefined;
  const negotiated = neighbour
    ? {
        ...(neighbour.bgpTimerHoldTimeMsecs !== undefined
          ? { holdTimeMs: Number(neighbour.bgpTimerHoldTimeMsecs) }
          : {}),
        ...(neighbour.bgpTimerKeepAliveIntervalMsecs !== undefined
          ? { keepaliveMs: Number(neighbour.bgpTimerKeepAliveIntervalMsecs) }
          : {}),
        ...(gr?.localGrMode ? { routerGrMode: String(gr.localGrMode).replace(/\*$/, '') } : {}),
        ...(gr?.remoteGrMode ? { nodeGrMode: String(gr.remoteGrMode) } : {}),
        ...(gr?.nBit !== undefined ? { notificationGr: gr.nBit === true } : {}),
      }
    : undefined;
  const prediction = predictWithdrawal(stop, timers, negotiated);

  const intervalMs = input.intervalMs ?? 100;
  const deadlineMs = (input.timeoutSeconds ?? Math.ceil(prediction.toMs / 1000) + 15) * 1000;
  const container = deps.docker.getContainer(node);
  const watchAbort = new AbortController();
  const onAbort = () => watchAbort.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let t0 = Date.now();
  const watch = watchRouter(deps, router, ip, deadlineMs / 1000 + 10, () => t0, watchAbort.signal);
  const timeline: TimelineEvent[] = [];
  const samples: Sample[] = [];
  let restarted: boolean;
  let newHolder: { node: string } | undefined;
  try {
    // A pre-roll: the router read and this machine answered before the stop.
    const rollStart = Date.now();
    while (Date.now() - rollStart < 3_000 && watch.readings.length < 3 && !signal?.aborted) {
      const at = Date.now();
      samples.push({ atMs: at, http: await probeHttp(ip, port, 1_000) });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalMs - (Date.now() - at))));
    }
    const watchStart = t0;
    t0 = Date.now();
    // From here on 0 is the stop: the pre-roll's samples (wall time) and readings (since the watch began) move to it.
    for (const s of samples) s.atMs -= t0;
    for (const r of watch.readings) r.atMs -= t0 - watchStart;
    if (signal?.aborted) throw signal.reason;
    if (watch.readings.length === 0)
      throw new KindscopeError(
        'INTERNAL',
        `Refusing the drill before stopping anything: the router ${router} could not be read in a loop (no reading in 3 s)`,
        `Check that ${router} runs and answers \`docker exec ${router} vtysh -c 'show bgp summary json'\`.`,
      );
    // Bounded: an engine that never answers the pause (seen once in CI: the node frozen, the
    // answer never came) must not hold the drill — and the node frozen — for ever.
    if (stop === 'pause') await container.pause(engineCall());
    else await container.stop({ t: 0, ...engineCall() });
    timeline.push({
      atMs: Date.now() - t0,
      kind: stop === 'pause' ? 'paused' : 'stopped',
      text: `${node} ${stop === 'pause' ? 'frozen (docker pause)' : 'stopped (docker stop)'}`,
    });
    await probeUntilWithdrawn({ ip, port, intervalMs, deadlineMs, t0, nodeIp: chosen.ip, samples, watch, signal });
  } finally {
    signal?.removeEventListener('abort', onAbort);
    const state = (await container.inspect(engineCall()).catch(() => undefined))?.State;
    if (state?.Paused)
      await container.unpause(engineCall()).catch((e: Error) => deps.log.error(`Could not unpause ${node}`, e));
    else if (state && !state.Running)
      await container.start(engineCall()).catch((e: Error) => deps.log.error(`Could not start ${node} again`, e));
    const after = (await container.inspect(engineCall()).catch(() => undefined))?.State;
    restarted = after?.Running === true && after.Paused !== true;
    timeline.push({
      atMs: Date.now() - t0,
      kind: stop === 'pause' ? 'unpaused' : 'started',
      text: restarted
        ? `${node} ${stop === 'pause' ? 'unpaused' : 'started again'}`
        : `${node} could NOT be ${stop === 'pause' ? 'unpaused' : 'started again'}: run docker ${stop === 'pause' ? 'unpause' : 'start'} ${node}`,
    });
    watchAbort.abort();
    await watch.done;
  }
  const measured = measureWithdrawal(watch.readings, chosen.ip);
  const routerSamplingMs = meanInterval(watch.readings);
  const claimAfter = await nodeClaim(deps, input.cluster, node);
  const lastFib = [...watch.readings].sort((a, b) => a.atMs - b.atMs).at(-1)?.fib ?? [];
  const flowAfter = await flowNextHop(deps, router, ip);
  if (flowAfter && nodeOf(flowAfter)) newHolder = { node: nodeOf(flowAfter)! };
  const bgp: NonNullable<FailoverResult['bgp']> = {
    router,
    stoppedNode: { node, ip: chosen.ip },
    chosenBecause,
    configured: timers,
    ...(negotiated ? { negotiated } : {}),
    prediction,
    routerSamplingMs,
    routerReadings: watch.readings.length,
    ...measured,
    verdict: withdrawalVerdict(measured.withdrawnMs, prediction, routerSamplingMs),
    nextHopsBefore: hopsBefore.map((h) => h.ip),
    nextHopsAfter: lastFib,
    claim: {
      ...(claimBefore.state ? { before: claimBefore.state } : {}),
      ...(claimAfter.state ? { after: claimAfter.state } : {}),
    },
  };
  timeline.push(...bgpTimelineMarks(bgp));
  const httpAfter = await probeHttp(ip, port);
  const downtimeMs = measureDowntime(samples);
  const downtime = downtimeWindow(samples);
  if (downtime) {
    timeline.push({ atMs: downtime.fromMs, kind: 'http-last-ok', text: 'last HTTP answer before the outage' });
    timeline.push({ atMs: downtime.toMs, kind: 'http-back', text: 'HTTP answers again (the downtime ends)' });
  }
  timeline.sort((a, b) => a.atMs - b.atMs);
  return {
    service: label,
    announce: 'bgp',
    stop,
    ip,
    port,
    oldHolder: { node },
    ...(newHolder ? { newHolder } : {}),
    samplingIntervalMs: intervalMs,
    ...(downtimeMs !== undefined ? { downtimeMs } : {}),
    ...(downtime ? { downtime } : {}),
    timeline,
    intervals: buckets(samples),
    neighbour: {},
    httpAfter,
    restarted,
    bgp,
    explanation: explainBgp({
      stop,
      bgp,
      ...(downtimeMs !== undefined ? { downtimeMs } : {}),
      ...(downtime ? { downtime } : {}),
      intervalMs,
      httpOk: httpAfter.ok,
      restarted,
      flowChosen: chosen.ip === via,
    }),
    findings: [],
  };
}

function meanInterval(readings: RouterReading[]): number {
  const times = readings.map((r) => r.atMs).sort((a, b) => a - b);
  if (times.length < 2) return 0;
  return Math.round((times.at(-1)! - times[0]!) / (times.length - 1));
}

/** Probes every interval until the router withdrew the node and HTTP answered for a second again (or the deadline). */
async function probeUntilWithdrawn(ctx: {
  ip: string;
  port: number;
  intervalMs: number;
  deadlineMs: number;
  t0: number;
  nodeIp: string;
  samples: Sample[];
  watch: { readings: RouterReading[] };
  signal?: AbortSignal | undefined;
}): Promise<void> {
  const since = () => Date.now() - ctx.t0;
  const inflight: Promise<void>[] = [];
  while (since() < ctx.deadlineMs && !ctx.signal?.aborted) {
    const atMs = since();
    // Each probe its own connection, beside the next ones: one slow probe must not stretch the grid.
    inflight.push(probeHttp(ctx.ip, ctx.port, 1_000).then((http) => void ctx.samples.push({ atMs, http })));
    const withdrawn = ctx.watch.readings.some((r) => r.atMs >= 0 && !r.fib.includes(ctx.nodeIp));
    const back = firstOkAfterOutage(ctx.samples);
    const noOutage = ctx.samples.filter((s) => s.atMs >= 0).length > 5 && ctx.samples.every((s) => s.http.ok);
    if (withdrawn && ((back !== undefined && since() - back > 1_000) || (noOutage && since() > 2_000))) break;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, ctx.intervalMs - (since() - atMs))));
  }
  await Promise.all(inflight);
}

/** How long the drill waits for the engine to pause, stop, start or inspect the node (ms). */
const engineCallMs = 30_000;
const engineCall = () => ({ abortSignal: AbortSignal.timeout(engineCallMs) });
