import { z } from 'zod';
import { AnsweredBy, Finding, LeaseHolder, type RunRecord } from '@contract';

/**
 * The measured result a create run stores in `facts.verification` (a fix or start run:
 * `facts.verifications`, one per IP). Facts are untyped in the journal, so they are
 * parsed here: a journal from another version shows nothing rather than something wrong.
 */
export const Verification = z.object({
  ip: z.string(),
  port: z.number().optional(),
  http: z.object({ status: z.number().optional(), error: z.string().optional(), ms: z.number().optional(), body: z.string().optional() }),
  leaseHolder: LeaseHolder.optional(),
  answeredBy: AnsweredBy.optional(),
  neighbourCleared: z.boolean().optional(),
  reachable: z.boolean(),
  findings: z.array(Finding),
});
export type Verification = z.infer<typeof Verification>;

export function verificationsOf(run: RunRecord): Verification[] {
  const single = Verification.safeParse(run.facts.verification);
  if (single.success) return [single.data];
  const many = z.array(Verification).safeParse(run.facts.verifications);
  return many.success ? many.data : [];
}

/** "10:42:07" in the viewer's time zone: the moment of the measurement. */
export const clock = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

export function elapsed(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`;
}
