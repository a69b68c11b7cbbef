import { z } from 'zod';
import { defaultCompatRow } from './compat-table';
import { defineCall } from './define';
import { LabFinding } from './lab-finding';

export * from './lab-finding';

/**
 * Two workers unless the plan says otherwise, in a lab.yaml as in the wizard and `--name`: the
 * L2 policy leaves the control plane out, so with one worker a stopped worker leaves no node to
 * take a lease (the article's one-worker lab cannot show a failover).
 */
export const defaultWorkers = 2;

/**
 * The lab plan: one validated object from which the kind config, the Cilium values, the
 * manifests, the ordered steps and the standalone script are all generated. Saved and
 * loaded as `lab.yaml`. Every field has a default, so `{ cluster: { name } }` is a plan.
 */

/** A Go duration as helm and Cilium take it: `500ms`, `3s`, `1m30s`. */
export const GoDuration = z
  .string()
  .regex(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/, 'must be a duration such as 500ms, 3s or 1m');

const Cidr4 = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'must be an IPv4 CIDR such as 10.244.0.0/16');

/**
 * The default plan's kind release: the compatibility table's default row, so Kindscope's managed
 * kind download follows it and the kind it installs is the one the default node image was built for.
 */
export const defaultKindVersion = defaultCompatRow.kind;

/**
 * kind's own networking defaults (kubernetes-sigs/kind pkg/apis/config/v1alpha4/default.go,
 * SetDefaultsCluster): the service subnet is a /16, not kubeadm's /12 ("kubeadm is using a /12
 * subnet, that may allocate a 2^20 bitmap in etcd"); dual stack adds the IPv6 halves, and kind
 * fills them only when the fields are empty.
 */
export const kindNetworkingDefaults = {
  podSubnet: '10.244.0.0/16',
  serviceSubnet: '10.96.0.0/16',
  podSubnetIPv6: 'fd00:10:244::/56',
  serviceSubnetIPv6: 'fd00:10:96::/112',
} as const;

const Cidr6 = z
  .string()
  .regex(/^[0-9a-fA-F:]*:[0-9a-fA-F:]*\/\d{1,3}$/, 'must be an IPv6 CIDR such as fd00:10:250::/112');

export const LabCluster = z
  .object({
    /** DNS-1123 label; node containers are `<name>-control-plane`, `<name>-worker2`… */
    name: z.string().min(1, 'must not be empty'),
    /** A row of the compatibility table (`kind` release); the node image comes from it. */
    kindVersion: z.string().default(defaultKindVersion),
    /** `kindest/node:vX.Y.Z@sha256:…`: always pinned by digest, from the kind release note. */
    nodeImage: z.string().default(defaultCompatRow.image),
    controlPlanes: z.number().int().min(1).max(9).default(1),
    workers: z.number().int().min(0).max(9).default(defaultWorkers),
    podSubnet: Cidr4.default(kindNetworkingDefaults.podSubnet),
    serviceSubnet: Cidr4.default(kindNetworkingDefaults.serviceSubnet),
    ipFamily: z.enum(['ipv4', 'dual']).default('ipv4'),
    /** Cilium is the CNI: kindnet must not be installed. */
    disableDefaultCNI: z.literal(true).default(true),
    /** Cilium replaces kube-proxy (`kubeProxyReplacement: true`). */
    kubeProxyMode: z.literal('none').default('none'),
  })
  .strict();

export const LabL2Announcements = z
  .object({
    enabled: z.boolean().default(true),
    /** How long a lease lives without renewal: roughly the failover time when a holder dies. */
    leaseDuration: GoDuration.default('3s'),
    /** How long the holder keeps trying to renew before it gives the lease up. */
    leaseRenewDeadline: GoDuration.default('1s'),
    /** Wait between renewal attempts. */
    leaseRetryPeriod: GoDuration.default('500ms'),
  })
  .strict();

export const LabCilium = z
  .object({
    /** Chart version; must be one the compatibility table lists for the node image. */
    version: z.string().default('1.20.2'),
    /**
     * The node image's Kubernetes is not one this Cilium's docs list as e2e tested, and that is
     * acknowledged (`--allow-untested`): Cilium says such versions "depend on the forward /
     * backward compatibility offered by Kubernetes" — untested, not unsupported.
     */
    allowUntested: z.boolean().default(false),
    /** Why the untested pairing is wanted (the wizard asks for it). */
    untestedReason: z.string().optional(),
    kubeProxyReplacement: z.literal(true).default(true),
    /** Empty: `<name>-control-plane` (one control plane) or `<name>-external-load-balancer`. */
    k8sServiceHost: z.string().optional(),
    k8sServicePort: z.number().int().min(1).max(65535).default(6443),
    /** `kubernetes`: pods get addresses from each node's podCIDR (the kind pod subnet). */
    ipamMode: z.enum(['kubernetes', 'cluster-pool']).default('kubernetes'),
    l2announcements: LabL2Announcements.default(LabL2Announcements.parse({})),
    /** Interfaces the kind nodes have: eth0 (the kind network). */
    devices: z.array(z.string().min(1)).min(1).default(['eth0']),
    externalIPs: z.boolean().default(true),
    operatorReplicas: z.number().int().min(1).default(1),
    /** Cilium's L2 guide: lease renewals need more than the client's default 5 QPS. */
    k8sClientRateLimit: z
      .object({ qps: z.number().int().min(1), burst: z.number().int().min(1) })
      .strict()
      .default({ qps: 50, burst: 100 }),
    routingMode: z.enum(['tunnel', 'native']).default('tunnel'),
    ipv4NativeRoutingCIDR: Cidr4.optional(),
    autoDirectNodeRoutes: z.boolean().optional(),
    /** Further chart values, passed through as given (checked against the chart's keys). */
    extraValues: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export const LabPool = z
  .object({
    name: z.string().default('lab-pool'),
    /** `auto`: a free block carved from the kind network; or an explicit IPv4 CIDR. */
    cidr: z.union([z.literal('auto'), Cidr4]).default('auto'),
    /**
     * Dual stack only, when asked: an IPv6 block added to the pool (`spec.blocks`), for services
     * that ask for IPv6 (ipFamilyPolicy PreferDualStack/RequireDualStack). Not carved: the kind
     * network's IPv6 subnet is Docker's choice, so the block is given by hand.
     */
    ipv6Cidr: Cidr6.optional(),
    /** The chart's field takes the strings "Yes"/"No"; its default changed in 1.16, so it is always written. */
    allowFirstLastIPs: z.enum(['Yes', 'No']).default('No'),
  })
  .strict();

export const LabL2Policy = z
  .object({
    name: z.string().default('lab-l2'),
    /** Regexes of interfaces to announce on; each must match one of `cilium.devices`. */
    interfaces: z.array(z.string().min(1)).min(1).default(['^eth[0-9]+']),
    excludeControlPlane: z.boolean().default(true),
    loadBalancerIPs: z.literal(true).default(true),
    externalIPs: z.boolean().default(false),
  })
  .strict();

export const LabSample = z
  .object({
    enabled: z.boolean().default(true),
    name: z.string().default('web'),
    namespace: z.string().default('default'),
    image: z.string().default('nginx'),
    replicas: z.number().int().min(1).default(2),
    port: z.number().int().min(1).max(65535).default(80),
  })
  .strict();

/**
 * BGP mode (`announce: bgp`): Cilium's BGP control plane v2 peers with a router container
 * beside the lab instead of answering ARP. ASNs are private (RFC 6996: 64512–65534 and
 * 4200000000–4294967294) and the two differ (eBGP: the router installs one next hop per
 * advertising node).
 */
export const LabBgp = z
  .object({
    /** The nodes' ASN (`CiliumBGPClusterConfig.spec.bgpInstances[].localASN`). */
    localASN: z.number().int().min(1).max(4294967295).default(65001),
    /** The router's ASN (`peers[].peerASN`; the router's `remote-as` is `localASN`). */
    routerASN: z.number().int().min(1).max(4294967295).default(65000),
    /** Which nodes run a BGP speaker: the workers (as the L2 policy leaves control planes out), or all. */
    nodes: z.enum(['workers', 'all']).default('workers'),
    /**
     * Lab timers: a dead peer is noticed after holdTimeSeconds instead of Cilium's 90 s default
     * (CiliumBGPPeerConfig `spec.timers`; the CRD's minimum hold time is 3 s).
     */
    holdTimeSeconds: z.number().int().min(3).max(65535).default(9),
    keepAliveTimeSeconds: z.number().int().min(1).max(65535).default(3),
    connectRetryTimeSeconds: z.number().int().min(1).default(5),
    /**
     * Off by default: with it on, the router keeps a stopped node's routes for the restart
     * time (120 s by default) and the failover drill shows requests going to a dead node.
     */
    gracefulRestart: z
      .object({
        enabled: z.boolean().default(false),
        restartTimeSeconds: z.number().int().min(1).max(4095).default(120),
      })
      .strict()
      .default({ enabled: false, restartTimeSeconds: 120 }),
    /**
     * The router's image. FRR as Cilium's own BGP tests run it: `ConnectivityTestFRRImage` in
     * cilium/cilium `cilium-cli/defaults/defaults.go` (renovate-pinned; tag and digest as found there).
     */
    routerImage: z
      .string()
      .default('quay.io/frrouting/frr:10.2.1@sha256:c8543d3e0a1348cc0f2b19154fd8b0300e237773dbec65d9d6d6570c1d088deb'),
    clusterConfigName: z.string().default('lab-bgp'),
    peerConfigName: z.string().default('lab-router'),
    advertisementName: z.string().default('lab-lb-ips'),
  })
  .strict();
export type LabBgp = z.infer<typeof LabBgp>;

export const LabPlan = z
  .object({
    apiVersion: z.literal('kindscope.dev/v1alpha1').default('kindscope.dev/v1alpha1'),
    kind: z.literal('LabPlan').default('LabPlan'),
    /**
     * How LoadBalancer IPs are made reachable: `l2` (the article's: a node answers ARP on the
     * kind network) or `bgp` (Cilium's BGP control plane announces them to a router beside the lab).
     */
    announce: z.enum(['l2', 'bgp']).default('l2'),
    cluster: LabCluster,
    cilium: LabCilium.default(LabCilium.parse({})),
    pool: LabPool.default(LabPool.parse({})),
    l2Policy: LabL2Policy.default(LabL2Policy.parse({})),
    sample: LabSample.default(LabSample.parse({})),
    /** BGP mode's settings; absent means the defaults (and an L2 plan's lab.yaml stays as it was). */
    bgp: LabBgp.optional(),
  })
  .strict();
export type LabPlan = z.infer<typeof LabPlan>;
export type LabPlanInput = z.input<typeof LabPlan>;

/** One argument of a step: a literal, a generated file, or the output of an earlier step. */
export const StepArg = z.union([
  z.string(),
  z.object({ file: z.string() }).strict(),
  /** stdout of an earlier step (trimmed), between `prefix` and `suffix`: `http://` + IP + `/`. */
  z.object({ output: z.string(), prefix: z.string().optional(), suffix: z.string().optional() }).strict(),
]);
export type StepArg = z.infer<typeof StepArg>;

/** One command the pipeline runs and the script prints, in order. */
export const LabStep = z.object({
  id: z.string(),
  title: z.string(),
  command: z.array(StepArg),
  /** A generated manifest fed on stdin (`kubectl apply -f -`). */
  stdin: z.string().optional(),
  /** Repeat until stdout is non-empty (e.g. the external IP), at most this long. */
  poll: z.object({ timeoutSeconds: z.number(), intervalSeconds: z.number() }).optional(),
  /** What exists after this step, in words. */
  creates: z.string(),
});
export type LabStep = z.infer<typeof LabStep>;

export const LabRendering = z.object({
  plan: LabPlan,
  /**
   * The pool block after `auto` was resolved against the kind network; absent while that
   * network does not exist (the run carves it in its `carve-pool` step and keeps it in the
   * run's `facts.poolCidr`; the pool manifest then holds a placeholder).
   */
  poolCidr: z.string().optional(),
  kindConfig: z.string(),
  helmValues: z.record(z.string(), z.unknown()),
  /** File name → contents: kind config, values, and each manifest. */
  files: z.record(z.string(), z.string()),
  manifests: z.object({
    pool: z.string(),
    l2Policy: z.string(),
    sample: z.string().optional(),
    /** BGP mode: the CiliumBGPClusterConfig, PeerConfig and Advertisement (the router's address filled at run time). */
    bgp: z.string().optional(),
  }),
  steps: z.array(LabStep),
  /**
   * The steps a create run of this plan has, in order (preflight, the plan's commands, the
   * live waits, the proof): what Review lists, from the same function that builds the run.
   */
  runSteps: z.array(z.object({ name: z.string(), title: z.string(), command: z.string() })).optional(),
  labYaml: z.string(),
  findings: z.array(LabFinding),
  /** The kind image × Cilium pairing and where each fact comes from (kind's files, Cilium's compatibility docs). */
  pairing: z
    .object({
      kind: z.string(),
      image: z.string(),
      kubernetes: z.string(),
      cilium: z.string(),
      tested: z.boolean(),
      acknowledged: z.boolean(),
      sources: z.array(z.string()),
    })
    .optional(),
});
export type LabRendering = z.infer<typeof LabRendering>;

const PlanSource = z
  .object({
    plan: z.unknown().optional(),
    /** A `lab.yaml` as text (the CLI's `-f`). */
    yaml: z.string().optional(),
    /** Overrides the plan's cluster name. */
    name: z.string().optional(),
  })
  .strict();

export const LabUsedRangeKind = z.enum(['node', 'gateway', 'container', 'pool']);
export type LabUsedRangeKind = z.infer<typeof LabUsedRangeKind>;

/** The kind network the pool is carved from, with what already uses its addresses (the wizard's address bar). */
export const LabNetworkView = z.object({
  name: z.string(),
  subnet: z.string(),
  gateway: z.string().optional(),
  used: z.array(z.object({ cidr: z.string(), what: z.string(), kind: LabUsedRangeKind })),
});
export type LabNetworkView = z.infer<typeof LabNetworkView>;

export const ImportSource = z.object({ name: z.string(), text: z.string().max(1_000_000) }).strict();

export const labCalls = {
  labDefaultPlan: defineCall(
    'lab:default-plan',
    z.object({ name: z.string() }).strict(),
    z.object({ plan: LabPlan }),
    'The default plan for a cluster name: 1 control plane + 1 worker, Cilium with kube-proxy replacement and L2 announcements, an auto pool',
  ),
  labValidatePlan: defineCall(
    'lab:validate-plan',
    PlanSource,
    z.object({
      valid: z.boolean(),
      plan: LabPlan.optional(),
      poolCidr: z.string().optional(),
      findings: z.array(LabFinding),
      network: LabNetworkView.optional(),
    }),
    'Checks a plan against its schema, the compatibility table and this engine (name taken, pool inside the kind network and free)',
  ),
  labImport: defineCall(
    'lab:import',
    z.object({ sources: z.array(ImportSource).min(1), name: z.string().optional() }).strict(),
    z.object({ plan: LabPlan, findings: z.array(LabFinding) }),
    'Reads pasted kind configs, values files and helm/kind command lines into a plan, every mistake explained and fixed where unambiguous',
  ),
  labRender: defineCall(
    'lab:render',
    PlanSource.extend({ script: z.boolean().optional() }).strict(),
    LabRendering.extend({ script: z.string().optional() }),
    'Everything the plan creates: kind config, Cilium values, manifests, ordered steps, lab.yaml and (on request) the standalone script',
  ),
} as const;
