import type { LabFinding, LabPlan } from '@contract';

/**
 * The plan as the wizard edits it: the full plan from `lab:default-plan`, changed field by
 * field. A field typed into a wrong shape (letters in a number) is kept as typed, so the
 * plan schema itself answers with its message for that field.
 */
export type PlanDraft = Record<string, unknown>;

export function getAt(draft: PlanDraft, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined),
      draft,
    );
}

export function setAt(draft: PlanDraft, path: string, value: unknown): PlanDraft {
  const [key, ...rest] = path.split('.') as [string, ...string[]];
  const current = draft[key];
  const next = { ...draft };
  if (rest.length === 0) {
    if (value === undefined) delete next[key];
    else next[key] = value;
  } else {
    next[key] = setAt(current && typeof current === 'object' ? (current as PlanDraft) : {}, rest.join('.'), value);
  }
  return next;
}

export const asDraft = (plan: LabPlan): PlanDraft => JSON.parse(JSON.stringify(plan)) as PlanDraft;

/** The findings about one field: the field itself, or a finding about its parent object (lease timings). */
export function findingsFor(findings: readonly LabFinding[], field: string): LabFinding[] {
  return findings.filter(
    (f) =>
      f.field !== undefined &&
      (f.field === field || field.startsWith(`${f.field}.`) || f.field.startsWith(`${field}.`)),
  );
}

export interface WizardStep {
  id: 'cluster' | 'cilium' | 'load-balancing' | 'sample' | 'review';
  label: string;
  /** Plan fields edited on this step: its errors keep "Next" disabled. */
  prefixes: string[];
}

export const wizardSteps: readonly WizardStep[] = [
  { id: 'cluster', label: 'Cluster', prefixes: ['cluster'] },
  { id: 'cilium', label: 'Cilium', prefixes: ['cilium'] },
  { id: 'load-balancing', label: 'Load balancing', prefixes: ['announce', 'pool', 'l2Policy', 'bgp'] },
  { id: 'sample', label: 'Sample app', prefixes: ['sample'] },
  { id: 'review', label: 'Review', prefixes: [] },
];

/** The step a finding belongs to; findings without a known field belong to Review. */
export function stepOf(finding: LabFinding): WizardStep['id'] {
  const head = finding.field?.split('.')[0] ?? '';
  return wizardSteps.find((step) => step.prefixes.includes(head))?.id ?? 'review';
}

export const stepErrors = (findings: readonly LabFinding[], step: WizardStep['id']) =>
  findings.filter((f) => f.severity === 'error' && stepOf(f) === step);
