/** The importer's Cilium part: merged values mapped onto the plan; the rest checked and passed through. */
import type { LabFinding, LabPlanInput } from '../../../../contract';
import { chartRefusals, unknownChartKeys } from '../chart-keys';
import { ciliumReleaseFor, ciliumReleases, defaultCompatRow } from '../../../../contract/compat-table';
import { defaultPlan, durationMs } from '../plan';
import { finding, type Gathered } from './import-sources';
import {
  asBool,
  importDevices,
  importKubeProxyReplacement,
  importServiceHost,
  mergedValues,
  pruneEmpty,
  take,
} from './import-values';

export function importCilium(g: Gathered, articleName: string, plan: LabPlanInput, findings: LabFinding[]): void {
  const values = mergedValues(g);
  const defaults = defaultPlan(plan.cluster.name).cilium;
  const nodes = (plan.cluster.controlPlanes ?? 1) + (plan.cluster.workers ?? 1);
  // A supported minor keeps the version asked; an older one (1.17 is end-of-life) is only
  // recognised, and mapped to the default release with a finding.
  const asked = g.helm?.version?.replace(/^v/, '');
  const version = asked && ciliumReleaseFor(asked) ? asked : defaultCompatRow.cilium[0]!;
  if (asked && asked !== version) {
    findings.push(
      finding(
        'cilium-version-replaced',
        '--version',
        `Cilium ${g.helm!.version} is not a release Kindscope installs (supported: ${ciliumReleases.map((r) => r.version).join(', ')}; ` +
          `1.17 and older are end-of-life): its values are checked against chart ${version}`,
        `Use Cilium ${version} on ${defaultCompatRow.image.split('@')[0]} (kind ${defaultCompatRow.kind}).`,
        true,
        'info',
      ),
    );
  }
  importKubeProxyReplacement(g, findings);
  take(values, 'kubeProxyReplacement');
  importServiceHost(take(values, 'k8sServiceHost'), articleName, plan, findings);
  const port = take(values, 'k8sServicePort');
  const ipamMode = take(values, 'ipam.mode');
  if (ipamMode !== 'kubernetes') {
    findings.push(
      finding(
        ipamMode === undefined ? 'ipam-mode-unset' : 'ipam-mode-not-kubernetes',
        'ipam.mode',
        `ipam.mode is ${ipamMode === undefined ? "unset, so the chart's default cluster-pool applies" : `"${String(ipamMode)}"`}: ` +
          `Cilium hands out pod addresses from 10.0.0.0/8 on its own instead of the nodes' pod CIDRs from the kind pod subnet`,
        'Set ipam.mode=kubernetes.',
        true,
      ),
    );
  }
  const l2 = {
    enabled: asBool(take(values, 'l2announcements.enabled')),
    leaseDuration: take(values, 'l2announcements.leaseDuration'),
    leaseRenewDeadline: take(values, 'l2announcements.leaseRenewDeadline'),
    leaseRetryPeriod: take(values, 'l2announcements.leaseRetryPeriod'),
  };
  if (l2.enabled !== true)
    findings.push(
      finding(
        'l2-announcements-off',
        'l2announcements.enabled',
        'L2 announcements are not enabled: no node would answer ARP for the LoadBalancer IPs',
        'Set l2announcements.enabled=true.',
        true,
      ),
    );
  const timings = {
    leaseDuration: String(l2.leaseDuration ?? defaults.l2announcements.leaseDuration),
    leaseRenewDeadline: String(l2.leaseRenewDeadline ?? defaults.l2announcements.leaseRenewDeadline),
    leaseRetryPeriod: String(l2.leaseRetryPeriod ?? defaults.l2announcements.leaseRetryPeriod),
  };
  const [d, r, p] = [
    durationMs(timings.leaseDuration),
    durationMs(timings.leaseRenewDeadline),
    durationMs(timings.leaseRetryPeriod),
  ];
  const inverted = d === undefined || r === undefined || p === undefined || !(d > r && r > p);
  if (inverted)
    findings.push(
      finding(
        'lease-timings-inverted',
        'l2announcements',
        `Lease timings ${timings.leaseDuration} / ${timings.leaseRenewDeadline} / ${timings.leaseRetryPeriod} ` +
          `break leaseDuration > leaseRenewDeadline > leaseRetryPeriod`,
        `Use ${defaults.l2announcements.leaseDuration} / ${defaults.l2announcements.leaseRenewDeadline} / ${defaults.l2announcements.leaseRetryPeriod}.`,
        true,
        'error',
      ),
    );
  const devices = importDevices(take(values, 'devices'), findings);
  const externalIPs = asBool(take(values, 'externalIPs.enabled'));
  let replicas = take(values, 'operator.replicas') as number | undefined;
  if (typeof replicas === 'number' && replicas > nodes) {
    findings.push(
      finding(
        'operator-replicas-above-nodes',
        'operator.replicas',
        `operator.replicas=${replicas} on ${nodes} nodes: the extra operator pods stay Pending`,
        `Set operator.replicas=${nodes}.`,
        true,
      ),
    );
    replicas = nodes;
  }
  const qps = take(values, 'k8sClientRateLimit.qps');
  const burst = take(values, 'k8sClientRateLimit.burst');
  if (qps === undefined)
    findings.push(
      finding(
        'rate-limit-default',
        'k8sClientRateLimit',
        'k8sClientRateLimit is not raised: ' +
          "each lease renewal is an API call, and the client's default rate (5–10 QPS) throttles them (Cilium's L2 announcements guide)",
        `Set k8sClientRateLimit.qps=${defaults.k8sClientRateLimit.qps} and burst=${defaults.k8sClientRateLimit.burst}.`,
        true,
        'info',
      ),
    );
  const routingMode = take(values, 'routingMode');
  let nativeCidr = take(values, 'ipv4NativeRoutingCIDR') as string | undefined;
  let directRoutes = asBool(take(values, 'autoDirectNodeRoutes'));
  if (routingMode === 'native' && !nativeCidr) {
    nativeCidr = plan.cluster.podSubnet ?? '10.244.0.0/16';
    directRoutes = true;
    findings.push(
      finding(
        'native-routing-without-cidr',
        'ipv4NativeRoutingCIDR',
        'routingMode=native without ipv4NativeRoutingCIDR: the chart refuses it',
        `Set ipv4NativeRoutingCIDR=${nativeCidr} and autoDirectNodeRoutes=true.`,
        true,
        'error',
      ),
    );
  }
  // What the chosen chart refuses (its `fail`s, evaluated on these values): a removed value is
  // dropped (the fix is unambiguous); anything else is left for the user, and blocks the run.
  for (const refusal of chartRefusals(pruneEmpty(values), version)) {
    findings.push(
      finding(
        'chart-refuses-value',
        refusal.paths[0] ?? 'values',
        `helm install fails: ${refusal.chartMessage} (cilium/${refusal.position}, chart ${version})`,
        refusal.fix,
        refusal.removedPaths.length > 0,
        'error',
      ),
    );
    for (const path of refusal.removedPaths) take(values, path);
  }
  for (const unknown of unknownChartKeys(pruneEmpty(values), version)) {
    findings.push(
      finding(
        'chart-value-unknown',
        unknown.path,
        `${unknown.path}: ${unknown.why}`,
        unknown.replacement ? `Use ${unknown.replacement} (removed ${unknown.path}).` : `Removed ${unknown.path}.`,
        true,
      ),
    );
    take(values, unknown.path);
  }
  plan.cilium = {
    version,
    ...(typeof port === 'number' ? { k8sServicePort: port } : {}),
    l2announcements: inverted ? { enabled: true } : { enabled: true, ...timings },
    ...(devices ? { devices } : {}),
    ...(externalIPs !== undefined ? { externalIPs } : {}),
    ...(typeof replicas === 'number' ? { operatorReplicas: replicas } : {}),
    ...(typeof qps === 'number'
      ? { k8sClientRateLimit: { qps, burst: typeof burst === 'number' ? burst : qps * 2 } }
      : {}),
    ...(routingMode === 'native'
      ? { routingMode: 'native', ipv4NativeRoutingCIDR: nativeCidr, autoDirectNodeRoutes: directRoutes ?? true }
      : {}),
    extraValues: pruneEmpty(values),
  };
}
