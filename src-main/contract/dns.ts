import { z } from 'zod';
import { defineCall } from './define';
import { ClusterName } from './topology';

/** The zone Kindscope answers for. `.internal` is reserved for private use (ICANN, 2024): no public name is shadowed. */
export const DNS_ZONE = 'kind.internal';
/** The responder's port unless `--port`, `KINDSCOPE_DNS_PORT` or the wiring say otherwise (unprivileged, not mDNS's 5353). */
export const DEFAULT_DNS_PORT = 15353;

/** The name a LoadBalancer service has: `<service>.<namespace>.<cluster>.kind.internal`. */
export function serviceDnsName(cluster: string, namespace: string, service: string): string {
  return `${service}.${namespace}.${cluster}.${DNS_ZONE}`.toLowerCase();
}

export const DnsPort = z
  .number({ message: 'must be a port number' })
  .int('must be a whole number')
  .min(1, 'must be 1–65535')
  .max(65535, 'must be 1–65535');

export const DnsName = z.object({
  name: z.string(),
  kind: z.enum(['service', 'node']),
  cluster: z.string(),
  namespace: z.string().optional(),
  service: z.string().optional(),
  node: z.string().optional(),
  /** The service's current external IPs (A and AAAA), or the node's InternalIP. */
  addresses: z.array(z.string()),
});
export type DnsName = z.infer<typeof DnsName>;

export const DnsNames = z.object({
  zone: z.string(),
  /** s */
  ttl: z.number(),
  names: z.array(DnsName),
  skipped: z.array(z.object({ cluster: z.string(), reason: z.string() })),
  /** Clusters whose status could not be read (their names are missing until it can). */
  unavailable: z.array(z.object({ cluster: z.string(), reason: z.string() })),
});
export type DnsNames = z.infer<typeof DnsNames>;

/** How this machine's resolver is told to send `kind.internal` to the responder. */
export const DnsBackend = z.enum(['macos-resolver', 'systemd-resolved', 'dnsmasq', 'networkmanager-dnsmasq', 'manual']);
export type DnsBackend = z.infer<typeof DnsBackend>;

export const DnsWiringPlan = z.object({
  backend: DnsBackend,
  action: z.enum(['apply', 'remove']),
  port: z.number(),
  /** Files the elevated step writes, with their exact contents (shown before anything runs). */
  files: z.array(z.object({ path: z.string(), content: z.string() })),
  /** Each command exactly as it will run, in order; `elevated` ones go through one administrator prompt. */
  steps: z.array(z.object({ description: z.string(), command: z.string(), elevated: z.boolean() })),
  /** The one script the administrator prompt runs, exactly as it runs (the steps joined; the consent dialog shows it). */
  script: z.string().optional(),
  /** Which of Kindscope's own administrator scripts it is (core/tools/elevated-scripts.ts). */
  template: z.string().optional(),
  /** Where Kindscope cannot do it: the exact steps to do by hand. */
  manual: z.array(z.string()),
  note: z.string().optional(),
});
export type DnsWiringPlan = z.infer<typeof DnsWiringPlan>;

export const DnsStatus = z.object({
  zone: z.string(),
  ttl: z.number(),
  port: z.number(),
  responder: z.object({
    state: z.enum(['starting', 'running', 'stopped', 'failed']),
    address: z.string().optional(),
    reason: z.string().optional(),
  }),
  backend: DnsBackend,
  /** The measurement: a probe name resolved through the system resolver (getaddrinfo), and whether the responder saw it. */
  os: z.object({ sendsQueries: z.boolean(), probeName: z.string(), checkedAt: z.string(), detail: z.string() }),
});
export type DnsStatus = z.infer<typeof DnsStatus>;

export const DnsApplyResult = z.object({
  plan: DnsWiringPlan,
  applied: z.boolean(),
  output: z.string(),
  status: DnsStatus,
});
export type DnsApplyResult = z.infer<typeof DnsApplyResult>;

const WiringAction = z.enum(['apply', 'remove']);

export const dnsCalls = {
  dnsNames: defineCall(
    'dns:names',
    z.object({ cluster: ClusterName.optional() }).strict(),
    DnsNames,
    'Every name in kind.internal: LoadBalancer services and nodes, with their current addresses',
  ),
  dnsStatus: defineCall(
    'dns:status',
    z.object({ port: DnsPort.optional() }).strict(),
    DnsStatus,
    'The responder (zone, port, state) and whether the OS sends kind.internal queries to it (a probe through the system resolver)',
  ),
  dnsServe: defineCall(
    'dns:serve',
    z.object({ port: DnsPort.optional() }).strict(),
    DnsStatus,
    'Starts the loopback DNS responder (if not running) and answers its status',
  ),
  dnsWiringPlan: defineCall(
    'dns:wiring-plan',
    z.object({ action: WiringAction, port: DnsPort.optional() }).strict(),
    DnsWiringPlan,
    'What wiring the OS to the responder would write and run, exactly, before anything runs',
  ),
  dnsApplyWiring: defineCall(
    'dns:apply-wiring',
    z
      .object({
        action: WiringAction,
        port: DnsPort.optional(),
        confirm: z.literal(true, { message: 'must be true: the user saw the plan and agreed' }),
      })
      .strict(),
    DnsApplyResult,
    'Runs the wiring plan through one administrator prompt (macOS) or pkexec (Linux); a denied prompt changes nothing',
  ),
} as const;
