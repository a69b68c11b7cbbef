import { z } from 'zod';

/** A mistake found in a plan or an imported command, with what to do about it. */
export const LabFinding = z.object({
  code: z.string(),
  message: z.string(),
  fix: z.string(),
  /** The plan field (`cilium.devices`) or chart value (`k8sServiceHost`) it is about. */
  field: z.string().optional(),
  /** error: the plan is refused; warning: it works but not as intended; info: noted. */
  severity: z.enum(['error', 'warning', 'info']),
  /** The importer applied the fix in the returned plan. */
  applied: z.boolean().default(false),
});
export type LabFinding = z.infer<typeof LabFinding>;

/** Text as a sentence: ends with a full stop unless it already ends a sentence. */
export function asSentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/**
 * The one style of a finding's words (issue 28): its message and fix each a sentence ending
 * with a full stop. The field stays data (`field`), shown beside the words, never prefixed to
 * them: every message already names what it is about.
 */
export function finishedFinding(finding: LabFinding): LabFinding {
  return { ...finding, message: asSentence(finding.message), fix: asSentence(finding.fix) };
}

/**
 * Findings made for a plan named `from`, after the plan was renamed `to`: each fix names the
 * plan's own nodes (`from-control-plane`, `from-worker2`…), which kind names after the cluster,
 * so they follow the rename (issue 28: the import's k8sServiceHost fix kept the old name).
 * Messages are left alone: they may name the article's cluster, which a rename does not change.
 */
export function followClusterName(findings: readonly LabFinding[], from: string, to: string): LabFinding[] {
  if (!from || from === to) return [...findings];
  const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const node = new RegExp(
    `(?<![\\w-])${escaped}(?=-(?:control-plane|worker|external-load-balancer)\\d*(?![\\w-]))`,
    'g',
  );
  return findings.map((f) => ({ ...f, fix: f.fix.replace(node, to) }));
}

/**
 * A finding as one sentence where its field is not shown beside it (a refusal, the CLI): the
 * message, naming its field once: in parentheses at the end when the message does not already
 * (never `pool.cidr: pool.cidr is auto …`, issue 28), and a full stop.
 */
export function findingSentence(finding: Pick<LabFinding, 'message' | 'field'>): string {
  const message = finding.message.trim();
  // Named: the field itself (`pool.cidr is auto…`), or its last part as a word (`k8sServiceHost "x"…`).
  const last = (finding.field?.split('.').pop() ?? '').replace(/[^\w-]/g, '');
  if (!finding.field || message.includes(finding.field) || new RegExp(`\\b${last}\\b`).test(message))
    return asSentence(message);
  return asSentence(`${message.replace(/\.$/, '')} (${finding.field})`);
}

/** Findings as one paragraph (a refusal's message): one sentence each. */
export function findingsAsText(findings: readonly Pick<LabFinding, 'message' | 'field'>[]): string {
  return findings.map(findingSentence).join(' ');
}
