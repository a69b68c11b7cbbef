/**
 * The lab plan as a service: default plans, validation against this engine, the
 * importer and the rendering of everything a plan creates. Reads the engine (the kind
 * network, its clusters and their pools) on each call: plans are made rarely and the
 * engine may have changed since.
 */
import type { DockerAccess } from '../docker/docker-engine-service';
import {
  KindscopeError,
  LabPlan,
  finishedFinding,
  findingsAsText,
  type LabFinding,
  type LabNetworkView,
  type LabRendering,
} from '../../contract';
import { parse as parseYaml } from 'yaml';
import type { Logger } from '../util/logger';
import { importPlan } from './plan/import/import-plan';
import { kindNetworkName, readLabEnvironment, type LabEnvironment } from './environment/lab-environment';
import { networkView } from './environment/network-view';
import { readOtherPools } from './environment/other-pools';
import { defaultPlan, loadPlanYaml, parsePlan, savePlanYaml } from './plan/plan';
import { pairingOf } from '../../contract/compat-table';
import { renderHelmValues } from './plan/render';
import { renderScript } from './plan/script';
import { labArtifacts, labSteps } from './plan/steps';
import { createRunOutline } from './run/create-pipeline';
import { hasErrors, validatePlan } from './plan/validate-plan';

export interface LabServiceOptions {
  /** The engine followed now; undefined when no endpoint could be resolved (plans are then not checked against it). */
  docker: DockerAccess | undefined;
  log: Logger;
  /** KUBECONFIG (the GUI environment's, every file merged): other clusters' pools are read through it. */
  kubeconfigEnv?: () => string | undefined;
}

export interface PlanSource {
  plan?: unknown;
  yaml?: string;
  name?: string;
}

export class LabPlanService {
  constructor(private readonly options: LabServiceOptions) {}

  /** The default plan for a name (pure: the engine is consulted when it is validated). */
  defaultPlan(name: string): LabPlan {
    return defaultPlan(name);
  }

  /** A plan from its object or lab.yaml text, defaults filled; bad input refused by field. */
  planFrom(source: PlanSource): LabPlan {
    if (source.yaml !== undefined) return loadPlanYaml(source.yaml, source.name);
    if (source.plan !== undefined) return parsePlan(source.plan, source.name);
    if (source.name) return defaultPlan(source.name);
    throw new KindscopeError(
      'INVALID_INPUT',
      'No plan given: input.plan, input.yaml or input.name is required',
      'Pass --name NAME for the default plan, or -f lab.yaml.',
    );
  }

  /** The engine as the plan sees it; undefined with a finding when it cannot be read. */
  async environment(ownName?: string): Promise<{ env?: LabEnvironment; findings: LabFinding[] }> {
    const docker = this.options.docker?.();
    const notChecked = (why: string): LabFinding => ({
      code: 'engine-not-checked',
      message: `The Docker engine was not read (${why}): the name and the pool were not checked against it`,
      fix: 'Start Docker (or select its context) and plan again.',
      severity: 'warning',
      applied: false,
    });
    if (!docker) return { findings: [notChecked('no engine endpoint')] };
    let env: LabEnvironment;
    try {
      env = await readLabEnvironment(docker);
    } catch (error) {
      this.options.log.debug('Reading the kind network failed', error);
      return { findings: [notChecked((error as Error).message.split('\n')[0] ?? 'error')] };
    }
    const others = env.clustersOnNetwork.filter((c) => c !== ownName);
    if (others.length) {
      const kubeconfigEnv = this.options.kubeconfigEnv?.();
      const pools = await readOtherPools(others, kubeconfigEnv ? { kubeconfigEnv } : {});
      env.used.push(...pools.used);
      env.problems.push(...pools.problems);
    }
    const findings: LabFinding[] = env.problems.length
      ? [
          {
            code: 'pools-not-checked',
            message: `Not every other cluster's pool could be read: ${env.problems.join('; ')}`,
            fix: "Start those clusters (or merge their kubeconfigs), or make sure their pools do not overlap this plan's.",
            severity: 'info',
            applied: false,
          },
        ]
      : [];
    return { env, findings };
  }

  /**
   * The plan's findings on this engine. A plan that does not even parse is answered with
   * one finding per bad field (the wizard shows them beside the fields), not an error.
   */
  async validate(
    source: PlanSource,
  ): Promise<{ valid: boolean; plan?: LabPlan; poolCidr?: string; findings: LabFinding[]; network?: LabNetworkView }> {
    let plan: LabPlan;
    try {
      plan = this.planFrom(source);
    } catch (error) {
      if (!(error instanceof KindscopeError) || error.code !== 'INVALID_INPUT') throw error;
      return {
        valid: false,
        findings: (
          schemaFindings(source) ?? [
            {
              code: 'plan-invalid',
              message: error.message,
              fix: error.hint,
              severity: 'error' as const,
              applied: false,
            },
          ]
        ).map(finishedFinding),
      };
    }
    const { env, findings: envFindings } = await this.environment(plan.cluster.name);
    const result = validatePlan(plan, env);
    const findings = [...envFindings, ...result.findings].map(finishedFinding);
    const network = networkView(env);
    return {
      valid: !hasErrors(findings),
      plan,
      ...(result.poolCidr ? { poolCidr: result.poolCidr } : {}),
      findings,
      ...(network ? { network } : {}),
    };
  }

  async import(
    sources: readonly { name: string; text: string }[],
    name?: string,
  ): Promise<{ plan: LabPlan; findings: LabFinding[] }> {
    const { env, findings } = await this.environment(name);
    const imported = importPlan(sources, { ...(name ? { name } : {}), ...(env ? { env } : {}) });
    return { plan: imported.plan, findings: [...findings, ...imported.findings].map(finishedFinding) };
  }

  /** Everything the plan creates; refused (naming each field and fix) while it has errors. */
  async render(
    source: PlanSource,
    options: { script?: boolean; replacing?: boolean } = {},
  ): Promise<LabRendering & { script?: string }> {
    const plan = this.planFrom(source);
    const validated = await this.validate({ plan });
    const { poolCidr } = validated;
    // A rebuild deletes the cluster of that name before it creates it again: its name is not taken from itself.
    const findings = validated.findings.filter((f) => !(options.replacing && f.code === 'name-taken'));
    const errors = findings.filter((f) => f.severity === 'error');
    // No block yet and no refusal: the kind network does not exist, the run carves it (`carve-pool`).
    const carvedAtRun = !poolCidr && findings.some((f) => f.code === 'pool-carved-at-run');
    if (errors.length > 0 || (!poolCidr && !carvedAtRun)) {
      const first = errors[0];
      throw new KindscopeError(
        'INVALID_INPUT',
        // Each message names its field already: prefixing `field:` said it twice (issue 28).
        findingsAsText(errors) || 'The pool could not be resolved.',
        first ? findingsAsText(errors.map((e) => ({ message: e.fix }))) : 'Set pool.cidr.',
      );
    }
    const artifacts = labArtifacts(plan, poolCidr);
    const steps = labSteps(plan, artifacts, kindNetworkName());
    const rendering: LabRendering = {
      plan,
      ...(poolCidr ? { poolCidr } : {}),
      kindConfig: artifacts.files['kind-config.yaml']!,
      helmValues: renderHelmValues(plan),
      files: artifacts.files,
      manifests: artifacts.manifests,
      steps,
      labYaml: savePlanYaml(plan),
      findings,
      pairing: pairingOf(plan),
    };
    return {
      ...rendering,
      runSteps: createRunOutline(rendering),
      ...(options.script ? { script: renderScript(plan, artifacts, steps, poolCidr) } : {}),
    };
  }
}

/** Each schema problem of a plan as a finding naming its field. */
function schemaFindings(source: PlanSource): LabFinding[] | undefined {
  let value: unknown = source.plan;
  if (source.yaml !== undefined) {
    try {
      value = parseYaml(source.yaml);
    } catch {
      return undefined;
    }
  }
  const result = LabPlan.safeParse(
    source.name && value && typeof value === 'object'
      ? { ...value, cluster: { ...((value as { cluster?: object }).cluster ?? {}), name: source.name } }
      : value,
  );
  if (result.success) return undefined;
  return result.error.issues.map((issue) => ({
    code: 'plan-invalid',
    field: issue.path.map(String).join('.'),
    message: `${issue.path.map(String).join('.') || 'plan'}: ${issue.message}`,
    fix: 'Fix this field (`kindscope plan --name NAME --json` shows a complete plan with every default).',
    severity: 'error' as const,
    applied: false,
  }));
}
