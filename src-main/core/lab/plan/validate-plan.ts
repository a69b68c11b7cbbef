/**
 * The plan's refusals: one small rule per cause, each naming the field and the fix, by the
 * question each answers — does the cluster fit kind and Cilium (cluster-rules.ts), does upstream
 * accept these versions and values (version-rules.ts), is dual stack dual (ip-family-rule.ts);
 * `validatePlan` also resolves `pool.cidr: auto` against the kind network (pool-resolve.ts).
 */
import { finishedFinding, type LabFinding, type LabPlan } from '../../../contract';
import type { LabEnvironment } from '../environment/lab-environment';
import { deviceRules, leaseRule, nameRule, routingRule, sizeRules, subnetsOnNetworkRule } from './cluster-rules';
import { ipFamilyFindings } from './ip-family-rule';
import type { Rule } from './plan-rule';
import { resolvePool } from './pool-resolve';
import { chartValuesRule, imageRule } from './version-rules';
import { bgpRules } from './bgp-rules';

export { kindNodeDevices } from './cluster-rules';
export { poolCarvedAtRun, resolvePool, usualKindSubnet } from './pool-resolve';
export { isPrivateAsn } from './bgp-rules';

export const planRules: readonly Rule[] = [
  bgpRules,
  nameRule,
  imageRule,
  leaseRule,
  deviceRules,
  routingRule,
  sizeRules,
  subnetsOnNetworkRule,
  chartValuesRule,
  ipFamilyFindings,
];

/** All findings for a plan on this engine (`env` undefined: the engine was not read). */
export function validatePlan(
  plan: LabPlan,
  env: LabEnvironment | undefined,
): { poolCidr?: string; findings: LabFinding[] } {
  const pool = resolvePool(plan, env);
  const findings = [...planRules.flatMap((rule) => rule(plan, env)), ...pool.findings].map(finishedFinding);
  return { ...(pool.cidr ? { poolCidr: pool.cidr } : {}), findings };
}

export const hasErrors = (findings: readonly LabFinding[]) => findings.some((f) => f.severity === 'error');
