import { z } from 'zod';
import { StreamState } from './docker';

export const Finding = z.object({
  /** Machine-readable: no-pool, no-pool-matches, pool-disabled, pool-exhausted, pool-conflict, lb-ipam-not-running, no-l2-policy, … */
  code: z.string(),
  message: z.string(),
  fix: z.string(),
});
export type Finding = z.infer<typeof Finding>;

export const LeaseHolder = z.object({ node: z.string(), mac: z.string().optional(), lease: z.string(), renewTime: z.string().optional() });
export type LeaseHolder = z.infer<typeof LeaseHolder>;

export const AnsweredBy = z.object({ node: z.string().optional(), mac: z.string(), checkedAt: z.string() });
export type AnsweredBy = z.infer<typeof AnsweredBy>;

export const ServiceStatus = z.object({
  namespace: z.string(),
  name: z.string(),
  type: z.string(),
  clusterIP: z.string().optional(),
  ports: z.array(z.string()),
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
  /** Why the IP is `<pending>`, or why nobody answers for it. */
  findings: z.array(Finding),
});
export type ServiceStatus = z.infer<typeof ServiceStatus>;

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
  nodes: z.array(z.object({ name: z.string(), roles: z.array(z.string()), ready: z.boolean(), internalIP: z.string().optional(), podCIDRs: z.array(z.string()), mac: z.string().optional() })),
  cilium: z.object({
    installed: z.boolean(),
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
  policies: z.array(z.object({ name: z.string(), interfaces: z.array(z.string()), loadBalancerIPs: z.boolean(), externalIPs: z.boolean(), nodeSelector: z.unknown().optional(), serviceSelector: z.unknown().optional() })),
  leases: z.array(z.object({ name: z.string(), holder: z.string().optional(), renewTime: z.string().optional(), leaseDurationSeconds: z.number().optional() })),
  findings: z.array(Finding),
  generatedAt: z.string(),
});
export type ClusterStatus = z.infer<typeof ClusterStatus>;
