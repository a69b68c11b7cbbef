import { z } from 'zod';
import { Finding } from './cluster-status';

const KubeName = z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'must be a Kubernetes name: lowercase letters, digits, "-" and "."');

export const CheckServiceInput = z.object({ cluster: z.string().regex(/^[a-z0-9.-]+$/, 'must be a kind cluster name'), namespace: KubeName, service: KubeName }).strict();

export const ServiceCheck = z.object({
  service: z.string(),
  ip: z.string().optional(),
  port: z.number().optional(),
  /** What `curl http://IP:PORT/` from this machine got. */
  http: z.object({ ok: z.boolean(), status: z.number().optional(), body: z.string().optional(), error: z.string().optional(), ms: z.number() }).optional(),
  /** This machine's neighbour entry for the IP after the attempt (Linux). */
  neighbour: z.object({ state: z.string(), mac: z.string().optional(), dev: z.string().optional() }).optional(),
  holder: z.object({ node: z.string(), mac: z.string().optional() }).optional(),
  verdict: z.enum(['answers', 'pending', 'no-arp', 'no-http', 'wrong-node', 'unreachable']),
  explanation: z.string(),
  findings: z.array(Finding),
});
export type ServiceCheck = z.infer<typeof ServiceCheck>;
