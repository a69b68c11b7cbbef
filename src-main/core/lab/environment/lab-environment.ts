/**
 * What the plan must fit into on this engine: the `kind` network's IPv4 subnet and
 * everything already using addresses in it (node containers, the gateway, other
 * clusters' pools), and the kind clusters that exist. Read through the Docker engine
 * service's client; the arithmetic on it is pure (`pool-carve.ts`).
 */
import { networkInterfaces } from 'node:os';
import type Docker from 'dockerode';
import { clusterLabel } from '../../topology/topology-service';
import { ipv4Range, type UsedRange } from '../plan/pool-carve';

export interface LabEnvironment {
  networkName: string;
  /** Undefined when the network does not exist yet (kind creates it with the first cluster). */
  network?: { subnet: string; gateway?: string };
  /** Addresses and ranges in use on the network, each with what uses it. */
  used: UsedRange[];
  /** kind cluster names on the engine (from node container labels), with their node names. */
  clusters: Map<string, string[]>;
  /** The clusters with a node on this network (their pools share its addresses). */
  clustersOnNetwork: string[];
  /**
   * Every subnet something routes here: each Docker network's (the engine's routes) and this
   * machine's interfaces' (read without a child process). BGP mode's pool must avoid them all.
   */
  routed?: UsedRange[];
  /** What could not be read, in words (the plan still renders; findings say what was not checked). */
  problems: string[];
}

/** The network kind uses: `KIND_EXPERIMENTAL_DOCKER_NETWORK` or `kind`, as kind itself decides. */
export function kindNetworkName(env: NodeJS.ProcessEnv = process.env): string {
  return env.KIND_EXPERIMENTAL_DOCKER_NETWORK || 'kind';
}

interface NetworkInspect {
  IPAM?: { Config?: { Subnet?: string; Gateway?: string; IPRange?: string }[] | null };
  Containers?: Record<string, { Name?: string; IPv4Address?: string }> | null;
}

/** Reads the kind network and the kind clusters from Docker. */
export async function readLabEnvironment(docker: Docker, networkName = kindNetworkName()): Promise<LabEnvironment> {
  const environment: LabEnvironment = {
    networkName,
    used: [],
    clusters: new Map(),
    clustersOnNetwork: [],
    problems: [],
  };
  try {
    environment.routed = await routedSubnets(docker);
  } catch (error) {
    environment.problems.push(`the Docker networks could not be listed: ${(error as Error).message}`);
  }
  const containers = await docker.listContainers({ all: true, filters: { label: [clusterLabel] } });
  for (const container of containers) {
    const cluster = container.Labels[clusterLabel]!;
    const nodeName = (container.Names[0] ?? '').replace(/^\//, '');
    environment.clusters.set(cluster, [...(environment.clusters.get(cluster) ?? []), nodeName]);
    // A stopped node keeps no address in `network inspect`, but Docker may give it back on start.
    const address = container.NetworkSettings?.Networks?.[networkName]?.IPAddress;
    if (address) environment.used.push({ cidr: `${address}/32`, what: `node ${nodeName}` });
    if (container.NetworkSettings?.Networks?.[networkName] && !environment.clustersOnNetwork.includes(cluster))
      environment.clustersOnNetwork.push(cluster);
  }
  let inspected: NetworkInspect;
  try {
    inspected = (await docker.getNetwork(networkName).inspect()) as NetworkInspect;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return environment;
    throw error;
  }
  const ipv4 = (inspected.IPAM?.Config ?? []).find((config) => config.Subnet && !config.Subnet.includes(':'));
  // A network created with --subnet but no --gateway lists none, yet Docker gives the
  // bridge the subnet's first address all the same.
  const gateway = ipv4?.Gateway || (ipv4?.Subnet ? firstAddress(ipv4.Subnet) : undefined);
  if (ipv4?.Subnet) environment.network = { subnet: ipv4.Subnet, ...(gateway ? { gateway } : {}) };
  if (gateway) environment.used.push({ cidr: `${gateway}/32`, what: 'the network gateway (this machine)' });
  for (const entry of Object.values(inspected.Containers ?? {})) {
    const address = entry.IPv4Address?.split('/')[0];
    if (address && !environment.used.some((u) => u.cidr === `${address}/32`)) {
      environment.used.push({ cidr: `${address}/32`, what: `container ${entry.Name ?? '?'}` });
    }
  }
  return environment;
}

/** Docker networks' IPv4 subnets and this machine's interface subnets (os.networkInterfaces, IPv4 only). */
async function routedSubnets(docker: Docker): Promise<UsedRange[]> {
  const routed: UsedRange[] = [];
  const networks = (await docker.listNetworks()) as { Name?: string; IPAM?: NetworkInspect['IPAM'] }[];
  for (const network of networks)
    for (const config of network.IPAM?.Config ?? [])
      if (config.Subnet && !config.Subnet.includes(':'))
        routed.push({ cidr: config.Subnet, what: `the Docker network ${network.Name ?? '?'}` });
  for (const [name, addresses] of Object.entries(networkInterfaces()))
    for (const address of addresses ?? [])
      if (address.family === 'IPv4' && !address.internal && address.cidr && ipv4Range(address.cidr))
        routed.push({
          cidr: `${firstAddress(address.cidr, 0)}/${address.cidr.split('/')[1]}`,
          what: `this machine's ${name}`,
        });
  return routed;
}

function firstAddress(subnet: string, offset = 1): string | undefined {
  const range = ipv4Range(subnet);
  if (!range) return undefined;
  const value = range.first + offset;
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}
