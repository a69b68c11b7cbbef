/**
 * The importer's manifests: the article's pool, L2 policy and sample app, each checked
 * against the plan (pool inside the kind network, interfaces among the devices).
 */
import { kindNetworkingDefaults, type LabFinding, type LabPlanInput } from '../../../../contract';
import type { LabEnvironment } from '../../environment/lab-environment';
import { defaultCompatRow, poolApiVersion } from '../../../../contract/compat-table';
import { checkPool, type UsedRange } from '../pool-carve';
import { finding, type Gathered } from './import-sources';

type Values = Record<string, unknown>;
const spec = (body: Values) => (body.spec ?? {}) as Values;

export function importPool(
  g: Gathered,
  plan: LabPlanInput,
  env: LabEnvironment | undefined,
  findings: LabFinding[],
): void {
  const doc = g.pools[0];
  if (!doc) return;
  const body = spec(doc.body);
  const name = (doc.body.metadata as Values | undefined)?.name;
  const blocks = (body.blocks ?? []) as Values[];
  const cidrs = (body.cidrs ?? []) as Values[];
  if (cidrs.length) {
    findings.push(
      finding(
        'pool-cidrs-removed',
        'spec.cidrs',
        `The pool uses spec.cidrs (${doc.source}:${doc.line}), removed in Cilium 1.16: the pool would hand out nothing`,
        'Use spec.blocks with the same cidr entries.',
        true,
        'error',
      ),
    );
  }
  // A pool manifest (pasted, or one Kindscope wrote or saved before: an older exported script, a
  // run's files) at the version the chosen Cilium serves only as deprecated: from 1.18 the pool is
  // stored at cilium.io/v2 ("copied without changes", cilium/cilium#39090) and its CRD marks
  // v2alpha1 deprecated (../shared/upstream/cilium-crds/v2); no release yet names when v2alpha1
  // stops being served. The plan writes the pool at the stable version (poolApiVersion).
  const cilium = plan.cilium?.version ?? defaultCompatRow.cilium[0]!;
  if (doc.body.apiVersion === 'cilium.io/v2alpha1' && poolApiVersion(cilium) !== 'cilium.io/v2alpha1')
    findings.push(
      finding(
        'pool-api-deprecated',
        'apiVersion',
        `The pool is written at cilium.io/v2alpha1 (${doc.source}:${doc.line}), which Cilium ${cilium} serves only as deprecated; ` +
          `its stable version is ${poolApiVersion(cilium)} (cilium/cilium#39090), and a later release may stop serving v2alpha1`,
        `The plan writes the pool at ${poolApiVersion(cilium)}; change saved manifests and scripts to it.`,
        true,
        'warning',
      ),
    );
  const cidr = [...blocks, ...cidrs].map((b) => b.cidr).find((c): c is string => typeof c === 'string');
  if ([...blocks, ...cidrs].some((b) => b.start !== undefined) && !cidr) {
    findings.push(
      finding(
        'pool-range-not-imported',
        'spec.blocks',
        'The pool is given as start/stop addresses, which the plan does not take yet',
        'The plan carves a block (pool.cidr: auto); set pool.cidr to change it.',
        true,
        'info',
      ),
    );
  }
  if (body.allowFirstLastIPs === undefined) {
    findings.push(
      finding(
        'pool-first-last-implicit',
        'spec.allowFirstLastIPs',
        'The pool leaves allowFirstLastIPs to its default, which changed in Cilium 1.16',
        'Set allowFirstLastIPs: "No" explicitly (the plan does).',
        true,
        'info',
      ),
    );
  }
  plan.pool = {
    ...(typeof name === 'string' ? { name } : {}),
    ...(body.allowFirstLastIPs === 'Yes' ? { allowFirstLastIPs: 'Yes' as const } : {}),
  };
  if (!cidr) return;
  if (!env?.network) {
    plan.pool.cidr = cidr;
    return;
  }
  const used: UsedRange[] = [
    ...env.used,
    { cidr: plan.cluster.podSubnet ?? '10.244.0.0/16', what: 'the pod subnet' },
    { cidr: plan.cluster.serviceSubnet ?? kindNetworkingDefaults.serviceSubnet, what: 'the service subnet' },
  ];
  const problem = checkPool(cidr, env.network.subnet, used);
  if (problem)
    findings.push(
      finding(
        problem.code,
        'pool.cidr',
        problem.message,
        `Use pool.cidr: auto (a free block inside ${env.network.subnet}).`,
        true,
        'error',
      ),
    );
  else plan.pool.cidr = cidr;
}

export function importPolicyAndSample(g: Gathered, plan: LabPlanInput, findings: LabFinding[]): void {
  const devices = plan.cilium?.devices ?? ['eth0'];
  const policy = g.policies[0];
  if (policy) {
    const interfaces = (spec(policy.body).interfaces ?? []) as string[];
    const matching = interfaces.filter((pattern) => {
      try {
        return devices.some((device) => new RegExp(pattern).test(device));
      } catch {
        return false;
      }
    });
    for (const pattern of interfaces.filter((i) => !matching.includes(i))) {
      findings.push(
        finding(
          'policy-interface-not-in-devices',
          'spec.interfaces',
          `The L2 policy announces on "${pattern}", which matches none of Cilium's devices (${devices.join(', ')}): ` +
            `no node would answer ARP on it (the article's own warning)`,
          `Use ^eth[0-9]+ or add the interface to devices.`,
          true,
          'error',
        ),
      );
    }
    const name = (policy.body.metadata as Values | undefined)?.name;
    plan.l2Policy = {
      ...(typeof name === 'string' ? { name } : {}),
      ...(matching.length ? { interfaces: matching } : {}),
    };
  }
  const service = g.workloads.find((w) => w.body.kind === 'Service' && spec(w.body).type === 'LoadBalancer');
  const deployment = g.workloads.find((w) => w.body.kind === 'Deployment');
  if (service || deployment) {
    const meta = ((service ?? deployment)!.body.metadata ?? {}) as Values;
    const port = ((spec(service?.body ?? {}).ports ?? []) as Values[])[0]?.port;
    const container = (
      (((spec(deployment?.body ?? {}).template ?? {}) as Values).spec ?? {}) as { containers?: Values[] }
    ).containers?.[0];
    plan.sample = {
      ...(typeof meta.name === 'string' ? { name: meta.name } : {}),
      ...(typeof meta.namespace === 'string' ? { namespace: meta.namespace } : {}),
      ...(typeof port === 'number' ? { port } : {}),
      ...(typeof container?.image === 'string' ? { image: container.image } : {}),
      ...(typeof spec(deployment?.body ?? {}).replicas === 'number'
        ? { replicas: spec(deployment!.body).replicas as number }
        : {}),
    };
  }
}
