import { z } from 'zod';

/** kind's own rule for cluster names (pkg/internal/apis/config/validate.go). */
export const ClusterName = z
  .string()
  .regex(
    /^[a-z0-9.-]+$/,
    'must be a kind cluster name: lowercase letters, digits, "-" and "." (see `kind get clusters`)',
  )
  .max(63);

export const TopologyRoute = z.object({
  type: z.string(),
  dst: z.string(),
  via: z.string().optional(),
  dev: z.string().optional(),
  src: z.string().optional(),
  protocol: z.string().optional(),
  scope: z.string().optional(),
  mtu: z.number().optional(),
  metric: z.number().optional(),
  flags: z.array(z.string()),
  raw: z.string(),
  explanation: z.string(),
});
export type TopologyRoute = z.infer<typeof TopologyRoute>;

export const TopologyInterface = z.object({
  ifindex: z.number(),
  ifname: z.string(),
  mac: z.string().optional(),
  mtu: z.number().optional(),
  state: z.string().optional(),
  master: z.string().optional(),
  peerIfindex: z.number().optional(),
  peerName: z.string().optional(),
  addresses: z.array(z.string()),
});
export type TopologyInterface = z.infer<typeof TopologyInterface>;

export const TopologyNode = z.object({
  name: z.string(),
  containerId: z.string(),
  role: z.string(),
  /** Docker's state: running, exited, paused, restarting, created, dead. */
  state: z.string(),
  running: z.boolean(),
  hostname: z.string(),
  image: z.string(),
  network: z.string().optional(),
  ipv4: z.string().optional(),
  ipv6: z.string().optional(),
  mac: z.string().optional(),
  eth0: z
    .object({
      ifindex: z.number(),
      peerIfindex: z.number().optional(),
      mtu: z.number().optional(),
      mac: z.string().optional(),
    })
    .optional(),
  /** The host side of the node's eth0 veth pair, on the engine's host. */
  veth: z
    .object({
      ifname: z.string(),
      ifindex: z.number(),
      master: z.string().optional(),
      state: z.string().optional(),
      mtu: z.number().optional(),
      onBridge: z.boolean(),
    })
    .optional(),
  interfaces: z.array(TopologyInterface),
  routes: z.array(TopologyRoute),
  /** Lines of the node's `ip` output that were not understood. */
  unparsed: z.array(z.string()),
  problem: z.string().optional(),
});
export type TopologyNode = z.infer<typeof TopologyNode>;

export const TopologyNetwork = z.object({
  name: z.string(),
  id: z.string(),
  driver: z.string(),
  subnets: z.array(
    z.object({ subnet: z.string(), gateway: z.string().optional(), family: z.union([z.literal(4), z.literal(6)]) }),
  ),
  mtu: z.number().optional(),
  bridge: z.object({
    name: z.string(),
    present: z.boolean(),
    state: z.string().optional(),
    mtu: z.number().optional(),
    mac: z.string().optional(),
    addresses: z.array(z.string()),
  }),
});
export type TopologyNetwork = z.infer<typeof TopologyNetwork>;

export const HostRoute = z.object({
  dst: z.string(),
  via: z.string().optional(),
  dev: z.string().optional(),
  network: z.string().optional(),
  raw: z.string(),
  explanation: z.string(),
});
export type HostRoute = z.infer<typeof HostRoute>;

/**
 * BGP mode's router beside the lab (`<cluster>-router`, labelled `io.kindscope.router`), as
 * Docker shows it: on the kind network (where the nodes peer with it) and on the pool's own
 * network (`<cluster>-lb`), whose bridge is this machine's path to the pool — a connected
 * route, no host route of Kindscope's. Its sessions and routes are a measurement read apart
 * (`cluster:bgp`): this is only the container and its wires.
 */
export const TopologyRouter = z.object({
  name: z.string(),
  containerId: z.string(),
  state: z.string(),
  running: z.boolean(),
  image: z.string(),
  /** Its address on each Docker network it is attached to. */
  attachments: z.array(z.object({ network: z.string(), ipv4: z.string().optional(), mac: z.string().optional() })),
  /** The pool's Docker network, when it exists. */
  poolNetwork: TopologyNetwork.optional(),
  /** This machine's routes to the pool's network (on Linux the bridge's own connected route). */
  poolRoutes: z.array(HostRoute),
});
export type TopologyRouter = z.infer<typeof TopologyRouter>;

export const ClusterTopology = z.object({
  name: z.string(),
  apiServer: z.object({ address: z.string(), port: z.number() }).optional(),
  /** Where veths and the bridge were read: this machine, or the engine's VM through a helper container. */
  observedFrom: z.enum(['host', 'engine-vm']),
  networks: z.array(TopologyNetwork),
  nodes: z.array(TopologyNode),
  /** BGP mode only: the router and the pool's network. */
  router: TopologyRouter.optional(),
  host: z.object({
    platform: z.string(),
    routes: z.array(HostRoute),
    /** Can this machine reach the node IPs (and LoadBalancer IPs from the same network)? */
    reachability: z.object({ status: z.enum(['yes', 'no', 'unknown']), reason: z.string() }),
  }),
  problems: z.array(z.string()),
  generatedAt: z.string(),
  tookMs: z.number(),
});
export type ClusterTopology = z.infer<typeof ClusterTopology>;

export const KindClusterSummary = z.object({
  name: z.string(),
  nodes: z.number(),
  running: z.number(),
  networks: z.array(z.string()),
  apiServer: z.object({ address: z.string(), port: z.number() }).optional(),
  /** The control plane's node image (`kindest/node:v1.33.1@sha256:…`): its tag is the Kubernetes version. */
  image: z.string().optional(),
});
export type KindClusterSummary = z.infer<typeof KindClusterSummary>;
