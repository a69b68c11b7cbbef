import { z } from 'zod';
import { defineCall } from './define';
import { ClusterName } from './topology';

/**
 * Whether this machine reaches a cluster's containers and LoadBalancer IPs, hop by hop
 * (core/host/connectivity-*). The hop list is the CLI's `--json` output, in path order.
 */
export const ConnectivityHop = z.object({
  hop: z.string(),
  ok: z.boolean(),
  detail: z.string(),
  fix: z.string().optional(),
  /** What the hop is about: the subnet a route hop routes, the address a ping or TCP hop probes. */
  target: z.string().optional(),
});
export type ConnectivityHop = z.infer<typeof ConnectivityHop>;

export const HostPlatform = z.enum(['darwin', 'linux', 'win32', 'other']);
export type HostPlatform = z.infer<typeof HostPlatform>;

/** The product behind the Docker endpoint, as KINDSCOPE_RUNTIME names it. */
export const HostRuntime = z.enum(['docker-desktop', 'orbstack', 'colima', 'rancher-desktop', 'podman', 'native']);
export type HostRuntime = z.infer<typeof HostRuntime>;

export const HostContext = z.object({
  platform: HostPlatform,
  runtime: HostRuntime,
  /** Docker Desktop's own version (`docker version` Server.Platform.Name), when known. */
  runtimeVersion: z.string().optional(),
  /** Where the two came from: the environment (tests, KINDSCOPE_PLATFORM/RUNTIME) or the engine. */
  source: z.enum(['environment', 'engine']),
});
export type HostContext = z.infer<typeof HostContext>;

/** What Homebrew says about docker-mac-net-connect (macOS only). */
export const MacNetConnectState = z.object({
  /** The brew Kindscope runs as the user, and Homebrew's prefix (one of two fixed ones). */
  brew: z.object({ path: z.string(), prefix: z.enum(['/opt/homebrew', '/usr/local']) }).optional(),
  brewProblem: z.string().optional(),
  installedVersion: z.string().optional(),
  /** The least version that works with this Docker Desktop (chipmk/docker-mac-net-connect#63). */
  requiredVersion: z.string().optional(),
  serviceRunning: z.boolean(),
  dockerSocket: z.boolean(),
});
export type MacNetConnectState = z.infer<typeof MacNetConnectState>;

/** One command a fix runs: the exact argv, and whether it runs through the administrator prompt. */
export const FixStep = z.object({
  action: z.enum(['install', 'upgrade', 'start', 'restart', 'stop', 'uninstall']),
  argv: z.array(z.string()),
  /** As a user would type it. */
  display: z.string(),
  elevated: z.boolean(),
});
export type FixStep = z.infer<typeof FixStep>;

export const ConnectivityReport = z.object({
  cluster: z.string(),
  host: HostContext,
  hops: z.array(ConnectivityHop),
  /** The first hop that is not ok, in path order. */
  failingHop: z.string().optional(),
  macNetConnect: MacNetConnectState.optional(),
  /** What `--fix` would run, in order (empty when nothing is to install or start). */
  plan: z.array(FixStep),
  /** What `--remove` would run: stop (as root) and uninstall. */
  removePlan: z.array(FixStep),
  /** Why there is no automatic fix (Colima, no Homebrew, no Docker socket…). */
  planNote: z.string().optional(),
});
export type ConnectivityReport = z.infer<typeof ConnectivityReport>;

export const FixStepResult = FixStep.extend({
  ok: z.boolean(),
  exitCode: z.number().nullable(),
  output: z.string(),
  denied: z.boolean(),
});
export type FixStepResult = z.infer<typeof FixStepResult>;

export const ConnectivityFixResult = z.object({
  ok: z.boolean(),
  steps: z.array(FixStepResult),
  /** Said in words: what ran, what did not, and the state left behind. */
  summary: z.string(),
  /** The check after the steps (the verification). */
  report: ConnectivityReport,
});
export type ConnectivityFixResult = z.infer<typeof ConnectivityFixResult>;

const ClusterInput = z.object({ cluster: ClusterName });

export const connectivityCalls = {
  connectivityCheck: defineCall(
    'connectivity:check',
    ClusterInput,
    ConnectivityReport,
    "Check hop by hop whether this machine reaches the cluster's node and LoadBalancer IPs",
  ),
  connectivityFix: defineCall(
    'connectivity:fix',
    ClusterInput,
    ConnectivityFixResult,
    'Install and start docker-mac-net-connect (macOS, with the administrator prompt), then verify',
  ),
  connectivityRemove: defineCall(
    'connectivity:remove',
    ClusterInput,
    ConnectivityFixResult,
    'Stop and uninstall docker-mac-net-connect',
  ),
} as const;
