import type Docker from 'dockerode';
import type { TopologyNetwork, TopologyNode } from '../../contract';
import { execInContainer } from '../docker/docker-exec';
import { parseIpLink, parseIpRoute, type IpLink } from '../net';
import { roleLabel } from './cluster-list';
import type { NetnsReading } from './netns-reader';

/** What one node answered: `ip addr` and `ip route` text joined by {@link sectionMark}. */
export interface NodeOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const sectionMark = '@@KINDSCOPE@@';

/** The nodes' outputs from the netns helper's one read (undefined where a node was not in it). */
export function outputsFromReading(
  reading: NetnsReading,
  inspected: Docker.ContainerInspectInfo[],
): (NodeOutput | undefined)[] {
  return inspected.map((info) => {
    const node = reading.nodes.get(info.State.Pid);
    return node
      ? {
          exitCode: node.addr && node.route ? 0 : 1,
          stdout: `${node.addr}${sectionMark}${node.route}`,
          stderr: node.addr ? '' : 'no output from the node namespace',
        }
      : undefined;
  });
}

/**
 * A node's addresses and routes by its own `docker exec` (where the netns helper cannot run):
 * `ip -j` (iproute2 in kind's Debian nodes), the text form when JSON is not supported. Run
 * without a shell: no shell is assumed in the node.
 */
export async function readNodeNetworking(
  docker: Docker,
  info: Docker.ContainerInspectInfo,
  signal?: AbortSignal,
): Promise<NodeOutput | undefined> {
  if (!info.State.Running) return undefined;
  const read = async (object: 'addr' | 'route') => {
    const json = await execInContainer(docker, info.Id, ['ip', '-j', object, 'show'], signal);
    return json.exitCode === 0 ? json : execInContainer(docker, info.Id, ['ip', object, 'show'], signal);
  };
  try {
    const [addr, route] = await Promise.all([read('addr'), read('route')]);
    return {
      exitCode: addr.exitCode || route.exitCode,
      stdout: `${addr.stdout}${sectionMark}${route.stdout}`,
      stderr: `${addr.stderr}${route.stderr}`,
    };
  } catch (error) {
    return { exitCode: -1, stdout: '', stderr: (error as Error).message };
  }
}

/**
 * One node of the picture: its container, its end of the veth pair (found on the host by
 * the peer ifindex of its eth0), interfaces and routes (explained later, with the peers).
 */
export function toTopologyNode(
  info: Docker.ContainerInspectInfo,
  output: NodeOutput | undefined,
  networks: TopologyNetwork[],
  hostLinks: IpLink[],
): TopologyNode {
  const [addrText = '', routeText = ''] = (output?.stdout ?? '').split(sectionMark);
  const links = parseIpLink(addrText);
  const routes = parseIpRoute(routeText);
  const [networkName, endpoint] = Object.entries(info.NetworkSettings.Networks ?? {})[0] ?? [];
  const eth0 = links.items.find((link) => link.ifname === 'eth0');
  const veth =
    eth0?.peerIfindex !== undefined
      ? hostLinks.find((link) => link.ifindex === eth0.peerIfindex && link.ifname.startsWith('veth'))
      : undefined;
  const bridge = networks.find((n) => n.name === networkName)?.bridge.name;
  const problem = !info.State.Running
    ? stoppedProblem(info.State.Status)
    : output && output.exitCode !== 0
      ? `Reading the node's interfaces failed: ${output.stderr.trim().split('\n').at(-1)}`
      : undefined;
  return {
    name: info.Name.replace(/^\//, ''),
    containerId: info.Id,
    role: info.Config.Labels?.[roleLabel] ?? 'unknown',
    state: info.State.Status,
    running: info.State.Running,
    hostname: info.Config.Hostname,
    image: info.Config.Image,
    ...(networkName ? { network: networkName } : {}),
    ...(endpoint?.IPAddress ? { ipv4: endpoint.IPAddress } : {}),
    ...(endpoint?.GlobalIPv6Address ? { ipv6: endpoint.GlobalIPv6Address } : {}),
    ...(endpoint?.MacAddress ? { mac: endpoint.MacAddress } : {}),
    ...(eth0
      ? {
          eth0: {
            ifindex: eth0.ifindex,
            ...(eth0.peerIfindex !== undefined ? { peerIfindex: eth0.peerIfindex } : {}),
            ...(eth0.mtu ? { mtu: eth0.mtu } : {}),
            ...(eth0.mac ? { mac: eth0.mac } : {}),
          },
        }
      : {}),
    ...(veth
      ? {
          veth: {
            ifname: veth.ifname,
            ifindex: veth.ifindex,
            ...(veth.master ? { master: veth.master } : {}),
            ...(veth.state ? { state: veth.state } : {}),
            ...(veth.mtu ? { mtu: veth.mtu } : {}),
            onBridge: veth.master === bridge,
          },
        }
      : {}),
    interfaces: links.items.map(toInterface),
    routes: routes.items.map((route) => ({ ...route, explanation: '' })),
    unparsed: [...links.unparsed, ...routes.unparsed],
    ...(problem ? { problem } : {}),
  };
}

/** Control plane first, then workers, then anything else. */
export function roleOrder(role: string): number {
  return role === 'control-plane' ? 0 : role === 'worker' ? 1 : 2;
}

function toInterface(link: IpLink) {
  return {
    ifindex: link.ifindex,
    ifname: link.ifname,
    ...(link.mac ? { mac: link.mac } : {}),
    ...(link.mtu ? { mtu: link.mtu } : {}),
    ...(link.state ? { state: link.state } : {}),
    ...(link.master ? { master: link.master } : {}),
    ...(link.peerIfindex !== undefined ? { peerIfindex: link.peerIfindex } : {}),
    ...(link.peerName ? { peerName: link.peerName } : {}),
    addresses: link.addresses.map((a) => `${a.local}/${a.prefixlen}`),
  };
}

/** What a node whose container does not run lacks (a read of it, or a Docker event about it). */
export function stoppedProblem(status: string): string {
  return `The container is ${status}: no veth, addresses or routes until it runs again.`;
}
