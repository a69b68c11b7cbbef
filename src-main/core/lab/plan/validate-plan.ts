/**
 * The plan's refusals: one small rule per cause, each naming the field and the fix.
 * `validatePlan` also resolves `pool.cidr: auto` against the kind network.
 */
import { finishedFinding, type LabFinding, type LabPlan } from '../../../contract';
import { chartRefusals, unknownChartKeys, valuePaths } from './chart-keys';
import { renderHelmValues } from './render';
import {
  ciliumReleaseFor,
  ciliumReleases,
  compatTable,
  defaultCompatRow,
  findCompatRow,
  isTestedPairing,
} from './compat-table';
import { cidrsOverlap } from '../../net/cidr';
import { carvePool, checkPool, isCanonicalIPv4Cidr, type UsedRange } from './pool-carve';
import { durationMs, nodeNames, serviceHost } from './plan';
import { carveBgpPool, checkBgpPool, lbNetworkFor } from './bgp-pool';
import { bgpOf } from './render';
import { chartHasValue } from './chart-keys';
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
  const { version, allowUntested, untestedReason } = plan.cilium;
  const release = ciliumReleaseFor(version);
  if (!release) {
    return [
      refuse(
        'cilium-version-unsupported',
        'cilium.version',
        `Cilium ${version} is not a supported release (supported: ${ciliumReleases.map((r) => r.version).join(', ')}; 1.17 and older are end-of-life)`,
        `Use Cilium ${defaultCompatRow.cilium[0]} (kind ${defaultCompatRow.kind}, ${defaultCompatRow.image.split('@')[0]}).`,
      ),
    ];
  }
  if (isTestedPairing(version, row.kubernetes)) return [];
  const tested = compatTable
    .filter((r) => isTestedPairing(version, r.kubernetes))
    .map((r) => `kind ${r.kind} with ${r.image.split('@')[0]}`);
  const why = `Cilium ${version}'s compatibility document lists Kubernetes ${release.tested.join(', ')} as e2e tested, not ${row.kubernetes} (${release.source}). Cilium: unlisted versions "will depend on the forward / backward compatibility offered by Kubernetes" — untested, not unsupported`;
  if (allowUntested)
    return [
      {
        code: 'cilium-untested-acknowledged',
        field: 'cilium.allowUntested',
        message: `Untested pairing, acknowledged${untestedReason ? ` (${untestedReason})` : ''}: ${why}`,
        fix: tested.length
          ? `For a tested pairing use ${tested[0]}.`
          : 'No tested pairing exists for this Cilium in the table.',
        severity: 'warning',
        applied: false,
      },
    ];
  return [
    refuse(
      'cilium-not-tested',
      'cilium.version',
      `${why}${row.cilium.length ? `; tested there: ${row.cilium.join(', ')}` : '; no Cilium release lists it yet'}`,
      `Acknowledge it with --allow-untested (cilium.allowUntested: true, with a reason), or use ${tested[0] ?? `kind ${defaultCompatRow.kind} with ${defaultCompatRow.image.split('@')[0]}`}${row.cilium[0] ? `, or Cilium ${row.cilium[0]} on this image` : ''}.`,
    ),
  ];
};

const leaseRule: Rule = (plan) => {
  if (plan.announce === 'bgp') return [];
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
  for (const pattern of plan.announce === 'bgp' ? [] : plan.l2Policy.interfaces) {
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

// Judged by the chosen chart's own files (generated tables): a value the chart does not
// have is ignored by helm (a warning, removal offered); a value one of its `fail`s catches
// makes `helm install` fail and install nothing (an error that blocks the run).
const chartValuesRule: Rule = (plan) => {
  const { version, extraValues } = plan.cilium;
  const extraPaths = valuePaths(extraValues);
  const refusals = chartRefusals(renderHelmValues(plan), version);
  const refused = refusals.map((refusal) => {
    const path = refusal.paths.find((p) => extraPaths.some((e) => e === p || e.startsWith(`${p}.`)));
    return refuse(
      'chart-refuses-value',
      path ? `cilium.extraValues.${path}` : `cilium.${refusal.paths[0] ?? 'extraValues'}`,
      `helm install fails: ${refusal.chartMessage} (cilium/${refusal.position}, Cilium chart ${version})`,
      refusal.fix,
    );
  });
  // A value a refusal catches is not ignored: only the rest is.
  const caught = (path: string) => refusals.some((r) => r.paths.some((p) => path === p || path.startsWith(`${p}.`)));
  const ignored = unknownChartKeys(extraValues, version)
    .filter((unknown) => !caught(unknown.path))
    .map((unknown): LabFinding => ({
      code: 'chart-value-unknown',
      field: `cilium.extraValues.${unknown.path}`,
      message: `${unknown.path}: ${unknown.why}`,
      fix: unknown.replacement ? `Use ${unknown.replacement}, or remove ${unknown.path}.` : `Remove ${unknown.path}.`,
      severity: 'warning',
      applied: false,
    }));
  return [...refused, ...ignored];
};

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

/** RFC 6996's private ranges: 64512–65534 (2-byte) and 4200000000–4294967294 (4-byte). */
export const isPrivateAsn = (asn: number) => (asn >= 64512 && asn <= 65534) || (asn >= 4200000000 && asn <= 4294967294);

// BGP mode: private ASNs, two of them (eBGP, so the router installs one next hop per node),
// timers a session can keep, and a chart that has the BGP control plane.
const bgpRules: Rule = (plan) => {
  if (plan.announce !== 'bgp') return [];
  const bgp = bgpOf(plan);
  const findings: LabFinding[] = [];
  for (const field of ['localASN', 'routerASN'] as const)
    if (!isPrivateAsn(bgp[field]))
      findings.push(
        refuse(
          'bgp-asn-not-private',
          `bgp.${field}`,
          `ASN ${bgp[field]} is not a private ASN (RFC 6996: 64512–65534 or 4200000000–4294967294); a lab must not pose as a real network's AS`,
          `Use a private ASN, e.g. ${field === 'localASN' ? 65001 : 65000}.`,
        ),
      );
  if (bgp.localASN === bgp.routerASN)
    findings.push(
      refuse(
        'bgp-asn-same',
        'bgp.routerASN',
        `The nodes and the router share ASN ${bgp.localASN}: that is iBGP, where the router would neither accept the nodes as one AS's equal paths nor pass their routes on without a route reflector`,
        `Give the router another private ASN, e.g. ${bgp.localASN === 65000 ? 65001 : 65000}.`,
      ),
    );
  if (bgp.keepAliveTimeSeconds * 3 > bgp.holdTimeSeconds)
    findings.push(
      refuse(
        'bgp-timers-inverted',
        'bgp.keepAliveTimeSeconds',
        `keepAliveTimeSeconds ${bgp.keepAliveTimeSeconds} must be at most a third of holdTimeSeconds ${bgp.holdTimeSeconds} (RFC 4271 suggests one third): one lost keepalive would drop the session`,
        `Use e.g. holdTimeSeconds ${Math.max(3, bgp.keepAliveTimeSeconds * 3)} with keepAliveTimeSeconds ${bgp.keepAliveTimeSeconds}, or the lab's 9 / 3.`,
      ),
    );
  if (!chartHasValue(plan.cilium.version, 'bgpControlPlane.enabled'))
    findings.push(
      refuse(
        'bgp-not-in-chart',
        'announce',
        `Cilium chart ${plan.cilium.version} has no bgpControlPlane.enabled value`,
        'Use a supported Cilium release (1.18 or later), or announce: l2.',
      ),
    );
  if (plan.cluster.workers === 0 && bgp.nodes === 'workers')
    findings.push(
      refuse(
        'bgp-no-speaker',
        'bgp.nodes',
        'bgp.nodes is workers but the plan has no worker: no node would peer with the router',
        'Add a worker (cluster.workers: 2), or set bgp.nodes: all.',
      ),
    );
  return findings;
};

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
];

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
    message: `pool.cidr is auto: the pool is carved from the \`${networkName}\` network once kind creates it — on a fresh Docker that is usually ${usualKindSubnet}${example.ok ? `, giving ${example.cidr}` : ''}`,
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

/**
 * BGP mode's pool: outside the kind network, in private space no route here uses (bgp-pool.ts).
 * Without the engine's view a given pool is taken as is; an auto one still carves, from the pod
 * and service subnets alone, and the run carves again once the engine is read.
 */
function resolveBgpPool(plan: LabPlan, env: LabEnvironment | undefined): { cidr?: string; findings: LabFinding[] } {
  const routed = [
    ...(env?.routed ?? []),
    { cidr: plan.cluster.podSubnet, what: 'the pod subnet' },
    { cidr: plan.cluster.serviceSubnet, what: 'the service subnet' },
  ];
  const carved = carveBgpPool([
    ...routed,
    ...(env?.network ? [{ cidr: env.network.subnet, what: `the ${env.networkName} network` }] : []),
  ]);
  if (plan.pool.cidr === 'auto')
    return carved.ok
      ? { cidr: carved.cidr, findings: [] }
      : {
          findings: [
            refuse(
              'pool-no-room',
              'pool.cidr',
              carved.reason,
              'Set pool.cidr to a free private block outside the kind network.',
            ),
          ],
        };
  const problem = checkBgpPool(plan.pool.cidr, env?.network?.subnet, routed);
  if (!problem) return { cidr: plan.pool.cidr, findings: [] };
  const network = lbNetworkFor(plan.pool.cidr);
  return {
    findings: [
      refuse(
        problem.code,
        'pool.cidr',
        problem.message,
        `${carved.ok ? `Use pool.cidr: auto (here ${carved.cidr})` : 'Use a free private block'} outside the kind network${network && problem.code === 'pool-inside-kind-network' ? '; or announce: l2, where a node answers ARP for pool IPs inside it' : ''}.`,
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
