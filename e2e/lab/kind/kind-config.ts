import { isIP } from 'node:net';
import { parse } from 'yaml';

export interface KindNodeConfig {
  role: 'control-plane' | 'worker';
  image: string;
}

export interface KindClusterConfig {
  name: string;
  nodes: KindNodeConfig[];
  networking: {
    ipFamily: 'ipv4' | 'ipv6' | 'dual';
    apiServerAddress: string;
    apiServerPort: number;
    podSubnet: string;
    serviceSubnet: string;
    disableDefaultCNI: boolean;
    kubeProxyMode: 'iptables' | 'ipvs' | 'nftables' | 'none';
  };
}

/** kind v0.29's default node image. */
export const defaultNodeImage = 'kindest/node:v1.33.1';

const topLevelFields = new Set([
  'kind',
  'apiVersion',
  'name',
  'nodes',
  'networking',
  'featureGates',
  'runtimeConfig',
  'kubeadmConfigPatches',
  'kubeadmConfigPatchesJSON6902',
  'containerdConfigPatches',
  'containerdConfigPatchesJSON6902',
]);
const nodeFields = new Set([
  'role',
  'image',
  'labels',
  'extraMounts',
  'extraPortMappings',
  'kubeadmConfigPatches',
  'kubeadmConfigPatchesJSON6902',
]);
const networkingFields = new Set([
  'ipFamily',
  'apiServerPort',
  'apiServerAddress',
  'podSubnet',
  'serviceSubnet',
  'disableDefaultCNI',
  'kubeProxyMode',
  'dnsSearch',
]);

export class KindConfigError extends Error {}

/**
 * Reads a kind `Cluster` config (kind.x-k8s.io/v1alpha4) as kind does: strict fields,
 * defaults, then kind's validation messages (pkg/internal/apis/config/validate.go).
 */
export function loadKindConfig(
  text: string | undefined,
  options: { name?: string; image?: string },
): KindClusterConfig {
  const raw = (text === undefined ? { kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4' } : parse(text)) as Record<
    string,
    unknown
  > | null;
  if (!raw || typeof raw !== 'object')
    throw new KindConfigError('unable to decode config: the config is empty or not a YAML object');
  if (raw.kind !== 'Cluster') throw new KindConfigError(`unknown kind "${String(raw.kind)}" (expected "Cluster")`);
  if (raw.apiVersion !== 'kind.x-k8s.io/v1alpha4')
    throw new KindConfigError(`unknown apiVersion: ${String(raw.apiVersion)}`);
  strictFields(raw, topLevelFields, '');
  const networkingRaw = (raw.networking ?? {}) as Record<string, unknown>;
  strictFields(networkingRaw, networkingFields, 'networking.');
  const nodesRaw = (raw.nodes ?? [{ role: 'control-plane' }]) as Record<string, unknown>[];
  if (!Array.isArray(nodesRaw)) throw new KindConfigError('unable to decode config: nodes must be a list');

  const ipFamily = (networkingRaw.ipFamily ?? 'ipv4') as KindClusterConfig['networking']['ipFamily'];
  const defaults = {
    ipv4: { pod: '10.244.0.0/16', service: '10.96.0.0/16', address: '127.0.0.1' },
    ipv6: { pod: 'fd00:10:244::/56', service: 'fd00:10:96::/112', address: '::1' },
    dual: { pod: '10.244.0.0/16,fd00:10:244::/56', service: '10.96.0.0/16,fd00:10:96::/112', address: '127.0.0.1' },
  }[ipFamily] ?? { pod: '10.244.0.0/16', service: '10.96.0.0/16', address: '127.0.0.1' };

  const config: KindClusterConfig = {
    name: options.name ?? (typeof raw.name === 'string' ? raw.name : 'kind'),
    nodes: nodesRaw.map((node) => {
      strictFields(node, nodeFields, 'nodes[].');
      return {
        role: node.role as KindNodeConfig['role'],
        image: options.image ?? (typeof node.image === 'string' ? node.image : defaultNodeImage),
      };
    }),
    networking: {
      ipFamily,
      apiServerAddress: String(networkingRaw.apiServerAddress ?? defaults.address),
      apiServerPort: Number(networkingRaw.apiServerPort ?? 0),
      podSubnet: String(networkingRaw.podSubnet ?? defaults.pod),
      serviceSubnet: String(networkingRaw.serviceSubnet ?? defaults.service),
      disableDefaultCNI: networkingRaw.disableDefaultCNI === true,
      kubeProxyMode: (networkingRaw.kubeProxyMode ?? 'iptables') as KindClusterConfig['networking']['kubeProxyMode'],
    },
  };
  validate(config);
  return config;
}

function strictFields(object: Record<string, unknown>, allowed: Set<string>, prefix: string): void {
  for (const key of Object.keys(object)) {
    if (!allowed.has(key))
      throw new KindConfigError(`unable to decode config: strict decoding error: unknown field "${prefix}${key}"`);
  }
}

function validate(config: KindClusterConfig): void {
  const errors: string[] = [];
  if (!/^[a-z0-9.-]+$/.test(config.name))
    errors.push(`'${config.name}' is not a valid cluster name, cluster names must match \`^[a-z0-9.-]+$\``);
  const { networking } = config;
  if (
    networking.apiServerPort < -1 ||
    networking.apiServerPort > 65535 ||
    !Number.isInteger(networking.apiServerPort)
  ) {
    errors.push(`invalid apiServerPort: invalid port number: ${networking.apiServerPort}`);
  }
  if (!isIP(networking.apiServerAddress)) errors.push(`invalid apiServerAddress: ${networking.apiServerAddress}`);
  if (!['ipv4', 'ipv6', 'dual'].includes(networking.ipFamily)) errors.push(`invalid ipFamily: ${networking.ipFamily}`);
  const podError = subnetError(networking.podSubnet, networking.ipFamily);
  if (podError) errors.push(`invalid pod subnet ${podError}`);
  const serviceError = subnetError(networking.serviceSubnet, networking.ipFamily);
  if (serviceError) errors.push(`invalid service subnet ${serviceError}`);
  if (!['iptables', 'ipvs', 'nftables', 'none'].includes(networking.kubeProxyMode))
    errors.push(`invalid kubeProxyMode: ${networking.kubeProxyMode}`);
  config.nodes.forEach((node, index) => {
    if (node.role !== 'control-plane' && node.role !== 'worker')
      errors.push(`invalid configuration for node ${index}: "${String(node.role)}" is not a valid node role`);
  });
  const controlPlanes = config.nodes.filter((node) => node.role === 'control-plane').length;
  if (controlPlanes < 1) errors.push('must have at least one control-plane node');
  if (errors.length > 0) throw new KindConfigError(errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]`);
  if (controlPlanes > 1)
    throw new KindConfigError('the test lab simulates one control-plane node; remove the extra control-plane nodes');
}

function subnetError(value: string, family: string): string | undefined {
  const parts = value.split(',');
  for (const part of parts) {
    const [address, bits, ...rest] = part.split('/');
    const kind = isIP(address ?? '');
    const max = kind === 6 ? 128 : 32;
    if (!kind || rest.length > 0 || bits === undefined || !/^\d+$/.test(bits) || Number(bits) > max) {
      return `failed to parse cidr value:"${part}" with error: invalid CIDR address: ${part}`;
    }
  }
  const families = parts.map((part) => isIP(part.split('/')[0]!));
  if (family === 'dual') {
    if (parts.length > 2 || (parts.length === 2 && families[0] === families[1]))
      return 'expected one (IPv4 or IPv6) CIDR or two CIDRs from each family for dual-stack networking';
    return undefined;
  }
  if (parts.length > 1) return 'only one CIDR allowed for single-stack networking';
  if (family === 'ipv4' && families[0] !== 4) return 'expected IPv4 CIDR for IPv4 family';
  if (family === 'ipv6' && families[0] !== 6) return 'expected IPv6 CIDR for IPv6 family';
  return undefined;
}

/** `kindest/node:v1.33.1` → `v1.33.1` (digests ignored). */
export function kubernetesVersionOf(image: string): string {
  const match = /:(v\d+\.\d+\.\d+)/.exec(image);
  return match ? match[1]! : 'v1.33.1';
}
