import type { labCalls } from '../contract/lab';
import type { LabPlanService } from '../core/lab/lab-plan-service';
import type { Handlers } from './router';

type LabHandlers = Pick<Handlers, keyof typeof labCalls>;

/** The lab plan's calls (the wizard's and `kindscope plan|script`'s), over one LabPlanService. */
export function labHandlers(lab: LabPlanService): LabHandlers {
  return {
    labDefaultPlan: async ({ name }) => ({ plan: lab.defaultPlan(name) }),
    labValidatePlan: (input) => lab.validate(input),
    labImport: ({ sources, name }) => lab.import(sources, name),
    labRender: ({ script, ...source }) => lab.render(source, { script: script ?? false }),
  };
}
