/**
 * The plan's derived facts: node names as kind gives them, the API server host the Cilium
 * agents must use, durations, and the plan's YAML form.
 */
import { parse as parseYaml, stringify } from 'yaml';
import { LabPlan, type LabPlanInput, defaultWorkers, describeZodError, KindscopeError } from '../../../contract';
import { defaultCompatRow } from '../../../contract/compat-table';

export { defaultWorkers };

/**
 * The default plan for a cluster name: what the article builds, with its mistakes fixed, and
 * two workers rather than the article's one, as the wizard recommends: the L2 policy leaves
 * control planes out, so with one worker no node can take a LoadBalancer IP over when it stops.
 */
export function defaultPlan(name: string): LabPlan {
  return LabPlan.parse({
    cluster: { name, kindVersion: defaultCompatRow.kind, nodeImage: defaultCompatRow.image, workers: defaultWorkers },
    cilium: { version: defaultCompatRow.cilium[0] },
  } satisfies LabPlanInput);
}

/** kind's container (and host) names: `<name>-control-plane`, `<name>-control-plane2`, `<name>-worker`, `<name>-worker2`… */
export function nodeNames(plan: Pick<LabPlan, 'cluster'>): {
  controlPlanes: string[];
  workers: string[];
  externalLoadBalancer?: string;
} {
  const { name, controlPlanes, workers } = plan.cluster;
  const numbered = (base: string, count: number) =>
    Array.from({ length: count }, (_, i) => (i === 0 ? base : `${base}${i + 1}`));
  return {
    controlPlanes: numbered(`${name}-control-plane`, controlPlanes),
    workers: numbered(`${name}-worker`, workers),
    // kind puts a load balancer in front of several control planes (HAProxy, Envoy from 0.32).
    ...(controlPlanes > 1 ? { externalLoadBalancer: `${name}-external-load-balancer` } : {}),
  };
}

/** The address the agents reach the API server at: a name Docker's embedded DNS resolves on the kind network. */
export function defaultServiceHost(plan: Pick<LabPlan, 'cluster'>): string {
  const names = nodeNames(plan);
  return names.externalLoadBalancer ?? names.controlPlanes[0]!;
}

export function serviceHost(plan: LabPlan): string {
  return plan.cilium.k8sServiceHost || defaultServiceHost(plan);
}

/** A Go duration in milliseconds (`1m30s` → 90000); undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]!]!, 0);
}

/** Parses a plan object; bad input is refused naming the field and what it must be. */
export function parsePlan(input: unknown, name?: string): LabPlan {
  const withName =
    name && input && typeof input === 'object'
      ? { ...input, cluster: { ...((input as { cluster?: object }).cluster ?? {}), name } }
      : input;
  const result = LabPlan.safeParse(withName);
  if (!result.success) {
    throw new KindscopeError(
      'INVALID_INPUT',
      describeZodError(result.error, 'plan'),
      'Fix the named field in lab.yaml (see `kindscope plan --name NAME --json` for a complete plan with every default).',
    );
  }
  return result.data;
}

/** `lab.yaml` text → plan (defaults filled). */
export function loadPlanYaml(text: string, name?: string): LabPlan {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new KindscopeError(
      'INVALID_INPUT',
      `lab.yaml is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
      'Fix the YAML syntax at the line named.',
      { cause: error },
    );
  }
  return parsePlan(value, name);
}

export function savePlanYaml(plan: LabPlan): string {
  // YAML 1.1 quoting ("No"), so other tools that read lab.yaml see strings, not booleans.
  // An untested pairing is marked where a reader of the file sees it first.
  const untested = plan.cilium.allowUntested
    ? `# UNTESTED pairing acknowledged (cilium.allowUntested): ` +
      `${plan.cluster.nodeImage.split('@')[0]} with Cilium ${plan.cilium.version}${plan.cilium.untestedReason ? ` — ${plan.cilium.untestedReason}` : ''}\n`
    : '';
  return `# Kindscope lab plan: kindscope plan -f lab.yaml / kindscope script -f lab.yaml\n${untested}${stringify(plan, { version: '1.1' })}`;
}
