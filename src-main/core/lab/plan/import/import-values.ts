/**
 * The importer's values: helm's merge of values files and `--set`s, and what the article's risky
 * values become — kubeProxyReplacement set twice or `strict`, a k8sServiceHost naming no node,
 * devices kind nodes do not have.
 */
import { LabPlan, type LabFinding, type LabPlanInput } from '../../../../contract';
import { kubeProxyStrict } from '../../../diagnose/kube-proxy-strict';
import { closestName } from '../../../util/closest';
import { kindNodeDevices } from '../cluster-rules';
import { defaultPlan, nodeNames } from '../plan';
import { applyAssignment } from './helm-set';
import { finding, type Gathered } from './import-sources';

export type Values = Record<string, unknown>;

export function take(values: Values, path: string): unknown {
  const parts = path.split('.');
  let node: unknown = values;
  for (const part of parts.slice(0, -1)) node = node && typeof node === 'object' ? (node as Values)[part] : undefined;
  if (!node || typeof node !== 'object') return undefined;
  const value = (node as Values)[parts.at(-1)!];
  delete (node as Values)[parts.at(-1)!];
  return value;
}

export function pruneEmpty(values: Values): Values {
  for (const [key, value] of Object.entries(values)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      pruneEmpty(value as Values);
      if (Object.keys(value).length === 0) delete values[key];
    }
  }
  return values;
}

export const asBool = (value: unknown) => (value === undefined ? undefined : value === true || value === 'true');

/** helm's merge: values files first, then every --set in command-line order. */
export function mergedValues(g: Gathered): Values {
  const values: Values = {};
  for (const doc of g.valuesDocs) Object.assign(values, structuredClone(doc.body));
  for (const set of g.sets) applyAssignment(values, set);
  return values;
}

export function importKubeProxyReplacement(g: Gathered, findings: LabFinding[]): void {
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

export function importServiceHost(
  host: unknown,
  articleName: string,
  plan: LabPlanInput,
  findings: LabFinding[],
): void {
  if (host === undefined || host === 'auto') return;
  const article = nodeNames({ cluster: { ...defaultPlan(articleName).cluster, ...plan.cluster, name: articleName } });
  const planNodes = nodeNames(LabPlan.parse(plan));
  const apiHosts = [...article.controlPlanes, ...(article.externalLoadBalancer ? [article.externalLoadBalancer] : [])];
  const fixTo = planNodes.externalLoadBalancer ?? planNodes.controlPlanes[0]!;
  if (!apiHosts.includes(String(host))) {
    const near = closestName(String(host), [...apiHosts, ...article.workers]);
    const why = /^\d+\.\d+\.\d+\.\d+$/.test(String(host))
      ? 'a container address, which Docker may change when the node restarts'
      : `names no node of cluster "${articleName}" (its nodes: ${[...article.controlPlanes, ...article.workers].join(', ')})` +
        `${near ? `; did you mean ${near}?` : ''}: ` +
        `the agents cannot reach the API server, so Cilium never starts`;
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

export function importDevices(value: unknown, findings: LabFinding[]): string[] | undefined {
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
