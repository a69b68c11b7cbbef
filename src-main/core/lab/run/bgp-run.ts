/**
 * BGP mode's run-time steps (issue 29): the pool's Docker network and the router are made with
 * plain docker commands (the plan's steps, the same the script prints), filled with what only
 * the run knows — the carved pool, the kind subnet, the router's address. Then the router's
 * routes are waited for, and the final verification names the hops: this machine's route to
 * the pool → the router → the next hops it installed → the node this flow went to → the pod
 * that answered with the sample's marker.
 */
import { writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { KindscopeError, type BgpRouterMeasurement, type LabPlan } from '../../../contract';
import { measureRouter } from '../../bgp/bgp-view';
import { judgeAnswer, probeHttp } from '../../host/probe';
import type { RunOptions, RunResult } from '../../tools/run-tool';
import { lbNetworkFor } from '../plan/bgp-pool';
import { sampleToken } from '../plan/render';
import { lbNetworkName, routerName } from '../plan/render-bgp';
import { renderRouterFiles } from '../plan/router';
import { fillLbNetwork } from '../plan/steps-bgp';
import type { StepContext } from './pipeline-runner';

export type DockerRun = (args: string[], options: RunOptions) => Promise<RunResult>;

/** The `lb-network` step's arguments with the carved pool's network filled in. */
export function lbNetworkArgs(args: string[], poolCidr: string): string[] {
  const network = lbNetworkFor(poolCidr);
  if (!network)
    throw new KindscopeError(
      'INVALID_INPUT',
      `pool.cidr: ${poolCidr} cannot carry a Docker network (a canonical /2 to /29 is needed)`,
      'Clean up this run and create again with pool.cidr: auto.',
    );
  return args.map((arg) => fillLbNetwork(arg, network) ?? arg);
}

/** Writes the router's files with the kind subnet the run read (its `bgp listen range`). */
export function writeRouterFiles(plan: LabPlan, fileDir: string, kindSubnet: string): void {
  for (const [file, contents] of Object.entries(renderRouterFiles(plan, kindSubnet)))
    writeFileSync(join(fileDir, file), contents);
}

/** The router's IPv4 address on a network, read back from the engine after it started. */
export async function routerAddressOn(
  docker: DockerRun,
  router: string,
  network: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  const result = await docker(['inspect', '--format', '{{json .NetworkSettings.Networks}}', router], { signal });
  const networks = JSON.parse(result.stdout || '{}') as Record<string, { IPAddress?: string }>;
  return networks[network]?.IPAddress || undefined;
}

/** Whether a measurement has the IP's /32 with at least one next hop in the router's FIB. */
export const installedHops = (measurement: BgpRouterMeasurement, ip: string) =>
  measurement.routes.find((r) => r.prefix === `${ip}/32`)?.nextHops.filter((h) => h.installed) ?? [];

/**
 * Waits until the router has installed a route to the IP through as many next hops as nodes
 * advertise it (`expected`), and records the measurement and how long the sessions took.
 */
export async function waitForRoutes(
  plan: LabPlan,
  docker: DockerRun,
  ip: string,
  expected: number,
  nodeOf: (ip: string) => string | undefined,
  context: StepContext,
  timeoutMs: number,
): Promise<BgpRouterMeasurement> {
  const router = routerName(plan);
  const started = Date.now();
  let last: BgpRouterMeasurement | undefined;
  while (Date.now() - started < timeoutMs) {
    if (context.signal.aborted) throw context.signal.reason;
    last = await measureRouter(docker, router, nodeOf, undefined, context.signal);
    const established = last.sessions.filter((s) => s.state === 'Established');
    const hops = installedHops(last, ip);
    const detail =
      `router ${router}: ${established.length} session(s) Established${last.sessions.length > established.length ? ` of ${last.sessions.length}` : ''}` +
      `; ${ip}/32 via ${hops.length} of ${expected} next hop(s)`;
    context.progress(Math.min(1, hops.length / Math.max(1, expected)), detail);
    if (established.length > 0 && context.facts.bgpEstablishedMs === undefined) {
      context.facts.bgpEstablishedMs = Date.now() - Number(context.facts.routerStartedAt ?? started);
      context.log(`first session Established ${context.facts.bgpEstablishedMs} ms after the router started`);
    }
    if (hops.length >= expected) {
      context.log(detail);
      return last;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new KindscopeError(
    'INTERNAL',
    `The router ${router} has no route to ${ip} through ${expected} node(s) after ${Math.round(timeoutMs / 1000)} s` +
      ': ' +
      (last?.problem ??
        `${last?.sessions.filter((s) => s.state === 'Established').length ?? 0} session(s) Established` +
          `, ${installedHops(last!, ip).length} next hop(s)`),
    `Check the sessions with \`kindscope bgp --cluster ${plan.cluster.name}\` (a wrong ASN or peer address shows there), then resume this run.`,
  );
}

/** This machine's address on the pool's bridge, when the bridge is here (Linux); on macOS it is in the engine's VM. */
export function localAddressIn(subnet: string): { interface: string; address: string } | undefined {
  const [base, bits] = subnet.split('/');
  const toInt = (ip: string) => ip.split('.').reduce((a, b) => a * 256 + Number(b), 0);
  const size = 2 ** (32 - Number(bits));
  const first = Math.floor(toInt(base!) / size) * size;
  for (const [name, addresses] of Object.entries(networkInterfaces()))
    for (const a of addresses ?? [])
      if (a.family === 'IPv4' && toInt(a.address) >= first && toInt(a.address) < first + size)
        return { interface: name, address: a.address };
  return undefined;
}

export interface BgpVerification {
  ip: string;
  port: number;
  /** Measured: HTTP from this machine, and the pod that answered with the marker. */
  http: { ok: boolean; status?: number; ms: number; error?: string };
  answeredPod?: string;
  /** The hops, in order, each a measurement or a reading of a table. */
  hops: { hop: string; detail: string }[];
  /** The router's table at the time (measurement), and the node this flow went to (`ip route get` in the router). */
  router: BgpRouterMeasurement;
  flowVia?: { ip: string; node?: string };
  reachable: boolean;
}

/**
 * The final verification in BGP mode: HTTP from this machine to the sample IP (with its
 * marker), and the hops named: this machine's route to the pool, the router (answering ARP for
 * the pool on its network), the next hops it installed, the one this flow took
 * (`ip route get IP from GATEWAY iif IFACE` in the router: the kernel's own ECMP choice for
 * this flow), and the pod that answered.
 */
export async function verifyBgp(
  plan: LabPlan,
  docker: DockerRun,
  ip: string,
  poolCidr: string,
  nodeOf: (ip: string) => string | undefined,
  context: StepContext,
): Promise<BgpVerification> {
  const port = plan.sample.port;
  const network = lbNetworkFor(poolCidr)!;
  const router = routerName(plan);
  const marked = plan.sample.image === 'nginx' || /nginx/.test(plan.sample.image);
  const token = marked ? sampleToken(plan) : undefined;
  let http = await probeHttp(ip, port);
  for (let attempt = 0; attempt < 15 && (!http.ok || (token && !http.body?.includes(token))); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    http = await probeHttp(ip, port);
  }
  const answer = judgeAnswer(http, token);
  const path = await routerPath(docker, router, ip, network, nodeOf, context.signal);
  const { measured, installed: hops, via } = path;
  const local = localAddressIn(network.subnet);
  const steps: BgpVerification['hops'] = [
    {
      hop: 'route',
      detail: local
        ? `this machine reaches ${ip} on ${local.interface} (${local.address}, the ${lbNetworkName(plan)} network ${network.subnet}): on-link, no host route`
        : `${ip} is in the ${lbNetworkName(plan)} network ${network.subnet}, routed by the engine (docker-mac-net-connect's tunnel on macOS)`,
    },
    ...path.hops.map(({ hop, detail }) => ({ hop, detail })),
    {
      hop: 'answer',
      detail: http.ok ? answer.detail : `no HTTP answer from ${ip}:${port} (${http.error ?? `HTTP ${http.status}`})`,
    },
  ];
  for (const step of steps) context.log(`${step.hop}: ${step.detail}`);
  const reachable = http.ok && (token ? answer.state === 'marker' : true) && hops.length > 0;
  return {
    ip,
    port,
    http: {
      ok: http.ok,
      ...(http.status !== undefined ? { status: http.status } : {}),
      ms: http.ms,
      ...(http.error ? { error: http.error } : {}),
    },
    ...(answer.state === 'marker' ? { answeredPod: answer.pod } : {}),
    hops: steps,
    router: measured,
    ...(via ? { flowVia: { ip: via, ...(nodeOf(via) ? { node: nodeOf(via)! } : {}) } } : {}),
    reachable,
  };
}

/**
 * The hops past this machine's route, read at the router now: the router answering ARP for the
 * IP on the pool's network (proxy ARP), the next hops it installed (its FIB, measured), and the
 * one this machine's flow takes (`ip route get IP from GATEWAY iif IFACE` in the router: the
 * kernel's own ECMP choice for it). The create verification, fix and `kindscope connectivity`
 * name the BGP path by this one reading.
 */
export async function routerPath(
  docker: DockerRun,
  router: string,
  ip: string,
  network: { subnet: string; gateway: string },
  nodeOf: (ip: string) => string | undefined,
  signal?: AbortSignal,
): Promise<{
  measured: BgpRouterMeasurement;
  installed: ReturnType<typeof installedHops>;
  via?: string;
  hops: { hop: 'router' | 'next hops' | 'this flow'; detail: string; ok: boolean }[];
}> {
  const measured = await measureRouter(docker, router, nodeOf, undefined, signal);
  const installed = installedHops(measured, ip);
  const lbIface = await docker(['exec', router, 'ip', '-o', '-4', 'addr', 'show'], {
    ...(signal ? { signal } : {}),
    allowFailure: true,
  });
  const iface = lbIface.stdout
    .split('\n')
    .map((line) => /^\d+:\s+(\S+)\s+inet\s+(\S+)/.exec(line))
    .find((m) => m && inSubnet(m[2]!.split('/')[0]!, network.subnet));
  const routerLbAddress = iface?.[2]?.split('/')[0];
  const routeGet = iface
    ? await docker(['exec', router, 'ip', 'route', 'get', ip, 'from', network.gateway, 'iif', iface[1]!], {
        ...(signal ? { signal } : {}),
        allowFailure: true,
      })
    : undefined;
  const via = /\bvia\s+(\S+)/.exec(routeGet?.stdout ?? '')?.[1];
  const hops: { hop: 'router' | 'next hops' | 'this flow'; detail: string; ok: boolean }[] = [
    {
      hop: 'router',
      ok: measured.running && Boolean(routerLbAddress),
      detail: measured.running
        ? `${router}${routerLbAddress ? ` at ${routerLbAddress} on ${iface?.[1]}` : ''}` +
          ` answers ARP for ${ip} (proxy ARP for the routes it learned) and forwards`
        : (measured.problem ?? `${router} could not be read`),
    },
    {
      hop: 'next hops',
      ok: installed.length > 0,
      detail: installed.length
        ? `the router installed ${ip}/32 via ${installed.map((h) => `${h.ip}${h.node ? ` (${h.node})` : ''}`).join(', ')}` +
          `${installed.length > 1 ? ' (ECMP)' : ''} — measured ${measured.measuredAt}`
        : `the router has no installed route to ${ip}${measured.problem ? `: ${measured.problem}` : ''}`,
    },
    ...(via
      ? [
          {
            hop: 'this flow' as const,
            ok: true,
            detail: `the router sends this machine's flow to ${via}${nodeOf(via) ? ` (${nodeOf(via)})` : ''} (its kernel's ECMP choice, ip route get)`,
          },
        ]
      : []),
  ];
  return { measured, installed, ...(via ? { via } : {}), hops };
}

function inSubnet(ip: string, subnet: string): boolean {
  const [base, bits] = subnet.split('/');
  const toInt = (x: string) => x.split('.').reduce((a, b) => a * 256 + Number(b), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toInt(ip) / size) === Math.floor(toInt(base!) / size);
}
