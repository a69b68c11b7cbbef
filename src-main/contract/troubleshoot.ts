import { z } from 'zod';
import { AnsweredBy, Finding, LeaseHolder, Proof } from './cluster-status';
import { ClusterName } from './topology';

const KubeName = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'must be a Kubernetes name: lowercase letters, digits, "-" and "."');

export const CheckServiceInput = z.object({ cluster: ClusterName, namespace: KubeName, service: KubeName }).strict();

export const ServiceCheck = z.object({
  service: z.string(),
  ip: z.string().optional(),
  port: z.number().optional(),
  /** What `curl http://IP:PORT/` from this machine got. */
  http: z
    .object({
      ok: z.boolean(),
      status: z.number().optional(),
      body: z.string().optional(),
      error: z.string().optional(),
      ms: z.number(),
    })
    .optional(),
  /** This machine's neighbour entry for the IP after the attempt (Linux). */
  neighbour: z.object({ state: z.string(), mac: z.string().optional(), dev: z.string().optional() }).optional(),
  holder: z.object({ node: z.string(), mac: z.string().optional() }).optional(),
  /** The claim, from the Lease. */
  leaseHolder: LeaseHolder.optional(),
  /** The measurement: whose MAC this machine's neighbour entry held after the HTTP probe, and when. */
  answeredBy: AnsweredBy.optional(),
  /** `not-proven`: an answer may have come, but the proof's conditions (`proof`) do not all hold. */
  verdict: z.enum(['answers', 'pending', 'no-arp', 'no-http', 'wrong-node', 'unreachable', 'not-proven']),
  /** The three conditions of "reachable", each measured (absent while the IP is pending). */
  proof: Proof.optional(),
  explanation: z.string(),
  findings: z.array(Finding),
});
export type ServiceCheck = z.infer<typeof ServiceCheck>;
