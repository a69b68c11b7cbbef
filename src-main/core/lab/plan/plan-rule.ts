/** One refusal rule of the plan: what it finds on a plan, on this engine (`env` undefined: not read). */
import type { LabFinding, LabPlan } from '../../../contract';
import type { LabEnvironment } from '../environment/lab-environment';

export type Rule = (plan: LabPlan, env: LabEnvironment | undefined) => LabFinding[];

/** An error that blocks the run, naming the field and the fix. */
export const refuse = (code: string, field: string, message: string, fix: string): LabFinding => ({
  code,
  field,
  message,
  fix,
  severity: 'error',
  applied: false,
});
