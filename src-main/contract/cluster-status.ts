import { z } from 'zod';
import { StreamState } from './docker';

/**
 * Every cause Kindscope can name: one rule in `core/diagnose` per code. Closed, so a view
 * or a script can switch on it; a new cause is a new member here and a new rule.
 */
export const FindingCode = z.enum([
  // Cilium itself
  'cilium-not-installed',
  'cilium-crd-missing',
  'agent-not-ready',
  'agent-restarts',
  'coredns-not-ready',
  'node-container-stopped',
  'node-ip-changed',
  // LB-IPAM: why an IP is <pending>
  'lb-ipam-not-running',
  'no-pool',
  'no-pool-matches',
  'pool-disabled',
  'pool-conflict',
  'pool-exhausted',
  'lb-ipam-pending',
  // L2 announcements: why nobody answers ARP for an IP
  'kube-proxy-replacement-strict',
  'kube-proxy-replacement-off',
  'l2-announcements-disabled',
  'no-l2-policy',
  'policy-no-nodes',
  'policy-interfaces',
  'policy-bad-selector',
  'no-lease',
  'lease-holder-stopped',
  'no-ready-endpoints',
  'etp-local',
  'etp-local-no-node-name',
  'lb-ipam-sharing-key-l2',
  'vip-outside-docker-network',
  // Pools
  'pool-outside-docker-network',
  'pool-overlap-other-cluster',
  // Measurements (core/capture, core/lab): what a probe or a capture saw, against the Lease's claim
  'arp-answer-not-holder',
  'arp-no-reply',
  'arp-no-request',
  'answer-mismatch',
  // The proof (core/host/probe.ts): why "reachable" could not be proven
  'path-not-cluster-network',
  'neighbour-permanent-mismatch',
  'answer-not-sample',
]);
export type FindingCode = z.infer<typeof FindingCode>;

export const Finding = z.object({
  code: FindingCode,
  message: z.string(),
  fix: z.string(),
});
export type Finding = z.infer<typeof Finding>;

export const LeaseHolder = z.object({
  node: z.string(),
  mac: z.string().optional(),
  lease: z.string(),
  renewTime: z.string().optional(),
});
export type LeaseHolder = z.infer<typeof LeaseHolder>;

export const AnsweredBy = z.object({ node: z.string().optional(), mac: z.string(), checkedAt: z.string() });
export type AnsweredBy = z.infer<typeof AnsweredBy>;

/**
 * Why an IP is (or is not) proven to answer from this machine: three conditions, each
 * measured, checked in order (core/host/probe.ts). `proven` only when all hold; otherwise
 * `failing` names the first that does not, and `fix` what to do.
 */
export const Proof = z.object({
  /** This machine's route to the IP goes over the cluster's Docker network, by the path this runtime uses. */
  path: z.object({ ok: z.boolean(), detail: z.string(), fix: z.string().optional() }),
  /**
   * Who answered ARP: `measured` (a node of this cluster, now), `other` (a MAC of no node of it),
   * `nobody`, or `not-measurable` (the neighbour table lives in the engine's VM: the proof rests on the other two).
   */
  arp: z.object({
    state: z.enum(['measured', 'other', 'nobody', 'not-measurable', 'not-checked']),
    detail: z.string(),
  }),
  /**
   * What answered: `marker` (the sample app's marker with this lab's token), `something-else`
   * (the sample's IP answered without it), `reported` (a user's service: its status reported,
   * not judged), `none` (no HTTP answer), `not-checked` (an earlier condition failed: nothing sent).
   */
  answer: z.object({
    state: z.enum(['marker', 'something-else', 'reported', 'none', 'not-checked']),
    detail: z.string(),
    /** The pod named in the sample's marker. */
    pod: z.string().optional(),
  }),
  proven: z.boolean(),
  failing: z.enum(['path', 'arp', 'answer']).optional(),
  fix: z.string().optional(),
});
export type Proof = z.infer<typeof Proof>;

export const ServicePort = z.object({
  name: z.string().optional(),
  port: z.number(),
  nodePort: z.number().optional(),
  protocol: z.string(),
});
export type ServicePort = z.infer<typeof ServicePort>;

export const ServiceStatus = z.object({
  namespace: z.string(),
  name: z.string(),
  type: z.string(),
  clusterIP: z.string().optional(),
  /** `80:31234/TCP`, as kubectl prints them. Kept for scripts; `servicePorts` has the same as objects. */
  ports: z.array(z.string()),
  servicePorts: z.array(ServicePort),
  externalIPs: z.array(z.string()),
  readyEndpoints: z.number(),
  /** The node holding the L2 lease (from the Lease, never guessed), and its MAC. Kept for scripts; `leaseHolder` says the same. */
  holder: z.string().optional(),
  holderMac: z.string().optional(),
  /**
   * The claim: the node the Lease `kube-system/cilium-l2announce-<ns>-<svc>` names as its
   * holder, with that node's MAC from Docker. Worded "lease held by X" — never "answered".
   */
  leaseHolder: LeaseHolder.optional(),
  /**
   * The measurement: whose MAC a probe saw answer ARP for the IP, and when. Only ever set
   * from a real probe (neighbour entry after an HTTP probe, or a capture); worded
   * "answered ARP: X (checked 10:42:07)". `node` is absent when the MAC is no node's.
   */
  answeredBy: AnsweredBy.optional(),
  /** Kindscope's sample app: the per-lab token its pods put in every answer (annotation `kindscope.dev/sample-token`). */
  sampleToken: z.string().optional(),
  /** Why the IP is `<pending>`, or why nobody answers for it. */
  findings: z.array(Finding),
});
export type ServiceStatus = z.infer<typeof ServiceStatus>;

/**
 * The address to reach a node at: its container's on the cluster's network now (Docker's fact),
 * else Kubernetes' InternalIP while that is unknown (they differ after a restart, kubernetes-sigs/kind#2045).
 */
export const nodeAddress = (node: { containerIP?: string | undefined; internalIP?: string | undefined }) =>
  node.containerIP ?? node.internalIP;

/** The port every probe of a LoadBalancer service uses: its first (80 when it lists none). */
export const probePort = (service: Pick<ServiceStatus, 'servicePorts'>): number => service.servicePorts[0]?.port ?? 80;

export const PoolStatus = z.object({
  name: z.string(),
  apiVersion: z.string(),
  ranges: z.array(z.string()),
  disabled: z.boolean(),
  serviceSelector: z.unknown().optional(),
  total: z.number().optional(),
  available: z.number().optional(),
  used: z.number().optional(),
  conflict: z.boolean(),
  /** The Docker network the pool's addresses fall in (ARP from the host reaches only those). */
  dockerNetwork: z.string().optional(),
  findings: z.array(Finding),
});
export type PoolStatus = z.infer<typeof PoolStatus>;

export const ClusterStatus = z.object({
  cluster: z.string(),
  context: z.string(),
  /** The pods' address range: the kubeadm-config ConfigMap's podSubnet, else the supernet of the nodes' pod CIDRs. */
  clusterCIDR: z.object({ cidr: z.string(), source: z.enum(['kubeadm-config', 'node pod CIDRs']) }).optional(),
  connection: z.object({ state: StreamState, reason: z.string().optional() }),
  nodes: z.array(
    z.object({
      name: z.string(),
      roles: z.array(z.string()),
      /** Kubernetes' own view (the Ready condition): turns false only after the node grace period. */
      ready: z.boolean(),
      /** Kubernetes' claim: the Node's InternalIP, fixed when kind made the node (kubelet's --node-ip). */
      internalIP: z.string().optional(),
      /**
       * The fact: the address Docker gives the node's container on the cluster's network now. After a
       * restart it may differ from `internalIP` (kubernetes-sigs/kind#2045); names and pings use this one.
       */
      containerIP: z.string().optional(),
      podCIDRs: z.array(z.string()),
      mac: z.string().optional(),
      /** Docker's view of the node's container, from the topology: known at once when it stops. */
      container: z.object({ state: z.string(), running: z.boolean() }).optional(),
    }),
  ),
  cilium: z.object({
    /** True only when known installed; `state` says whether "not installed" is known or not yet. */
    installed: z.boolean(),
    state: z.enum(['installed', 'not-installed', 'unknown']),
    version: z.string().optional(),
    agents: z.object({ ready: z.number(), desired: z.number() }),
    operator: z.object({ ready: z.number(), desired: z.number() }),
    kubeProxyReplacement: z.string().optional(),
    l2Announcements: z.boolean(),
    routingMode: z.string().optional(),
    leaseDuration: z.string().optional(),
  }),
  services: z.array(ServiceStatus),
  pools: z.array(PoolStatus),
  policies: z.array(
    z.object({
      name: z.string(),
      interfaces: z.array(z.string()),
      loadBalancerIPs: z.boolean(),
      externalIPs: z.boolean(),
      nodeSelector: z.unknown().optional(),
      serviceSelector: z.unknown().optional(),
    }),
  ),
  leases: z.array(
    z.object({
      name: z.string(),
      holder: z.string().optional(),
      renewTime: z.string().optional(),
      leaseDurationSeconds: z.number().optional(),
    }),
  ),
  findings: z.array(Finding),
  /**
   * Each followed resource: `unknown` until its first list (nothing is concluded from it),
   * `live`, `offline` (broken or silent past its deadline, retrying), `absent` (not served: a CRD missing).
   */
  streams: z.array(
    z.object({
      resource: z.string(),
      state: z.enum(['unknown', 'live', 'offline', 'absent']),
      reason: z.string().optional(),
    }),
  ),
  /** Every resource listed (or known absent): false means some data is unknown and the model incomplete. */
  complete: z.boolean(),
  generatedAt: z.string(),
});
export type ClusterStatus = z.infer<typeof ClusterStatus>;

/**
 * What makes two models different enough to push: everything but `generatedAt` and the
 * leases' `renewTime`. The holder renews every retry period (about once a second), which
 * changes nothing a person or a script acts on; a new holder does change the key.
 */
export function statusChangeKey(status: ClusterStatus): string {
  return JSON.stringify(status, (key, value: unknown) =>
    key === 'generatedAt' || key === 'renewTime' ? undefined : value,
  );
}
