import type { ClusterTopology } from '../../contract';
import type { TopologyFacts } from '../diagnose/diagnose-input';

/** The part of a topology snapshot the cluster status joins: node containers, MACs, IPv4 subnets. */
export function topologyFacts(topology: ClusterTopology): TopologyFacts {
  return {
    nodes: topology.nodes.map((n) => ({
      name: n.name,
      state: n.state,
      running: n.running,
      ...(n.mac ? { mac: n.mac } : {}),
      ...(n.ipv4 ? { ipv4: n.ipv4 } : {}),
    })),
    networks: topology.networks.flatMap((n) =>
      n.subnets.filter((s) => s.family === 4).map((s) => ({ name: n.name, subnet: s.subnet })),
    ),
  };
}

/** The control-plane container's id: a new one means the cluster was deleted and created again. */
export function controlPlaneId(topology: ClusterTopology | undefined): string | undefined {
  return topology?.nodes.find((n) => n.role === 'control-plane')?.containerId;
}
