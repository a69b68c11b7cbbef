import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type Docker from 'dockerode';
import {
  KindscopeError,
  probePort,
  type ArpPacket,
  type ClusterStatus,
  type FailoverResult,
  type HttpProbe,
  type TimelineEvent,
} from '../../contract';
import { probeHttp, readNeighbour, type NeighbourEntry } from '../host/probe';
import type { Logger } from '../util/logger';
import { announcementForm } from './arp-verdict';
import { captureImageName, ensureCaptureImage } from './capture-image';
import { failoverTarget, leaseClaim, nodeNetwork } from './capture-service';
import { leaseTimings, takeoverCandidates } from './lease-timings';
import { startNodeCapture, type RunningCapture } from './node-capture';
import { decodeCapture } from './pcap-decoder';
import {
  addLeaseMarks,
  buckets,
  downtimeWindow,
  explain,
  firstOkAfterOutage,
  measureDowntime,
  type Sample,
} from './failover-timeline';

export interface FailoverDrillOptions {
  docker: Docker;
  statusOf(cluster: string): Promise<ClusterStatus>;
  /** `helm get values` of the cilium release, as JSON. */
  ciliumValues(cluster: string): Promise<unknown>;
  capturesDir: string;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  /** The capture image chosen in Settings (KINDSCOPE_CAPTURE_IMAGE still wins). */
  settingsImage?: string;
  neighbour?: (ip: string) => Promise<NeighbourEntry | undefined>;
}

export interface FailoverInput {
  cluster: string;
  namespace: string;
  service: string;
  intervalMs?: number;
  timeoutSeconds?: number;
  pcapPath?: string;
  /** The user agreed to pull the capture image. */
  allowPull?: boolean;
}

/**
 * The failover drill: stops the lease holder's node container, probes the service from this
 * machine every `intervalMs`, watches the Lease and this machine's neighbour entry, captures
 * the new holder's announcement in its namespace, and starts the node again — always.
 */
export async function runFailoverDrill(
  options: FailoverDrillOptions,
  input: FailoverInput,
  signal?: AbortSignal,
): Promise<FailoverResult> {
  const status = await options.statusOf(input.cluster);
  const { service, label, ip } = failoverTarget(status, input);
  const claim = leaseClaim(service);
  if (!claim)
    throw new KindscopeError(
      'INVALID_INPUT',
      `No node holds the lease for ${label}: there is no holder to stop`,
      'Check the L2 announcement policy selects this service (kindscope status).',
    );
  const candidates = takeoverCandidates(status, claim.node);
  if (candidates.nodes.length === 0) {
    throw new KindscopeError(
      'INVALID_INPUT',
      `Refusing the drill: ${candidates.why}`,
      'Add a worker node the L2 policy selects (or wait until one is Ready), then run the drill again.',
    );
  }
  const port = probePort(service);
  const intervalMs = input.intervalMs ?? 100;
  const image = captureImageName(options.env, options.settingsImage);
  const neighbour = options.neighbour ?? readNeighbour;
  await ensureCaptureImage(options.docker, image, input.allowPull ?? false, 'failover');
  const timings = leaseTimings(await options.ciliumValues(input.cluster).catch(() => undefined));
  const oldMac = claim.mac ?? (await nodeNetwork(options.docker, claim.node)).mac;
  const deadlineMs = (input.timeoutSeconds ?? Math.ceil(timings.predictedMaxDowntimeMs / 1000) + 20) * 1000;
  const before = await neighbour(ip);

  // Listen on every node that might take over: which one will is only known afterwards.
  const captures = new Map<string, RunningCapture>();
  for (const node of candidates.nodes)
    captures.set(
      node,
      await startNodeCapture(options.docker, {
        image,
        node,
        seconds: deadlineMs / 1000 + 10,
        ...(signal ? { signal } : {}),
      }),
    );
  await Promise.all([...captures.values()].map((c) => c.ready));

  const node = options.docker.getContainer(claim.node);
  const lastRenew = status.leases.find((l) => l.name === claim.lease)?.renewTime ?? claim.renewTime;
  const preRoll = await probesBefore(ip, port, intervalMs);
  const t0 = Date.now();
  const timeline: TimelineEvent[] = [];
  const samples: Sample[] = preRoll.map((p) => ({ atMs: p.at - t0, http: p.http }));
  let newHolder: { node: string; mac?: string } | undefined;
  let flipped: string | undefined;
  let restarted: boolean;
  try {
    await node.stop({ t: 0 });
    // 0 is when the stop was asked for; this is when Docker said the container was gone.
    timeline.push({ atMs: Date.now() - t0, kind: 'stopped', text: `${claim.node} stopped (docker stop)` });
    const watched = await watchTakeover({
      options,
      input,
      ip,
      port,
      intervalMs,
      deadlineMs,
      t0,
      oldNode: claim.node,
      oldMac,
      neighbour,
      samples,
      timeline,
      ...(signal ? { signal } : {}),
    });
    newHolder = watched.newHolder;
    flipped = watched.neighbourAfter;
  } finally {
    for (const capture of captures.values()) await capture.stop();
    await node.start().catch((error: Error) => options.log.error(`Could not start ${claim.node} again`, error));
    restarted = (await node.inspect().catch(() => undefined))?.State?.Running === true;
    timeline.push({
      atMs: Date.now() - t0,
      kind: 'started',
      text: restarted
        ? `${claim.node} started again`
        : `${claim.node} could NOT be started again: run docker start ${claim.node}`,
    });
  }
  if (newHolder?.node)
    newHolder = {
      ...newHolder,
      ...(newHolder.mac ? {} : { mac: (await nodeNetwork(options.docker, newHolder.node)).mac }),
    };
  const { gratuitous, pcapPath } = await keepAnnouncement(options, input, captures, newHolder, ip);
  if (gratuitous)
    timeline.push({
      atMs: Date.parse(gratuitous.time) - t0,
      kind: 'gratuitous-arp',
      text: `${newHolder?.node} announced the IP: ${announcementForm(gratuitous)}`,
    });
  if (lastRenew) addLeaseMarks(timeline, Date.parse(lastRenew) - t0, timings);
  const httpAfter = await probeHttp(ip, port);
  const downtimeMs = measureDowntime(samples);
  const downtime = downtimeWindow(samples);
  // The mark placed while probing used the samples back then; a probe answered later (each runs
  // beside the next ones) can move the first good answer: the mark follows the one definition.
  const back = timeline.find((e) => e.kind === 'http-back');
  if (back && downtime) back.atMs = downtime.toMs;
  if (downtime)
    timeline.push({
      atMs: downtime.fromMs,
      kind: 'http-last-ok',
      text: 'last HTTP answer before the outage (the downtime starts)',
    });
  timeline.sort((a, b) => a.atMs - b.atMs);
  return {
    service: label,
    ip,
    port,
    oldHolder: { node: claim.node, ...(oldMac ? { mac: oldMac } : {}) },
    ...(newHolder ? { newHolder } : {}),
    ...(gratuitous ? { gratuitous } : {}),
    samplingIntervalMs: intervalMs,
    ...(downtimeMs !== undefined ? { downtimeMs } : {}),
    ...(downtime ? { downtime } : {}),
    leaseTimings: timings,
    timeline,
    intervals: buckets(samples),
    neighbour: { ...(before?.mac ? { before: before.mac } : {}), ...(flipped ? { after: flipped } : {}) },
    httpAfter,
    restarted,
    ...(pcapPath ? { pcapPath } : {}),
    explanation: explain({
      claim: claim.node,
      newHolder,
      downtimeMs,
      downtime,
      intervalMs,
      timings,
      gratuitous,
      httpAfter,
      restarted,
    }),
    findings: [],
  };
}

/** A short pre-roll of probes: the downtime is measured from the last good answer before the stop. */
async function probesBefore(ip: string, port: number, intervalMs: number): Promise<{ at: number; http: HttpProbe }[]> {
  const preRoll: { at: number; http: HttpProbe }[] = [];
  for (let i = 0; i < 3; i++) {
    const at = Date.now();
    preRoll.push({ at, http: await probeHttp(ip, port, 1_000) });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalMs - (Date.now() - at))));
  }
  return preRoll;
}

interface WatchContext {
  options: FailoverDrillOptions;
  input: FailoverInput;
  ip: string;
  port: number;
  intervalMs: number;
  deadlineMs: number;
  t0: number;
  oldNode: string;
  oldMac: string | undefined;
  neighbour: (ip: string) => Promise<NeighbourEntry | undefined>;
  samples: Sample[];
  timeline: TimelineEvent[];
  signal?: AbortSignal;
}

/** Probes every interval until a new holder has the lease and HTTP has answered for a while again. */
async function watchTakeover(
  ctx: WatchContext,
): Promise<{ newHolder?: { node: string; mac?: string }; neighbourAfter?: string }> {
  const { timeline, samples, t0 } = ctx;
  const since = () => Date.now() - t0;
  let newHolder: { node: string; mac?: string } | undefined;
  let neighbourAfter: string | undefined;
  let notReadySeen = false;
  let httpBackAt: number | undefined;
  const inflight: Promise<void>[] = [];
  let neighbourBusy = false;
  while (since() < ctx.deadlineMs && !ctx.signal?.aborted) {
    const atMs = since();
    // Each probe gets its own connection and runs beside the next ones: one slow probe must not stretch the grid.
    inflight.push(probeHttp(ctx.ip, ctx.port, 1_000).then((http) => void samples.push({ atMs, http })));
    const status = await ctx.options.statusOf(ctx.input.cluster).catch(() => undefined);
    const service = status?.services.find((s) => s.namespace === ctx.input.namespace && s.name === ctx.input.service);
    const holder = service ? leaseClaim(service) : undefined;
    if (!newHolder && holder && holder.node !== ctx.oldNode) {
      newHolder = { node: holder.node, ...(holder.mac ? { mac: holder.mac } : {}) };
      timeline.push({ atMs, kind: 'new-holder', text: `${holder.node} holds the lease ${holder.lease}` });
    }
    if (!notReadySeen && status?.nodes.find((n) => n.name === ctx.oldNode)?.ready === false) {
      notReadySeen = true;
      timeline.push({ atMs, kind: 'node-not-ready', text: `${ctx.oldNode} is NotReady` });
    }
    if (!neighbourAfter && !neighbourBusy) {
      neighbourBusy = true;
      void ctx.neighbour(ctx.ip).then((entry) => {
        neighbourBusy = false;
        if (!neighbourAfter && entry?.mac && entry.mac !== ctx.oldMac) {
          neighbourAfter = entry.mac;
          timeline.push({
            atMs: since(),
            kind: 'neighbour-flip',
            text: `this machine's neighbour entry for ${ctx.ip} is now ${entry.mac}`,
          });
        }
      });
    }
    const lastOk = [...samples].sort((a, b) => a.atMs - b.atMs).at(-1)?.http.ok;
    if (httpBackAt === undefined && lastOk && samples.some((s) => !s.http.ok)) {
      httpBackAt = atMs;
      timeline.push({
        atMs: firstOkAfterOutage(samples) ?? atMs,
        kind: 'http-back',
        text: `HTTP answers again (the downtime ends)`,
      });
    }
    // Done: a new holder, HTTP back for a second, the neighbour entry flipped (or a second more).
    if (
      newHolder &&
      httpBackAt !== undefined &&
      since() - httpBackAt > 1_000 &&
      (neighbourAfter || since() - httpBackAt > 2_000)
    )
      break;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, ctx.intervalMs - (since() - atMs))));
  }
  await Promise.all(inflight);
  return { ...(newHolder ? { newHolder } : {}), ...(neighbourAfter ? { neighbourAfter } : {}) };
}

async function keepAnnouncement(
  options: FailoverDrillOptions,
  input: FailoverInput,
  captures: Map<string, RunningCapture>,
  newHolder: { node: string; mac?: string } | undefined,
  ip: string,
): Promise<{ gratuitous?: ArpPacket; pcapPath?: string }> {
  let result: { gratuitous?: ArpPacket; pcapPath?: string } = {};
  for (const [node, capture] of captures) {
    const pcap = await capture.done.catch(() => undefined);
    if (!pcap || node !== newHolder?.node) continue;
    const pcapPath =
      input.pcapPath ??
      join(
        options.capturesDir,
        `${input.cluster}-${input.namespace}-${input.service}-failover-${new Date().toISOString().replace(/[:.]/g, '-')}.pcap`,
      );
    await mkdir(dirname(pcapPath), { recursive: true });
    await writeFile(pcapPath, pcap);
    const packets = decodeCapture(pcap).packets;
    const gratuitous = packets.find(
      (p) => p.gratuitous && p.senderIp === ip && (!newHolder.mac || p.senderMac === newHolder.mac),
    );
    result = { pcapPath, ...(gratuitous ? { gratuitous } : {}) };
  }
  return result;
}
