import { z } from 'zod';
import { defineCall } from './define';
import { FixKind } from './run';
import { ClusterName } from './topology';

/**
 * BGP mode's two views of the same sessions and routes, never merged (issue 29):
 * - the claim: what each node's Cilium agent reports in its `CiliumBGPNodeConfig` status
 *   (sessions, their state, prefixes advertised);
 * - the measurement: what the router itself shows when asked now (`vtysh … json` through the
 *   engine): its sessions, and for each LoadBalancer IP the next hops it learned and installed.
 */
export const BgpClaimPeer = z.object({
  name: z.string(),
  peerAddress: z.string(),
  peerASN: z.number().optional(),
  /** As the agent words it: established, active, connect, idle… */
  peeringState: z.string().optional(),
  establishedTime: z.string().optional(),
  advertised: z.number().optional(),
  received: z.number().optional(),
});
export type BgpClaimPeer = z.infer<typeof BgpClaimPeer>;

export const BgpNodeClaim = z.object({
  node: z.string(),
  localASN: z.number().optional(),
  peers: z.array(BgpClaimPeer),
});
export type BgpNodeClaim = z.infer<typeof BgpNodeClaim>;

export const BgpRouterSession = z.object({
  /** The neighbour's address (a node's, for the lab's dynamic neighbours). */
  peer: z.string(),
  /** The node container with that address, when one has it. */
  node: z.string().optional(),
  remoteAs: z.number().optional(),
  /** As FRR words it: Established, Active, Connect, Idle… */
  state: z.string(),
  uptimeMs: z.number().optional(),
  prefixesReceived: z.number().optional(),
});
export type BgpRouterSession = z.infer<typeof BgpRouterSession>;

export const BgpNextHop = z.object({
  ip: z.string(),
  node: z.string().optional(),
  /** In the router's FIB (zebra installed it), not only in its RIB. */
  installed: z.boolean(),
  interface: z.string().optional(),
});
export type BgpNextHop = z.infer<typeof BgpNextHop>;

export const BgpRouterRoute = z.object({
  prefix: z.string(),
  /** The LoadBalancer service the prefix is the IP of, when one is. */
  service: z.string().optional(),
  nextHops: z.array(BgpNextHop),
});
export type BgpRouterRoute = z.infer<typeof BgpRouterRoute>;

export const BgpRouterMeasurement = z.object({
  router: z.string(),
  measuredAt: z.string(),
  running: z.boolean(),
  asn: z.number().optional(),
  /** The ASN the router expects from the nodes (its peer group's `remote-as`). */
  expectedNodeASN: z.number().optional(),
  sessions: z.array(BgpRouterSession),
  routes: z.array(BgpRouterRoute),
  /** Why it could not be read, in words (the router missing, stopped, vtysh failing). */
  problem: z.string().optional(),
});
export type BgpRouterMeasurement = z.infer<typeof BgpRouterMeasurement>;

/**
 * A BGP finding with its fix; `repair` names the `kindscope fix` repair that makes it (only for
 * what Kindscope made: its router, the peer it wrote in the cluster config).
 */
export const BgpFinding = z.object({
  code: z.string(),
  message: z.string(),
  fix: z.string(),
  repair: FixKind.optional(),
});
export type BgpFinding = z.infer<typeof BgpFinding>;

export const BgpView = z.object({
  cluster: z.string(),
  /** The nodes' claims (CiliumBGPNodeConfig status), read from the cluster's API. */
  claimed: z.array(BgpNodeClaim),
  /** The router's own tables, measured now. */
  measured: BgpRouterMeasurement,
  /** What is wrong, from the claim and the measurement side by side, each with its fix. */
  findings: z.array(BgpFinding).default([]),
  /**
   * Whether the cluster is a BGP lab: a router Kindscope made beside it (Docker's label), or BGP
   * control plane objects in it. Doctor, status and fix add BGP findings only then.
   */
  active: z.boolean().optional(),
});
export type BgpView = z.infer<typeof BgpView>;

export const bgpCalls = {
  clusterBgp: defineCall(
    'cluster:bgp',
    z.object({ cluster: ClusterName }).strict(),
    BgpView,
    "BGP mode: each node's claimed sessions (CiliumBGPNodeConfig status) and the router's measured sessions and next hops, separately",
  ),
} as const;
