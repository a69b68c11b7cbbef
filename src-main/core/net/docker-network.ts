import type { ParseResult } from './ip-route';

export interface DockerNetworkSubnet {
  subnet: string;
  gateway?: string;
  family: 4 | 6;
}

export interface DockerNetworkContainer {
  id: string;
  name: string;
  mac?: string;
  ipv4?: string;
  ipv6?: string;
}

export interface DockerNetwork {
  /** Which tool printed it: docker (and podman's docker-compatible API), podman netavark or CNI, or a jq filter of subnets. */
  format: 'docker' | 'podman-netavark' | 'podman-cni' | 'subnets-only';
  name: string;
  id?: string;
  driver?: string;
  subnets: DockerNetworkSubnet[];
  ipv6: boolean;
  internal: boolean;
  mtu?: number;
  /** The Linux bridge on the engine's host: `br-<id12>`, docker0, a named bridge, podman1, cni-podman0. */
  bridge?: string;
  options: Record<string, string>;
  labels: Record<string, string>;
  containers: DockerNetworkContainer[];
}

const family = (cidr: string): 4 | 6 => (cidr.includes(':') ? 6 : 4);
const strip = (address: string | undefined) => (address ? address.split('/')[0] : undefined);

/** The bridge device of a Docker bridge network, as dockerd names it. */
export function bridgeNameOf(network: {
  Name?: string;
  Id?: string;
  Driver?: string;
  Options?: Record<string, string> | null;
}): string | undefined {
  if (network.Driver && network.Driver !== 'bridge') return undefined;
  const named = network.Options?.['com.docker.network.bridge.name'];
  if (named) return named;
  if (network.Name === 'bridge') return 'docker0';
  return network.Id ? `br-${network.Id.slice(0, 12)}` : undefined;
}

/**
 * Parses `docker network inspect` output (an array or one object; also dockerode's
 * object) and podman's variants (netavark `subnets`, CNI `plugins`), and a jq list of
 * subnet strings. Text around the JSON (a `# source:` line) is kept as unparsed.
 */
export function parseDockerNetwork(input: string | unknown): ParseResult<DockerNetwork> {
  let value: unknown = input;
  const unparsed: string[] = [];
  if (typeof input === 'string') {
    const lines = input.split('\n');
    const first = lines.findIndex((l) => /^\s*[[{"]/.test(l));
    unparsed.push(...lines.slice(0, Math.max(0, first)).filter((l) => l.trim()));
    const body = lines.slice(Math.max(0, first)).join('\n').trim();
    try {
      value = JSON.parse(body);
    } catch {
      // A jq listing of quoted subnets, one per line.
      const subnets = body.split('\n').map((l) => /^"([^"]+)"$/.exec(l.trim())?.[1]);
      if (subnets.length > 0 && subnets.every(Boolean)) {
        return {
          items: [
            {
              format: 'subnets-only',
              name: '',
              subnets: subnets.map((s) => ({ subnet: s!, family: family(s!) })),
              ipv6: subnets.some((s) => s!.includes(':')),
              internal: false,
              options: {},
              labels: {},
              containers: [],
            },
          ],
          unparsed,
        };
      }
      return { items: [], unparsed: [...unparsed, body] };
    }
  }
  const list = Array.isArray(value) ? value : [value];
  const items: DockerNetwork[] = [];
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) {
      unparsed.push(JSON.stringify(entry));
      continue;
    }
    const network = fromObject(entry as Record<string, unknown>);
    if (network) items.push(network);
    else unparsed.push(JSON.stringify(entry));
  }
  return { items, unparsed };
}

function fromObject(o: Record<string, unknown>): DockerNetwork | undefined {
  const record = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, string>) : {});
  if (typeof o.Name === 'string') {
    const ipam = record(o.IPAM) as unknown as { Config?: { Subnet?: string; Gateway?: string }[] | null };
    const options = record(o.Options);
    const containers = Object.entries(record(o.Containers) as unknown as Record<string, Record<string, string>>).map(
      ([id, c]) => ({
        id,
        name: c.Name ?? '',
        ...(c.MacAddress ? { mac: c.MacAddress } : {}),
        ...(strip(c.IPv4Address) ? { ipv4: strip(c.IPv4Address) } : {}),
        ...(strip(c.IPv6Address) ? { ipv6: strip(c.IPv6Address) } : {}),
      }),
    );
    const mtu = Number(options['com.docker.network.driver.mtu']);
    return {
      format: 'docker',
      name: o.Name,
      ...(typeof o.Id === 'string' ? { id: o.Id } : {}),
      ...(typeof o.Driver === 'string' ? { driver: o.Driver } : {}),
      subnets: (ipam.Config ?? [])
        .filter((c) => c.Subnet)
        .map((c) => ({ subnet: c.Subnet!, family: family(c.Subnet!), ...(c.Gateway ? { gateway: c.Gateway } : {}) })),
      ipv6: o.EnableIPv6 === true,
      internal: o.Internal === true,
      ...(Number.isFinite(mtu) && mtu > 0 ? { mtu } : {}),
      ...(bridgeNameOf({ Name: o.Name, Id: o.Id as string, Driver: o.Driver as string, Options: options })
        ? { bridge: bridgeNameOf({ Name: o.Name, Id: o.Id as string, Driver: o.Driver as string, Options: options })! }
        : {}),
      options,
      labels: record(o.Labels),
      containers,
    };
  }
  if (typeof o.name === 'string' && Array.isArray(o.subnets)) {
    const subnets = (o.subnets as { subnet?: string; gateway?: string }[])
      .filter((s) => s.subnet)
      .map((s) => ({ subnet: s.subnet!, family: family(s.subnet!), ...(s.gateway ? { gateway: s.gateway } : {}) }));
    return {
      format: 'podman-netavark',
      name: o.name,
      ...(typeof o.id === 'string' ? { id: o.id } : {}),
      ...(typeof o.driver === 'string' ? { driver: o.driver } : {}),
      subnets,
      ipv6: o.ipv6_enabled === true,
      internal: o.internal === true,
      ...(typeof o.network_interface === 'string' ? { bridge: o.network_interface } : {}),
      options: record(o.options),
      labels: record(o.labels),
      containers: [],
    };
  }
  if (typeof o.name === 'string' && Array.isArray(o.plugins)) {
    const bridgePlugin = (o.plugins as Record<string, unknown>[]).find((p) => p.type === 'bridge');
    const ranges = (
      (bridgePlugin?.ipam as { ranges?: { subnet?: string; gateway?: string }[][] } | undefined)?.ranges ?? []
    ).flat();
    const subnets = ranges
      .filter((r) => r.subnet)
      .map((r) => ({ subnet: r.subnet!, family: family(r.subnet!), ...(r.gateway ? { gateway: r.gateway } : {}) }));
    return {
      format: 'podman-cni',
      name: o.name,
      driver: 'bridge',
      subnets,
      ipv6: subnets.some((s) => s.family === 6),
      internal: false,
      ...(typeof bridgePlugin?.bridge === 'string' ? { bridge: bridgePlugin.bridge } : {}),
      options: {},
      labels: {},
      containers: [],
    };
  }
  return undefined;
}
