/**
 * Dual stack that is dual (issue 26 item 6): the plan's IPv6 pool block, judged against the
 * cluster's families, kind's IPv6 subnets and what the chosen Cilium announces.
 */
import { kindNetworkingDefaults, type LabFinding, type LabPlan } from '../../../contract';
import { cidrsOverlap, parseCidr } from '../../net/cidr';
import { versionAtLeast } from '../../../contract/compat-table';

const finding = (severity: LabFinding['severity'], code: string, message: string, fix: string): LabFinding => ({
  code,
  field: 'pool.ipv6Cidr',
  message,
  fix,
  severity,
  applied: false,
});

export function ipFamilyFindings(plan: LabPlan): LabFinding[] {
  const block = plan.pool.ipv6Cidr;
  if (!block) return [];
  const parsed = parseCidr(block);
  if (!parsed || parsed.family !== 6)
    return [
      finding('error', 'pool-ipv6-invalid', `${block} is not an IPv6 CIDR`, 'Give a block such as fd00:10:250::/112.'),
    ];
  if (plan.cluster.ipFamily !== 'dual')
    return [
      finding(
        'error',
        'pool-ipv6-single-stack',
        `The pool has an IPv6 block ${block} but the cluster is IPv4 only (cluster.ipFamily ${plan.cluster.ipFamily}): no service can get an IPv6 address`,
        'Set cluster.ipFamily: dual, or remove pool.ipv6Cidr.',
      ),
    ];
  const findings: LabFinding[] = [];
  // kind's dual defaults (pkg/apis/config/v1alpha4/default.go): pods and ClusterIPs live there.
  for (const [what, cidr] of [
    ['pod', kindNetworkingDefaults.podSubnetIPv6],
    ['service', kindNetworkingDefaults.serviceSubnetIPv6],
  ] as const)
    if (cidrsOverlap(block, cidr))
      findings.push(
        finding(
          'error',
          'pool-ipv6-overlaps-cluster',
          `The pool's IPv6 block ${block} overlaps kind's IPv6 ${what} subnet ${cidr}`,
          'Use a block outside fd00:10:244::/56 and fd00:10:96::/112, such as fd00:10:250::/112.',
        ),
      );
  // L2 announcements answer NDP (IPv6) only from Cilium 1.19 (cilium/cilium#39648; before it the
  // docs listed "no IPv6/NDP" as a limitation, cilium/cilium#28985): on 1.18 an IPv6 IP is
  // assigned from the pool but no node answers for it.
  if (!versionAtLeast(plan.cilium.version, '1.19.0'))
    findings.push(
      finding(
        'warning',
        'pool-ipv6-not-announced',
        `Cilium ${plan.cilium.version} does not announce IPv6 LoadBalancer IPs: ` +
          `L2 announcements answer NDP from 1.19 on (cilium/cilium#39648), so an IPv6 IP from ${block} is assigned but unreachable`,
        'Choose Cilium 1.19 or newer, or remove pool.ipv6Cidr.',
      ),
    );
  return findings;
}
