/**
 * Where the pool goes: `pool.cidr: auto` carved from the kind network, a given block checked
 * there, or — while the network does not exist — said to be carved at run time.
 */
import type { LabFinding, LabPlan } from '../../../contract';
import type { LabEnvironment } from '../environment/lab-environment';
import { carvePool, checkPool, isCanonicalIPv4Cidr, type UsedRange } from './pool-carve';
import { refuse } from './plan-rule';
import { resolveBgpPool } from './bgp-rules';

/** Everything in use on the network the pool must avoid, beside the containers. */
function usedRanges(plan: LabPlan, env: LabEnvironment): UsedRange[] {
  return [
    ...env.used,
    { cidr: plan.cluster.podSubnet, what: 'the pod subnet' },
    { cidr: plan.cluster.serviceSubnet, what: 'the service subnet' },
  ];
}

/**
 * Docker's default address pools hand a new user-defined network the first free /16 of
 * 172.17.0.0/12 (`docker network create` docs, "default-address-pools"); docker0 holds
 * 172.17.0.0/16, so on a fresh engine kind's network usually gets 172.18.0.0/16. Only an
 * example for the words: the run reads the real subnet.
 */
export const usualKindSubnet = '172.18.0.0/16';

/** What happens to an auto pool while the kind network does not exist: said, not refused. */
export function poolCarvedAtRun(plan: LabPlan, networkName: string): LabFinding {
  const example = carvePool(usualKindSubnet, [
    { cidr: plan.cluster.podSubnet, what: 'the pod subnet' },
    { cidr: plan.cluster.serviceSubnet, what: 'the service subnet' },
  ]);
  return {
    code: 'pool-carved-at-run',
    field: 'pool.cidr',
    message:
      `pool.cidr is auto: the pool is carved from the \`${networkName}\` network once kind creates it — ` +
      `on a fresh Docker that is usually ${usualKindSubnet}${example.ok ? `, giving ${example.cidr}` : ''}`,
    fix: 'Nothing to do: the run records the block it carves (shown in the run view). Set pool.cidr to choose one yourself.',
    severity: 'info',
    applied: false,
  };
}

/** Resolves the pool against the network: the block to use, or the refusal. */
export function resolvePool(plan: LabPlan, env: LabEnvironment | undefined): { cidr?: string; findings: LabFinding[] } {
  if (plan.announce === 'bgp') return resolveBgpPool(plan, env);
  if (!env) {
    if (plan.pool.cidr !== 'auto') return { cidr: plan.pool.cidr, findings: [] };
    return {
      findings: [
        refuse(
          'pool-not-resolved',
          'pool.cidr',
          'pool.cidr is auto but the Docker engine could not be read, so there is no kind network to carve from',
          'Start Docker (kindscope docker shows which engine is used), or set pool.cidr explicitly.',
        ),
      ],
    };
  }
  if (!env.network) {
    if (plan.pool.cidr !== 'auto' && !isCanonicalIPv4Cidr(plan.pool.cidr))
      return {
        findings: [
          refuse(
            'pool-invalid',
            'pool.cidr',
            `${plan.pool.cidr} is not a canonical IPv4 CIDR (network address with prefix, e.g. 172.18.250.0/24)`,
            'Use pool.cidr: auto, or a block such as 172.18.250.0/24.',
          ),
        ],
      };
    if (plan.pool.cidr !== 'auto')
      return {
        cidr: plan.pool.cidr,
        findings: [
          {
            code: 'network-not-checked',
            field: 'pool.cidr',
            message: `The ${env.networkName} network does not exist yet, so ${plan.pool.cidr} could not be checked against it`,
            fix: 'Nothing to do now: the run checks it again right after kind creates the network and stops there if it does not fit.',
            severity: 'warning',
            applied: false,
          },
        ],
      };
    // The first lab on an engine: kind creates the network, so the run carves the pool right after `kind create`.
    return { findings: [poolCarvedAtRun(plan, env.networkName)] };
  }
  const used = usedRanges(plan, env);
  if (plan.pool.cidr === 'auto') {
    const carved = carvePool(env.network.subnet, used);
    return carved.ok
      ? { cidr: carved.cidr, findings: [] }
      : {
          findings: [
            refuse(
              'pool-no-room',
              'pool.cidr',
              carved.reason,
              'Free addresses on the kind network or set pool.cidr explicitly.',
            ),
          ],
        };
  }
  const problem = checkPool(plan.pool.cidr, env.network.subnet, used);
  if (!problem) return { cidr: plan.pool.cidr, findings: [] };
  const carved = carvePool(env.network.subnet, used);
  return {
    findings: [
      refuse(
        problem.code,
        'pool.cidr',
        problem.message,
        carved.ok
          ? `Use pool.cidr: auto (here ${carved.cidr}), or a free block inside ${env.network.subnet}.`
          : `Use a free block inside ${env.network.subnet}.`,
      ),
    ],
  };
}
