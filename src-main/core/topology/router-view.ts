/**
 * BGP mode's router and the pool's network as Docker shows them (issue 29): the container
 * `<cluster>-router` and the network `<cluster>-lb`, both labelled by the run with the cluster
 * (`io.kindscope.router`, set in core/lab/plan/steps-bgp.ts). Only the wires are read here; the
 * router's sessions and routes are a measurement of their own (core/bgp/bgp-view.ts).
 */
import type Docker from 'dockerode';
import type { TopologyNetwork, TopologyRouter } from '../../contract';
import { routerLabel } from '../lab/plan/router';
import { hostSide } from './host-side';
import type { HostView } from './host-view';

export interface RouterReading {
  info: Docker.ContainerInspectInfo;
  /** The pool's network, inspected (absent when it was removed or never made). */
  poolNetwork?: Docker.NetworkInspectInfo;
}

/** The cluster's router and pool network, or undefined in L2 mode (no container carries the label). */
export async function readRouter(
  docker: Docker,
  cluster: string,
  signal?: AbortSignal,
): Promise<RouterReading | undefined> {
  const abortSignal = signal ? { abortSignal: signal } : {};
  const filters = { label: [`${routerLabel}=${cluster}`] };
  const [containers, networks] = await Promise.all([
    docker.listContainers({ all: true, filters, ...abortSignal }),
    docker.listNetworks({ filters, ...abortSignal }),
  ]);
  const container = containers[0];
  if (!container) return undefined;
  const info = await docker.getContainer(container.Id).inspect(abortSignal);
  const network = networks[0];
  const poolNetwork = network
    ? await (docker.getNetwork(network.Id) as { inspect(o: object): Promise<Docker.NetworkInspectInfo> })
        .inspect(abortSignal)
        .catch(() => undefined)
    : undefined;
  return { info, ...(poolNetwork ? { poolNetwork } : {}) };
}

/**
 * The router as the picture draws it: its address on each network, the pool's network with its
 * bridge (filled by the caller from the host's links), and this machine's routes to that network.
 */
export function toTopologyRouter(
  info: Pick<Docker.ContainerInspectInfo, 'Id' | 'Name' | 'State' | 'Config' | 'NetworkSettings'>,
  poolNetwork: TopologyNetwork | undefined,
  host: HostView,
): TopologyRouter {
  const attachments = Object.entries(info.NetworkSettings.Networks ?? {}).map(([network, n]) => ({
    network,
    ...(n.IPAddress ? { ipv4: n.IPAddress } : {}),
    ...(n.MacAddress ? { mac: n.MacAddress } : {}),
  }));
  return {
    name: info.Name.replace(/^\//, ''),
    containerId: info.Id,
    state: info.State.Status,
    running: info.State.Running,
    image: info.Config.Image,
    attachments: attachments.sort((a, b) => a.network.localeCompare(b.network)),
    ...(poolNetwork ? { poolNetwork } : {}),
    poolRoutes: poolNetwork
      ? hostSide(host, [poolNetwork]).routes.filter((route) => route.network === poolNetwork.name)
      : [],
  };
}
