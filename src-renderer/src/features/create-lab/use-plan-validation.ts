import { useEffect, useRef, useState } from 'react';
import type { AppError, CallOutput } from '@contract';
import { useAppContext } from '../../app-context';
import type { PlanDraft } from './plan-draft';

export type PlanValidation = CallOutput<'lab:validate-plan'>;

const debounceMs = 200; // ms: one check per pause in typing, not one per key

/**
 * The plan's own verdict on the draft, asked again as the user types (`lab:validate-plan`
 * reads the engine: the name taken, the pool free). Answers to older drafts are dropped.
 */
export function usePlanValidation(draft: PlanDraft | undefined): {
  validation?: PlanValidation;
  checking: boolean;
  error?: AppError;
} {
  const { client } = useAppContext();
  const [validation, setValidation] = useState<PlanValidation>();
  const [checking, setChecking] = useState(true);
  const [error, setError] = useState<AppError>();
  const sequence = useRef(0);
  useEffect(() => {
    if (!draft) return;
    const mine = ++sequence.current;
    setChecking(true);
    const timer = setTimeout(() => {
      void client.invoke('lab:validate-plan', { plan: draft }).then((result) => {
        if (mine !== sequence.current) return;
        setChecking(false);
        if (result.ok) {
          setValidation(result.value);
          setError(undefined);
        } else setError(result.error);
      });
    }, debounceMs);
    return () => clearTimeout(timer);
  }, [client, draft]);
  return { ...(validation ? { validation } : {}), checking, ...(error ? { error } : {}) };
}
