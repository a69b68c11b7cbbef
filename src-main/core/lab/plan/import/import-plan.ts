/**
 * The importer: pasted kind configs, values files and helm/kind command lines → a lab
 * plan plus findings `{ code, message, fix }`, each fix applied in the returned plan
 * where it is unambiguous. The returned plan contains none of the mistakes it reports.
 */
import { LabPlan, finishedFinding, type LabFinding, type LabPlanInput } from '../../../../contract';
import { defaultCompatRow, isTestedPairing, newestTestedRow } from '../../../../contract/compat-table';
import type { LabEnvironment } from '../../environment/lab-environment';
import { validatePlan } from '../validate-plan';
import { importBgpPeeringPolicies } from './import-bgp-v1';
import { importCilium } from './import-cilium';
import { importCluster } from './import-cluster';
import { finding, gather } from './import-sources';
import { importPolicyAndSample, importPool } from './import-manifests';

/** Sources → plan + findings. `env` (the engine) lets pools be checked against the kind network. */
export function importPlan(
  sources: readonly { name: string; text: string }[],
  options: { name?: string; env?: LabEnvironment } = {},
): { plan: LabPlan; findings: LabFinding[] } {
  const g = gather(sources);
  const findings = [...g.findings];
  const { articleName, cluster } = importCluster(g, options.name, findings);
  const plan: LabPlanInput = { cluster };
  if (g.helm || g.sets.length || g.valuesDocs.length) importCilium(g, articleName, plan, findings);
  // No node image was given: take the newest image this Cilium lists as tested.
  const version = plan.cilium?.version;
  const imageGiven =
    !!g.kindCreate?.image ||
    ((g.kindConfig?.body as { nodes?: { image?: string }[] })?.nodes ?? []).some((n) => n.image);
  if (version && !imageGiven && !isTestedPairing(version, defaultCompatRow.kubernetes)) {
    const row = newestTestedRow(version);
    if (row) plan.cluster = { ...plan.cluster, kindVersion: row.kind, nodeImage: row.image };
  } else
    findings.push(
      finding(
        'no-helm-command',
        'cilium',
        "No helm install command or values were found, so Cilium gets the plan's defaults",
        'Nothing to do, or import the helm command too.',
        true,
        'info',
      ),
    );
  importPool(g, plan, options.env, findings);
  importPolicyAndSample(g, plan, findings);
  importBgpPeeringPolicies(g, plan, findings);
  const parsed = LabPlan.parse(plan);
  // What is left for the plan's own rules (e.g. the name is taken on this engine).
  const remaining = validatePlan(parsed, options.env).findings.filter(
    (f) => !findings.some((x) => x.code === f.code && x.applied),
  );
  return { plan: parsed, findings: [...findings, ...remaining].map(finishedFinding) };
}
