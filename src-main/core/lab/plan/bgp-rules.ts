/**
 * BGP mode's refusals (issue 29): private ASNs that differ, timers a session can keep, a chart
 * with the BGP control plane, a node to speak; and its pool, outside the kind network.
 */
import type { LabFinding, LabPlan } from '../../../contract';
import type { LabEnvironment } from '../environment/lab-environment';
import { carveBgpPool, checkBgpPool, lbNetworkFor } from './bgp-pool';
import { chartHasValue } from './chart-keys';
import { refuse, type Rule } from './plan-rule';
import { bgpOf } from './render-bgp';

/** RFC 6996's private ranges: 64512–65534 (2-byte) and 4200000000–4294967294 (4-byte). */
export const isPrivateAsn = (asn: number) => (asn >= 64512 && asn <= 65534) || (asn >= 4200000000 && asn <= 4294967294);

// BGP mode: private ASNs, two of them (eBGP, so the router installs one next hop per node),
// timers a session can keep, and a chart that has the BGP control plane.
export const bgpRules: Rule = (plan) => {
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
        `The nodes and the router share ASN ${bgp.localASN}: that is iBGP, where the router would neither accept the nodes as one AS's equal paths` +
          ` nor pass their routes on without a route reflector`,
        `Give the router another private ASN, e.g. ${bgp.localASN === 65000 ? 65001 : 65000}.`,
      ),
    );
  if (bgp.keepAliveTimeSeconds * 3 > bgp.holdTimeSeconds)
    findings.push(
      refuse(
        'bgp-timers-inverted',
        'bgp.keepAliveTimeSeconds',
        `keepAliveTimeSeconds ${bgp.keepAliveTimeSeconds} must be at most a third of holdTimeSeconds ${bgp.holdTimeSeconds}` +
          ` (RFC 4271 suggests one third): one lost keepalive would drop the session`,
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

/**
 * BGP mode's pool: outside the kind network, in private space no route here uses (bgp-pool.ts).
 * Without the engine's view a given pool is taken as is; an auto one still carves, from the pod
 * and service subnets alone, and the run carves again once the engine is read.
 */
export function resolveBgpPool(
  plan: LabPlan,
  env: LabEnvironment | undefined,
): { cidr?: string; findings: LabFinding[] } {
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
        `${carved.ok ? `Use pool.cidr: auto (here ${carved.cidr})` : 'Use a free private block'}` +
          ` outside the kind network` +
          `${network && problem.code === 'pool-inside-kind-network' ? '; or announce: l2, where a node answers ARP for pool IPs inside it' : ''}.`,
      ),
    ],
  };
}
