import { z } from 'zod';
import { defineCall, defineEvent } from './define';
import { DockerEngineStatus } from './docker';
import { ClusterName, ClusterTopology, KindClusterSummary } from './topology';
import { DownloadProgress, ToolName, ToolsReport, ToolStatus } from './tools';
import { ClusterStatus } from './cluster-status';
import { CheckServiceInput, ServiceCheck } from './troubleshoot';
import { labCalls } from './lab';
import { lifecycleCalls, runCalls, runEvents } from './run';
import { upgradeCalls } from './upgrade';
import { welcomeCalls } from './welcome';
import { dnsCalls } from './dns';
import { captureCalls } from './capture';
import { clusterExportCalls } from './cluster-export';
import { connectivityCalls } from './connectivity';
import { bgpCalls } from './bgp';

/** No input. Strict, so stray fields are reported instead of silently ignored. */
const NoInput = z.object({}).strict();

export const AppInfo = z.object({
  name: z.literal('Kindscope'),
  version: z.string(),
  /** Which transport answered: lets the renderer adapt (e.g. "Open in browser"). */
  transport: z.enum(['electron', 'serve', 'cli', 'test']),
});
export type AppInfo = z.infer<typeof AppInfo>;

/**
 * Every call Kindscope answers, whatever the transport. Adding one here makes the
 * handler table incomplete until it is implemented (a type error), and puts it under
 * the table-driven malformed-input test.
 */
export const calls = {
  appInfo: defineCall('app:info', NoInput, AppInfo, 'Name, version and transport of this Kindscope'),
  dockerEngine: defineCall(
    'docker:engine',
    z
      .object({
        /** Probe the engine now instead of answering from the live state. */
        refresh: z.boolean().optional(),
      })
      .strict(),
    DockerEngineStatus,
    'The Docker engine Kindscope (and kind) talk to: endpoint, reachability, version, flavour',
  ),
  topologyClusters: defineCall(
    'topology:clusters',
    NoInput,
    z.object({ clusters: z.array(KindClusterSummary) }),
    'The kind clusters on this engine, found from Docker labels',
  ),
  topologySnapshot: defineCall(
    'topology:snapshot',
    z.object({ cluster: ClusterName, refresh: z.boolean().optional() }).strict(),
    ClusterTopology,
    "One cluster's data path: bridge, veth pairs, nodes, routes and what they mean; followed live from then on",
  ),
  clusterStatus: defineCall(
    'cluster:status',
    z.object({ cluster: ClusterName }).strict(),
    ClusterStatus,
    'Nodes, Cilium, LoadBalancer services with IPs, lease holders and the reason for every <pending> or unanswered IP, pools, policies, leases',
  ),
  troubleshootService: defineCall(
    'troubleshoot:check-service',
    CheckServiceInput,
    ServiceCheck,
    'curl a LoadBalancer service from this machine, read which node answered ARP, and explain',
  ),
  toolsReport: defineCall(
    'tools:report',
    NoInput,
    ToolsReport,
    'Each tool: path, version, where it was found, status and fix; and the environment',
  ),
  toolsDownload: defineCall(
    'tools:download',
    z
      .object({
        tool: ToolName,
        /** kind only: the release a lab plan names (`cluster.kindVersion`); default the default plan's. */
        version: z.string().optional(),
      })
      .strict(),
    ToolStatus,
    "Installs the pinned version of a tool (kind: the plan's release) into the data folder (SHA-256 checked)",
  ),
  toolsSetPath: defineCall(
    'tools:set-path',
    z.object({ tool: ToolName, path: z.string().startsWith('/', 'must be an absolute path').nullable() }).strict(),
    ToolStatus,
    'Uses this file for a tool (null forgets the choice)',
  ),
  ...labCalls,
  ...runCalls,
  ...lifecycleCalls,
  ...upgradeCalls,
  ...welcomeCalls,
  ...dnsCalls,
  ...captureCalls,
  ...clusterExportCalls,
  ...connectivityCalls,
  ...bgpCalls,
} as const;

/** Every event Kindscope pushes. Payloads are small and coalesced by their source. */
export const events = {
  dockerEngineChanged: defineEvent(
    'docker:engine-changed',
    DockerEngineStatus,
    'The engine went away, came back or changed',
  ),
  topologyChanged: defineEvent('topology:changed', ClusterTopology, 'A followed cluster changed (coalesced)'),
  clusterStatusChanged: defineEvent(
    'cluster:status-changed',
    ClusterStatus,
    "A followed cluster's Kubernetes state changed (coalesced)",
  ),
  toolDownloadProgress: defineEvent(
    'tools:download-progress',
    DownloadProgress,
    'Bytes received of a managed download',
  ),
  clustersChanged: defineEvent(
    'topology:clusters-changed',
    z.object({ clusters: z.array(KindClusterSummary) }),
    'Kind clusters appeared, disappeared or changed state',
  ),
  ...runEvents,
} as const;

export type Calls = typeof calls;
export type Events = typeof events;
export type CallKey = keyof Calls;
export type EventKey = keyof Events;
export type CallId = Calls[CallKey]['id'];
export type EventId = Events[EventKey]['id'];

type CallById = { [K in CallKey as Calls[K]['id']]: Calls[K] };
type EventById = { [K in EventKey as Events[K]['id']]: Events[K] };
export type CallInput<Id extends CallId> = z.input<CallById[Id]['input']>;
export type CallOutput<Id extends CallId> = z.output<CallById[Id]['output']>;
export type EventPayload<Id extends EventId> = z.output<EventById[Id]['payload']>;

export const callList = Object.values(calls);
export const eventList = Object.values(events);

export function findCall(id: string) {
  return callList.find((call) => call.id === id);
}
export function findEvent(id: string) {
  return eventList.find((event) => event.id === id);
}
