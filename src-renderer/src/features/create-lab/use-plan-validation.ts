import type { AppError, CallOutput } from '@contract';
import { useQuery } from '../../data/hooks';
import type { PlanDraft } from './plan-draft';

export type PlanValidation = CallOutput<'lab:validate-plan'>;

const debounceMs = 200; // ms: one check per pause in typing, not one per key

/**
 * The plan's own verdict on the draft, asked again as the user types (`lab:validate-plan`
 * reads the engine: the name taken, the pool free). Answers to older drafts are dropped; the
 * last verdict stays on screen while the next is checked.
 */
export function usePlanValidation(draft: PlanDraft | undefined): {
  validation?: PlanValidation;
  checking: boolean;
  error?: AppError;
} {
  const { value, loading, error } = useQuery('lab:validate-plan', draft ? { plan: draft } : undefined, {
    delayMs: debounceMs,
    keepPrevious: true,
  });
  return { ...(value ? { validation: value } : {}), checking: !draft || loading, ...(error ? { error } : {}) };
}
