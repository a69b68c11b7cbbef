/**
 * The importer: pasted kind configs, values files and helm/kind command lines → a lab
 * plan plus findings `{ code, message, fix }`, each fix applied in the returned plan
 * where it is unambiguous. The returned plan contains none of the mistakes it reports.
 */
import { LabPlan, finishedFinding, type LabFinding, type LabPlanInput } from '../../../../contract';
import { kubeProxyStrict } from '../../../diagnose/kube-proxy-strict';
import { closestName } from '../../../util/closest';
import { chartRefusals, unknownChartKeys } from '../chart-keys';
import {
  ciliumReleaseFor,
  ciliumReleases,
  compatTable,
  defaultCompatRow,
  isTestedPairing,
  newestTestedRow,
} from '../compat-table';
import type { LabEnvironment } from '../../environment/lab-environment';
import { defaultPlan, durationMs, nodeNames } from '../plan';
import { kindNodeDevices, validatePlan } from '../validate-plan';
import { applyAssignment } from './helm-set';
import { finding, gather, type Gathered } from './import-sources';
import { importPolicyAndSample, importPool } from './import-manifests';

type Values = Record<string, unknown>;

function take(values: Values, path: string): unknown {
  const parts = path.split('.');
  let node: unknown = values;
  for (const part of parts.slice(0, -1)) node = node && typeof node === 'object' ? (node as Values)[part] : undefined;
  if (!node || typeof node !== 'object') return undefined;
  const value = (node as Values)[parts.at(-1)!];
  delete (node as Values)[parts.at(-1)!];
  return value;
}

function pruneEmpty(values: Values): Values {
  for (const [key, value] of Object.entries(values)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      pruneEmpty(value as Values);
      if (Object.keys(value).length === 0) delete values[key];
    }
  }
  return values;
}

const asBool = (value: unknown) => (value === undefined ? undefined : value === true || value === 'true');

/** The cluster part: kind config and `kind create cluster` flags. */
function importCluster(
  g: Gathered,
  name: string | undefined,
  findings: LabFinding[],
): { articleName: string; cluster: LabPlanInput['cluster'] } {
  const config = (g.kindConfig?.body ?? {}) as {
    name?: string;
    networking?: Values;
    nodes?: { role?: string; image?: string }[];
  };
  // kind's own default name is "kind" (nodes kind-control-plane, kind-worker).
  const articleName = g.kindCreate?.name ?? config.name ?? 'kind';
  const networking = config.networking ?? {};
  const nodes = config.nodes ?? [{ role: 'control-plane' }, { role: 'worker' }];
  if (g.kindConfig && networking.disableDefaultCNI !== true)
    findings.push(
      finding(
        'kind-default-cni',
        'networking.disableDefaultCNI',
        'The kind config keeps kindnet (disableDefaultCNI is not true): two CNIs would fight over the pods',
        'Set networking.disableDefaultCNI: true.',
        true,
      ),
    );
  if (g.kindConfig && networking.kubeProxyMode !== 'none')
    findings.push(
      finding(
        'kind-kube-proxy',
        'networking.kubeProxyMode',
        `The kind config keeps kube-proxy (kubeProxyMode ${String(networking.kubeProxyMode ?? 'iptables')}) while Cilium replaces it`,
        'Set networking.kubeProxyMode: none.',
        true,
      ),
    );
  const images = [...new Set([g.kindCreate?.image, ...nodes.map((n) => n.image)].filter((i): i is string => !!i))];
  const row = compatTable.find((r) => images.length === 1 && r.image === images[0]) ?? defaultCompatRow;
  if (images.length > 0 && row.image !== images[0])
    findings.push(
      finding(
        'image-replaced',
        'nodes[].image',
        `Node image ${images.join(', ')} is not pinned by a digest from a kind release note`,
        `Use ${row.image} (kind ${row.kind}).`,
        true,
      ),
    );
  const controlPlanes = Math.max(1, nodes.filter((n) => n.role === 'control-plane').length);
  return {
    articleName,
    cluster: {
      name: name ?? articleName,
      kindVersion: row.kind,
      nodeImage: row.image,
      controlPlanes,
      workers: nodes.filter((n) => n.role === 'worker').length,
      ...(typeof networking.podSubnet === 'string' ? { podSubnet: networking.podSubnet } : {}),
      ...(typeof networking.serviceSubnet === 'string' ? { serviceSubnet: networking.serviceSubnet } : {}),
    },
  };
}

/** helm's merge: values files first, then every --set in command-line order. */
function mergedValues(g: Gathered): Values {
  const values: Values = {};
  for (const doc of g.valuesDocs) Object.assign(values, structuredClone(doc.body));
  for (const set of g.sets) applyAssignment(values, set);
  return values;
}

function importKubeProxyReplacement(g: Gathered, findings: LabFinding[]): void {
  const sets = g.sets.filter((s) => s.key === 'kubeProxyReplacement');
  const last = sets.at(-1);
  const twice =
    sets.length > 1
      ? `is set ${sets.length} times (${sets.map((s) => s.raw).join(', then ')}); helm keeps the last, so it is "${last!.raw}"`
      : `is "${last?.raw}"`;
  if (kubeProxyStrict.is(last?.raw)) {
    findings.push(
      finding(
        kubeProxyStrict.code,
        'kubeProxyReplacement',
        kubeProxyStrict.message(`kubeProxyReplacement ${twice}`),
        `Set ${kubeProxyStrict.set}, once.`,
        true,
        'error',
      ),
    );
  } else if (last && last.value !== true && last.raw !== 'true') {
    findings.push(
      finding(
        'kube-proxy-replacement-off',
        'kubeProxyReplacement',
        `kubeProxyReplacement ${twice}: with kube-proxy removed (kubeProxyMode none) nothing would implement Services`,
        'Set kubeProxyReplacement=true.',
        true,
        'error',
      ),
    );
  } else if (sets.length > 1) {
    findings.push(
      finding('value-set-twice', 'kubeProxyReplacement', `kubeProxyReplacement ${twice}`, 'Set it once.', true, 'info'),
    );
  }
}

function importServiceHost(host: unknown, articleName: string, plan: LabPlanInput, findings: LabFinding[]): void {
  if (host === undefined || host === 'auto') return;
  const article = nodeNames({ cluster: { ...defaultPlan(articleName).cluster, ...plan.cluster, name: articleName } });
  const planNodes = nodeNames(LabPlan.parse(plan));
  const apiHosts = [...article.controlPlanes, ...(article.externalLoadBalancer ? [article.externalLoadBalancer] : [])];
  const fixTo = planNodes.externalLoadBalancer ?? planNodes.controlPlanes[0]!;
  if (!apiHosts.includes(String(host))) {
    const near = closestName(String(host), [...apiHosts, ...article.workers]);
    const why = /^\d+\.\d+\.\d+\.\d+$/.test(String(host))
      ? 'a container address, which Docker may change when the node restarts'
      : `names no node of cluster "${articleName}" (its nodes: ${[...article.controlPlanes, ...article.workers].join(', ')})${near ? `; did you mean ${near}?` : ''}: the agents cannot reach the API server, so Cilium never starts`;
    findings.push(
      finding(
        'k8s-service-host-unknown',
        'k8sServiceHost',
        `k8sServiceHost=${String(host)} ${why}`,
        `Set k8sServiceHost=${fixTo}.`,
        true,
        'error',
      ),
    );
  } else if (String(host) !== fixTo) {
    findings.push(
      finding(
        'k8s-service-host-renamed',
        'k8sServiceHost',
        // No plan name in the message: the fix names the plan's node, and follows a rename (followClusterName).
        `k8sServiceHost=${String(host)} belongs to cluster "${articleName}", not to the plan's cluster`,
        `Set k8sServiceHost=${fixTo}.`,
        true,
        'info',
      ),
    );
  }
}

function importDevices(value: unknown, findings: LabFinding[]): string[] | undefined {
  if (value === undefined) return undefined;
  const devices = (Array.isArray(value) ? value.map(String) : String(value).split(/[\s,]+/)).filter(Boolean);
  const present = devices.filter((d) => kindNodeDevices.some((k) => new RegExp(`^${d.replace(/\+$/, '.*')}$`).test(k)));
  for (const device of devices.filter((d) => !present.includes(d))) {
    findings.push(
      finding(
        'device-not-on-nodes',
        'devices',
        `devices lists "${device}", an interface kind nodes do not have (they have ${kindNodeDevices.join(', ')}): Cilium cannot attach to it`,
        `Remove ${device}: devices=${present.length ? present.join(',') : kindNodeDevices.join(',')}.`,
        true,
        'error',
      ),
    );
  }
  return present.length ? present : [...kindNodeDevices];
}

/** The Cilium part: merged values mapped onto the plan; the rest checked and passed through. */
function importCilium(g: Gathered, articleName: string, plan: LabPlanInput, findings: LabFinding[]): void {
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
        `Cilium ${g.helm!.version} is not a release Kindscope installs (supported: ${ciliumReleases.map((r) => r.version).join(', ')}; 1.17 and older are end-of-life): its values are checked against chart ${version}`,
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
        `ipam.mode is ${ipamMode === undefined ? "unset, so the chart's default cluster-pool applies" : `"${String(ipamMode)}"`}: Cilium hands out pod addresses from 10.0.0.0/8 on its own instead of the nodes' pod CIDRs from the kind pod subnet`,
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
        `Lease timings ${timings.leaseDuration} / ${timings.leaseRenewDeadline} / ${timings.leaseRetryPeriod} break leaseDuration > leaseRenewDeadline > leaseRetryPeriod`,
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
        "k8sClientRateLimit is not raised: each lease renewal is an API call, and the client's default rate (5–10 QPS) throttles them (Cilium's L2 announcements guide)",
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
  const parsed = LabPlan.parse(plan);
  // What is left for the plan's own rules (e.g. the name is taken on this engine).
  const remaining = validatePlan(parsed, options.env).findings.filter(
    (f) => !findings.some((x) => x.code === f.code && x.applied),
  );
  return { plan: parsed, findings: [...findings, ...remaining].map(finishedFinding) };
}
