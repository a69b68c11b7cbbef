/**
 * The plan's refusals: one small rule per cause, each naming the field and the fix.
 * `validatePlan` also resolves `pool.cidr: auto` against the kind network.
 */
import { finishedFinding, type LabFinding, type LabPlan } from '../../../contract';
import { unknownChartKeys } from './chart-keys';
import { compatTable, findCompatRow } from './compat-table';
import { cidrsOverlap } from '../../net/cidr';
import { carvePool, checkPool, type UsedRange } from './pool-carve';
import { durationMs, nodeNames, serviceHost } from './plan';
import type { LabEnvironment } from '../environment/lab-environment';

/** What a kind node has: eth0 on the kind network (and lo). Cilium's own devices come later. */
export const kindNodeDevices = ['eth0'];

type Rule = (plan: LabPlan, env: LabEnvironment | undefined) => LabFinding[];
const refuse = (code: string, field: string, message: string, fix: string): LabFinding => ({
  code,
  field,
  message,
  fix,
  severity: 'error',
  applied: false,
});

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const nameRule: Rule = (plan, env) => {
  const { name } = plan.cluster;
  if (!dns1123Label.test(name)) {
    return [
      refuse(
        'name-invalid',
        'cluster.name',
        `"${name}" is not a DNS-1123 label (lowercase letters, digits and "-", starting and ending with a letter or digit)`,
        `Use a name such as "${
          name
            .toLowerCase()
            .replace(/[^a-z0-9-]+/g, '-')
            .replace(/^-+|-+$/g, '') || 'lab'
        }".`,
      ),
    ];
  }
  const names = nodeNames(plan);
  const longest = [...names.controlPlanes, ...names.workers, names.externalLoadBalancer ?? ''].reduce((a, b) =>
    b.length > a.length ? b : a,
  );
  if (longest.length > 63) {
    return [
      refuse(
        'name-too-long',
        'cluster.name',
        `"${name}" makes the node name "${longest}" (${longest.length} characters); container host names are at most 63`,
        `Use a name of at most ${name.length - (longest.length - 63)} characters.`,
      ),
    ];
  }
  if (env?.clusters.has(name)) {
    return [
      refuse(
        'name-taken',
        'cluster.name',
        `A kind cluster named "${name}" already exists on this engine (nodes ${env.clusters.get(name)!.join(', ')})`,
        `Choose another name, or delete it first: kind delete cluster --name ${name}`,
      ),
    ];
  }
  return [];
};

const imageRule: Rule = (plan) => {
  const { kindVersion, nodeImage } = plan.cluster;
  if (!/@sha256:[0-9a-f]{64}$/.test(nodeImage)) {
    return [
      refuse(
        'image-not-pinned',
        'cluster.nodeImage',
        `${nodeImage} is not pinned by digest; kind only guarantees an image built for its own release`,
        'Use an image with its @sha256 digest from the kind release note (see the compatibility table).',
      ),
    ];
  }
  const row = findCompatRow(kindVersion, nodeImage);
  if (!row) {
    const forKind = compatTable.filter((r) => r.kind === kindVersion).map((r) => r.image);
    return [
      refuse(
        'image-not-in-table',
        'cluster.nodeImage',
        `${nodeImage} is not an image the kind ${kindVersion} release note lists`,
        forKind.length
          ? `Use one of: ${forKind.join(', ')}`
          : `Use a kind release from the table: ${[...new Set(compatTable.map((r) => r.kind))].join(', ')}`,
      ),
    ];
  }
  if (!row.cilium.includes(plan.cilium.version)) {
    const tested = compatTable
      .filter((r) => r.cilium.includes(plan.cilium.version))
      .map((r) => `kind ${r.kind} with ${r.image.split('@')[0]}`);
    return [
      refuse(
        'cilium-not-tested',
        'cilium.version',
        `Cilium ${plan.cilium.version} is not listed as tested on Kubernetes ${row.kubernetes}${row.cilium.length ? ` (tested there: ${row.cilium.join(', ')})` : ' (no Cilium release in the table lists it)'}`,
        tested.length
          ? `Use ${tested[0]}, or a Cilium version tested on ${row.kubernetes}.`
          : 'Use the default row: kind v0.29.0, Kubernetes 1.33.1, Cilium 1.18.14.',
      ),
    ];
  }
  return [];
};

const leaseRule: Rule = (plan) => {
  const { leaseDuration, leaseRenewDeadline, leaseRetryPeriod } = plan.cilium.l2announcements;
  const [d, r, p] = [durationMs(leaseDuration), durationMs(leaseRenewDeadline), durationMs(leaseRetryPeriod)];
  if (d === undefined || r === undefined || p === undefined || (d > r && r > p)) return [];
  return [
    refuse(
      'lease-timings-inverted',
      'cilium.l2announcements',
      `Lease timings must satisfy leaseDuration > leaseRenewDeadline > leaseRetryPeriod; got ${leaseDuration} / ${leaseRenewDeadline} / ${leaseRetryPeriod}. A holder that dies is replaced after about leaseDuration + leaseRetryPeriod`,
      "Use e.g. 3s / 1s / 500ms (failover in about 3.5 s), or Cilium's defaults 15s / 5s / 2s (fewer API calls).",
    ),
  ];
};

const devicePattern = (device: string) =>
  new RegExp(`^${device.replace(/[.*?^${}()|[\]\\]/g, '\\$&').replace(/\+$/, '.*')}$`);

const deviceRules: Rule = (plan) => {
  const findings: LabFinding[] = [];
  const { devices } = plan.cilium;
  for (const device of devices) {
    if (!kindNodeDevices.some((d) => devicePattern(device).test(d))) {
      findings.push(
        refuse(
          'device-not-on-nodes',
          'cilium.devices',
          `kind nodes have no interface "${device}" (they have ${kindNodeDevices.join(', ')}); Cilium would not attach to it`,
          `Set devices to [${kindNodeDevices.join(', ')}].`,
        ),
      );
    }
  }
  for (const pattern of plan.l2Policy.interfaces) {
    let regex: RegExp;
    try {
      regex = new RegExp(pattern);
    } catch {
      findings.push(
        refuse(
          'policy-interface-invalid',
          'l2Policy.interfaces',
          `"${pattern}" is not a regular expression`,
          'Use e.g. ^eth[0-9]+',
        ),
      );
      continue;
    }
    if (!devices.some((device) => regex.test(device.replace(/\+$/, '0')))) {
      findings.push(
        refuse(
          'policy-interface-not-in-devices',
          'l2Policy.interfaces',
          `The L2 policy's interface "${pattern}" matches none of Cilium's devices (${devices.join(', ')}): no node would answer ARP for the pool's IPs`,
          `Use an interface regex matching a device, e.g. ^eth[0-9]+, or add the interface to cilium.devices.`,
        ),
      );
    }
  }
  return findings;
};

const routingRule: Rule = (plan) => {
  const { routingMode, ipv4NativeRoutingCIDR, autoDirectNodeRoutes } = plan.cilium;
  if (routingMode !== 'native') return [];
  if (!ipv4NativeRoutingCIDR) {
    return [
      refuse(
        'native-routing-without-cidr',
        'cilium.ipv4NativeRoutingCIDR',
        'routingMode native needs ipv4NativeRoutingCIDR (the chart refuses native routing without it)',
        `Set cilium.ipv4NativeRoutingCIDR to the pod subnet ${plan.cluster.podSubnet}, or use routingMode tunnel.`,
      ),
    ];
  }
  if (!autoDirectNodeRoutes) {
    return [
      {
        code: 'native-routing-without-direct-routes',
        field: 'cilium.autoDirectNodeRoutes',
        message: "With native routing on kind's shared L2 network, nodes need routes to each other's pod CIDRs",
        fix: 'Set cilium.autoDirectNodeRoutes: true.',
        severity: 'warning',
        applied: false,
      },
    ];
  }
  return [];
};

const sizeRules: Rule = (plan) => {
  const nodes = plan.cluster.controlPlanes + plan.cluster.workers;
  const findings: LabFinding[] = [];
  if (plan.cilium.operatorReplicas > nodes) {
    findings.push(
      refuse(
        'operator-replicas-above-nodes',
        'cilium.operatorReplicas',
        `operator.replicas ${plan.cilium.operatorReplicas} is more than the ${nodes} nodes: the operator pods repel each other, so the extra ones stay Pending`,
        `Set cilium.operatorReplicas to at most ${nodes}.`,
      ),
    );
  }
  if (cidrsOverlap(plan.cluster.podSubnet, plan.cluster.serviceSubnet)) {
    findings.push(
      refuse(
        'subnets-overlap',
        'cluster.serviceSubnet',
        `The pod subnet ${plan.cluster.podSubnet} and service subnet ${plan.cluster.serviceSubnet} overlap`,
        "Use kind's defaults 10.244.0.0/16 and 10.96.0.0/12.",
      ),
    );
  }
  const host = serviceHost(plan);
  const names = nodeNames(plan);
  if (![...names.controlPlanes, names.externalLoadBalancer].includes(host)) {
    findings.push(
      refuse(
        'k8s-service-host-unknown',
        'cilium.k8sServiceHost',
        `k8sServiceHost "${host}" names no control-plane node of cluster "${plan.cluster.name}": the agents cannot reach the API server`,
        `Leave it empty, or set ${names.externalLoadBalancer ?? names.controlPlanes[0]}.`,
      ),
    );
  }
  return findings;
};

// helm ignores values the chart does not have, silently: say it for cilium.extraValues.
const chartValuesRule: Rule = (plan) =>
  unknownChartKeys(plan.cilium.extraValues, plan.cilium.version).map((unknown) => ({
    code: 'chart-value-unknown',
    field: `cilium.extraValues.${unknown.path}`,
    message: `The chart has no value ${unknown.path}: ${unknown.why}; helm would ignore it silently`,
    fix: unknown.replacement ? `Use ${unknown.replacement}.` : 'Remove it.',
    severity: 'warning',
    applied: false,
  }));

// Pod or service addresses inside the kind network would shadow node addresses in routes.
const subnetsOnNetworkRule: Rule = (plan, env) => {
  const network = env?.network?.subnet;
  if (!network) return [];
  return (['podSubnet', 'serviceSubnet'] as const)
    .filter((field) => cidrsOverlap(plan.cluster[field], network))
    .map((field) =>
      refuse(
        'subnet-overlaps-network',
        `cluster.${field}`,
        `The ${field} ${plan.cluster[field]} overlaps the ${env!.networkName} network ${network}: pod or service routes would shadow the nodes`,
        field === 'podSubnet' ? "Use kind's default 10.244.0.0/16." : "Use kind's default 10.96.0.0/12.",
      ),
    );
};

export const planRules: readonly Rule[] = [
  nameRule,
  imageRule,
  leaseRule,
  deviceRules,
  routingRule,
  sizeRules,
  subnetsOnNetworkRule,
  chartValuesRule,
];

/** Everything in use on the network the pool must avoid, beside the containers. */
function usedRanges(plan: LabPlan, env: LabEnvironment): UsedRange[] {
  return [
    ...env.used,
    { cidr: plan.cluster.podSubnet, what: 'the pod subnet' },
    { cidr: plan.cluster.serviceSubnet, what: 'the service subnet' },
  ];
}

/** Resolves the pool against the network: the block to use, or the refusal. */
export function resolvePool(plan: LabPlan, env: LabEnvironment | undefined): { cidr?: string; findings: LabFinding[] } {
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
    if (plan.pool.cidr !== 'auto')
      return {
        cidr: plan.pool.cidr,
        findings: [
          {
            code: 'network-not-checked',
            field: 'pool.cidr',
            message: `The ${env.networkName} network does not exist yet, so ${plan.pool.cidr} could not be checked against it`,
            fix: 'Run the plan again once the first kind cluster exists.',
            severity: 'warning',
            applied: false,
          },
        ],
      };
    return {
      findings: [
        refuse(
          'network-missing',
          'pool.cidr',
          `pool.cidr is auto but the ${env.networkName} network does not exist yet, so there is nothing to carve from`,
          'Create any kind cluster first (kind creates the network), or set pool.cidr to a block inside the subnet the network will get.',
        ),
      ],
    };
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
