import { z } from 'zod';
import { AnsweredBy, Finding, LeaseHolder, Proof } from './cluster-status';
import { defineCall } from './define';
import { ClusterName } from './topology';

const KubeName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'must be a Kubernetes name: lowercase letters, digits, "-" and "."');
const AbsolutePath = z
  .string()
  .startsWith('/', 'must be an absolute path')
  .refine((p) => !p.includes('\0'), 'must not contain NUL');

/** One decoded ARP packet: the fields the seed article reads off tcpdump, plus time. */
export const ArpPacket = z.object({
  /** 1-based frame number in the file (tshark's frame.number). */
  frame: z.number(),
  /** Capture time, ISO 8601 with microseconds. */
  time: z.string(),
  /** ms since the first frame of the capture. */
  offsetMs: z.number(),
  op: z.enum(['request', 'reply', 'other']),
  /** RFC 826 opcode (1 request, 2 reply), as tshark's arp.opcode. */
  opcode: z.number(),
  /** Sender announces its own address (sender IP = target IP): a gratuitous request or reply. */
  gratuitous: z.boolean(),
  senderMac: z.string(),
  senderIp: z.string(),
  targetMac: z.string(),
  targetIp: z.string(),
  /** Linux cooked captures (`-i any`) say which way the packet went and on which interface. */
  direction: z.enum(['to-us', 'broadcast', 'multicast', 'other-host', 'outgoing']).optional(),
  ifindex: z.number().optional(),
});
export type ArpPacket = z.infer<typeof ArpPacket>;

export const DecodedCapture = z.object({
  format: z.enum(['pcap', 'pcapng']),
  linkTypes: z.array(z.object({ type: z.number(), name: z.string() })),
  /** Frames in the file; `skipped` of them were not Ethernet/IPv4 ARP. */
  frames: z.number(),
  skipped: z.number(),
  packets: z.array(ArpPacket),
});
export type DecodedCapture = z.infer<typeof DecodedCapture>;

export const HttpProbe = z.object({
  ok: z.boolean(),
  status: z.number().optional(),
  body: z.string().optional(),
  error: z.string().optional(),
  ms: z.number(),
});
export type HttpProbe = z.infer<typeof HttpProbe>;

const ServiceTarget = { cluster: ClusterName, namespace: KubeName, service: KubeName };

export const CaptureInput = z
  .object({
    ...ServiceTarget,
    /** How long tcpdump listens, s. */
    seconds: z.number().int().min(1, 'must be at least 1 second').max(60, 'must be at most 60 seconds').optional(),
    /** Where to keep the pcap; a file in Kindscope's data folder by default. */
    pcapPath: AbsolutePath.optional(),
    /** The user agreed to pull the capture image (name and size were shown). */
    allowPull: z.boolean().optional(),
  })
  .strict();

export const CaptureVerdict = z.enum(['holder-answered', 'other-answered', 'no-reply', 'no-request', 'no-ip']);

export const CaptureResult = z.object({
  service: z.string(),
  ip: z.string().optional(),
  port: z.number().optional(),
  /** The node whose network namespace tcpdump shared, and its MAC from `docker inspect`. */
  capturedOn: z.object({ node: z.string(), mac: z.string().optional(), interface: z.string() }).optional(),
  /** The claim, from `cluster:status` (the Lease). */
  leaseHolder: LeaseHolder.optional(),
  /** The measurement, from decoded packets only. */
  answeredBy: AnsweredBy.optional(),
  image: z.string(),
  /** The capture, always kept: open it in Wireshark. */
  pcapPath: z.string().optional(),
  seconds: z.number(),
  /** Who sent the fresh ARP request (a throwaway container on the node's Docker network). */
  asker: z.object({ ip: z.string().optional(), mac: z.string().optional(), network: z.string() }).optional(),
  http: HttpProbe.optional(),
  packets: z.array(ArpPacket),
  verdict: CaptureVerdict,
  explanation: z.string(),
  findings: z.array(Finding),
});
export type CaptureResult = z.infer<typeof CaptureResult>;

export const PingInput = z
  .object({
    cluster: ClusterName,
    node: KubeName.optional(),
    namespace: KubeName.optional(),
    service: KubeName.optional(),
  })
  .strict()
  .refine((v) => (v.node === undefined) !== (v.service === undefined), {
    message: 'give exactly one of node or service',
    path: ['node'],
  });

export const PingResult = z.object({
  target: z.object({
    kind: z.enum(['node', 'service']),
    name: z.string(),
    ip: z.string().optional(),
    port: z.number().optional(),
  }),
  icmp: z
    .object({ sent: z.number(), received: z.number(), rttMs: z.array(z.number()), error: z.string().optional() })
    .optional(),
  tcp: z.object({ ok: z.boolean(), ms: z.number(), error: z.string().optional() }).optional(),
  neighbour: z.object({ state: z.string(), mac: z.string().optional(), dev: z.string().optional() }).optional(),
  answeredBy: AnsweredBy.optional(),
  /** A service's proof: path, who answered ARP, what answered. */
  proof: Proof.optional(),
  verdict: z.enum(['reachable', 'unreachable', 'no-ip']),
  explanation: z.string(),
  fix: z.string().optional(),
});
export type PingResult = z.infer<typeof PingResult>;

export const FailoverInput = z
  .object({
    ...ServiceTarget,
    /** Stopping a node is destructive: the caller must have asked the user. */
    confirm: z.literal(true, {
      message: "must be true: the drill stops the lease holder's node container (it is started again afterwards)",
    }),
    /** Probe interval, ms (100 or faster). */
    intervalMs: z.number().int().min(20).max(100, 'must be 100 ms or faster').optional(),
    /** How long to wait for a new holder, s. */
    timeoutSeconds: z.number().int().min(5).max(120).optional(),
    pcapPath: AbsolutePath.optional(),
    /** The user agreed to pull the capture image the drill listens with (name, size and why were shown). */
    allowPull: z.boolean().optional(),
    /**
     * How the node goes away: `stop` (docker stop: its processes end, the speaker's session
     * closes) or `pause` (docker pause: frozen, its sessions stay open and go silent). The node
     * is started or unpaused afterwards, always. `pause` is offered in BGP mode.
     */
    stop: z.enum(['stop', 'pause']).optional(),
  })
  .strict();

export const TimelineEvent = z.object({
  /** ms since the node was stopped (negative: before). */
  atMs: z.number(),
  kind: z.enum([
    'stopped',
    'last-renew',
    'renew-deadline',
    'lease-expiry',
    'new-holder',
    'gratuitous-arp',
    'neighbour-flip',
    'http-last-ok',
    'http-back',
    'node-not-ready',
    'started',
    // BGP mode: what the drill did, what the router measured, and what the timers predict.
    'paused',
    'unpaused',
    'session-down',
    'next-hop-stale',
    'next-hop-withdrawn',
    'predicted-withdrawal',
  ]),
  text: z.string(),
});
export type TimelineEvent = z.infer<typeof TimelineEvent>;

/**
 * The failover drill in BGP mode (issue 29): the configuration (the live CiliumBGPPeerConfig),
 * the prediction made from it, and what the router measured, each its own field. The node's
 * claim (its CiliumBGPNodeConfig status, written by its agent) is kept apart: a stopped or
 * frozen agent writes nothing, so its claim is read, not trusted.
 */
export const BgpFailover = z.object({
  router: z.string(),
  /** The node the drill stopped and its address: one of the router's next hops for the IP. */
  stoppedNode: z.object({ node: z.string(), ip: z.string() }),
  /** Why this node: the next hop the router chose for this machine's flow, or the first one. */
  chosenBecause: z.string(),
  /** Configuration: the CiliumBGPPeerConfig the node's session uses, read live before the stop. */
  configured: z.object({
    peerConfig: z.string(),
    holdTimeSeconds: z.number(),
    keepAliveTimeSeconds: z.number(),
    gracefulRestart: z.object({ enabled: z.boolean(), restartTimeSeconds: z.number() }),
  }),
  /** Measurement: that session as the router showed it before the stop (`show bgp neighbors json`). */
  negotiated: z
    .object({
      holdTimeMs: z.number().optional(),
      keepaliveMs: z.number().optional(),
      /** The router's graceful-restart role for this peer (FRR: Helper, Restart, Disable). */
      routerGrMode: z.string().optional(),
      /** The node's, as the router received it in the node's OPEN. */
      nodeGrMode: z.string().optional(),
      /** RFC 8538's N bit: graceful restart also after a NOTIFICATION (hold timer expiry). */
      notificationGr: z.boolean().optional(),
    })
    .optional(),
  /** What the timers predict for the withdrawal, ms since the stop, and the rule behind it. */
  prediction: z.object({ fromMs: z.number(), toMs: z.number(), rule: z.string() }),
  /** Measurement: the router read every this many ms (its FIB with `ip route`, its BGP table and sessions with vtysh). */
  routerSamplingMs: z.number(),
  routerReadings: z.number(),
  /** The last reading (ms since the stop) whose FIB still had the node as a next hop for the IP. */
  lastSeenMs: z.number().optional(),
  /** The first reading whose FIB no longer had it: the withdrawal, to one routerSamplingMs. */
  withdrawnMs: z.number().optional(),
  /** The first reading where the router's BGP table marked the node's path stale (graceful restart). */
  staleMs: z.number().optional(),
  /** The first reading where the router's session to the node was not Established. */
  sessionDownMs: z.number().optional(),
  /** The measured withdrawal against the prediction (within = inside it, to one sampling interval). */
  verdict: z.enum(['as-predicted', 'earlier', 'later', 'not-withdrawn']),
  /** The router's installed next hops for the IP before the stop and at the end of the drill (measurements). */
  nextHopsBefore: z.array(z.string()),
  nextHopsAfter: z.array(z.string()),
  /** The node's claim: its CiliumBGPNodeConfig peering state before the stop and after (its agent's word). */
  claim: z.object({ before: z.string().optional(), after: z.string().optional() }),
});
export type BgpFailover = z.infer<typeof BgpFailover>;

export const FailoverResult = z.object({
  service: z.string(),
  /** How the LoadBalancer IP is announced: L2 (a lease holder answers ARP) or BGP (a router's next hops). Absent: l2. */
  announce: z.enum(['l2', 'bgp']).optional(),
  /** How the node went away (docker stop or docker pause). Absent: stop. */
  stop: z.enum(['stop', 'pause']).optional(),
  ip: z.string(),
  port: z.number(),
  /** L2: the lease holder the drill stopped. BGP: the node the drill stopped (one of the router's next hops). */
  oldHolder: z.object({ node: z.string(), mac: z.string().optional() }),
  /** L2: the node that took the lease. BGP: the node the router sends this machine's flow to afterwards. */
  newHolder: z.object({ node: z.string(), mac: z.string().optional() }).optional(),
  /** The new holder's announcement as captured in its namespace (opcode says which form). */
  gratuitous: ArpPacket.optional(),
  /** ms between probes: the resolution of `downtimeMs`. */
  samplingIntervalMs: z.number(),
  /** From the last good HTTP probe before the stop to the first good one after it (ms; the outage lies within, to one samplingIntervalMs). */
  downtimeMs: z.number().optional(),
  /**
   * The downtime's two ends on the timeline (ms since the stop): the last good probe before
   * the outage (`http-last-ok`, often before the stop) and the first good one after
   * (`http-back`); `downtimeMs` is exactly `toMs - fromMs` (issue 28: one definition, shown).
   */
  downtime: z.object({ fromMs: z.number(), toMs: z.number() }).optional(),
  /** Cilium's values (helm get values), with the downtime they predict. L2 mode only (BGP mode: `bgp.prediction`). */
  leaseTimings: z
    .object({
      leaseDuration: z.string(),
      renewDeadline: z.string(),
      retryPeriod: z.string(),
      source: z.string(),
      predictedMaxDowntimeMs: z.number(),
    })
    .optional(),
  timeline: z.array(TimelineEvent),
  /** Share of successful probes per interval. */
  intervals: z.array(z.object({ startMs: z.number(), ok: z.number(), total: z.number() })),
  neighbour: z.object({ before: z.string().optional(), after: z.string().optional() }),
  httpAfter: HttpProbe.optional(),
  restarted: z.boolean(),
  pcapPath: z.string().optional(),
  /** BGP mode: the configured timers, the prediction and the router's measurements. */
  bgp: BgpFailover.optional(),
  explanation: z.string(),
  findings: z.array(Finding),
});
export type FailoverResult = z.infer<typeof FailoverResult>;
/** The lease timings of an L2 drill. */
export type LeaseTimings = NonNullable<FailoverResult['leaseTimings']>;

/** After an interrupted drill: start the stopped node again and remove this Kindscope's capture helpers. */
export const FailoverRecoverInput = z
  .object({
    cluster: ClusterName,
    /** The node container the drill stopped; started only if it is a node of `cluster`. */
    node: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/, 'must be a container name'),
  })
  .strict();

export const FailoverRecoverResult = z.object({
  /** Whether the node container runs afterwards. */
  started: z.boolean(),
  /** Capture helpers of this Kindscope process removed. */
  removedHelpers: z.number(),
});
export type FailoverRecoverResult = z.infer<typeof FailoverRecoverResult>;

/**
 * A Docker image reference as `docker pull` takes it: `[registry[:port]/]path[:tag][@digest]`
 * (lowercase path, as Docker requires). Checked before it is kept, so Settings never stores a name
 * no engine could resolve.
 */
export const ImageReference = z
  .string()
  .trim()
  .max(255, 'must be at most 255 characters')
  .regex(
    /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/,
    'must be an image reference such as docker.io/nicolaka/netshoot:v0.13 (lowercase path, optional :tag or @sha256:digest)',
  );

/** Which capture image captures and the drill use, and where that choice comes from. */
export const CaptureImageInfo = z.object({
  /** The image used now. */
  image: z.string(),
  /** `environment`: KINDSCOPE_CAPTURE_IMAGE is set and wins; `settings`: chosen in Settings; `default`: netshoot. */
  source: z.enum(['environment', 'settings', 'default']),
  defaultImage: z.string(),
  /** The image chosen in Settings, if any (kept even while the environment overrides it). */
  settingsImage: z.string().optional(),
  /** Whether the image is on the engine now; absent when the engine could not be asked. */
  present: z.boolean().optional(),
});
export type CaptureImageInfo = z.infer<typeof CaptureImageInfo>;

export const captureCalls = {
  captureImage: defineCall(
    'capture:image',
    z.object({}).strict(),
    CaptureImageInfo,
    'The image captures and the failover drill run from (tcpdump and arping), where it is chosen, and whether it is here',
  ),
  captureSetImage: defineCall(
    'capture:set-image',
    z.object({ image: ImageReference.nullable() }).strict(),
    CaptureImageInfo,
    'Choose the capture image in Settings (kept in settings.json); null goes back to the default',
  ),
  captureArp: defineCall(
    'capture:arp',
    CaptureInput,
    CaptureResult,
    'Capture ARP on the lease holder while a fresh request is made, decode it, and say who answered',
  ),
  captureDecode: defineCall(
    'capture:decode',
    z.object({ path: AbsolutePath }).strict(),
    DecodedCapture,
    'Decode the ARP packets of a pcap or pcapng file',
  ),
  capturePing: defineCall(
    'capture:ping',
    PingInput,
    PingResult,
    'Ping a node from this machine, or prove a service reachable with ARP and a TCP connect',
  ),
  captureFailover: defineCall(
    'capture:failover',
    FailoverInput,
    FailoverResult,
    'Stop the lease holder, measure the takeover and the downtime, start the node again',
  ),
  captureFailoverRecover: defineCall(
    'capture:failover-recover',
    FailoverRecoverInput,
    FailoverRecoverResult,
    "After an interrupted failover drill: start the stopped node again and remove this Kindscope's capture helpers",
  ),
} as const;
