/**
 * What the Cilium chart itself refuses at render time, by chart version — checked before
 * anything is applied, so a refused install leaves no release and no object, as helm's
 * template failure does. Values the chart does not know are ignored silently, as helm does.
 */
import type { KubeObject } from '../apiserver/kube-object.ts';

export class ChartRenderError extends Error {}

/** `1.16.5` → [1, 16, 5]; a leading `v` is allowed. */
export function chartVersionParts(version: string): [number, number, number] {
  const [major = 0, minor = 0, patch = 0] = version
    .replace(/^v/, '')
    .split(/[.-]/)
    .map((part) => Number.parseInt(part, 10) || 0);
  return [major, minor, patch];
}

const atLeast = (version: string, major: number, minor: number) => {
  const [a, b] = chartVersionParts(version);
  return a > major || (a === major && b >= minor);
};

/** The chart's kube-proxy replacement value as its template sees it (`toString`, default "false" since 1.14). */
export function kubeProxyReplacementOf(values: KubeObject): string {
  const value = values.kubeProxyReplacement;
  return value === undefined || value === null || value === '' ? 'false' : String(value);
}

/**
 * From 1.16 cilium-configmap.yaml fails unless kubeProxyReplacement is "true" or "false"
 * (cilium/cilium#36131, which quotes line 71:5 for 1.16 and 73:5 for 1.17). 1.15 still
 * takes the deprecated `strict`, and then lacks the replacement's features
 * (cilium/cilium#32711) — the simulation keeps L2 announcements silent for it.
 */
export function validateChartValues(values: KubeObject, chartVersion: string): void {
  const kpr = kubeProxyReplacementOf(values);
  if (atLeast(chartVersion, 1, 16) && kpr !== 'true' && kpr !== 'false') {
    const line = atLeast(chartVersion, 1, 17) ? '73:5' : '71:5';
    throw new ChartRenderError(
      `execution error at (cilium/templates/cilium-configmap.yaml:${line}): kubeProxyReplacement must be explicitly set to a valid value (true or false) to continue.`,
    );
  }
}

/**
 * Native routing without ipv4NativeRoutingCIDR is not refused by the chart: it renders,
 * and the agent then exits at start with this error (masquerading on, the default, and an
 * IPAM mode that does not derive the CIDR), so the agents crash-loop and nodes stay NotReady.
 */
export function agentStartError(config: Record<string, string>): string | undefined {
  if (config['routing-mode'] !== 'native' || config['ipv4-native-routing-cidr']) return undefined;
  if (config['enable-ipv4-masquerade'] === 'false' || config['enable-ip-masq-agent'] === 'true') return undefined;
  if (['eni', 'alibabacloud', 'azure'].includes(config.ipam ?? '')) return undefined;
  return `invalid daemon configuration: native routing cidr must be configured with option --ipv4-native-routing-cidr in combination with --enable-ipv4=true --enable-ipv4-masquerade=true --enable-ip-masq-agent=false --routing-mode=native --ipam=${config.ipam ?? 'cluster-pool'}`;
}
