import type { ClusterStatus, ClusterTopology, KindscopeClient } from '../../contract';
import type { CliCommand } from '../cli-command';
import { formatClusterList, formatTopology } from '../format-topology';
import { ExitCode } from '../output';
import { loadBalancers } from './cluster-summary';

export const topologyCommand: CliCommand = {
  name: 'topology',
  summary: 'The data path of kind clusters: LoadBalancer IPs and their holders, bridge, veth pairs, nodes, routes',
  help: `kindscope topology [--cluster NAME] [--routes] [--json]

Each LoadBalancer IP first, with the node whose Lease claims it and, once measured, the
node that answered ARP; then the Docker bridge, each node's veth pair and addresses. All
kind clusters on the engine, or the one named by --cluster (or just NAME).

--routes  Also print this machine's and every node's routes, each explained.`,
  options: { cluster: { type: 'string' }, routes: { type: 'boolean', default: false } },
  async run({ client, values, fail, usageError, print }) {
    const routes = values.routes === true;
    if (typeof values.cluster === 'string') {
      const result = await client.invoke('topology:snapshot', { cluster: values.cluster });
      if (!result.ok)
        return result.error.code === 'INVALID_INPUT'
          ? usageError(result.error.message.replace('input.cluster', '--cluster'))
          : fail(result.error);
      const status = await statusOf(client, values.cluster);
      print(withLoadBalancers(result.value, status), formatTopology(result.value, { routes, status }));
      return ExitCode.ok;
    }
    const list = await client.invoke('topology:clusters', {});
    if (!list.ok) return fail(list.error);
    const topologies = [];
    const texts = [];
    for (const cluster of list.value.clusters) {
      const [result, status] = await Promise.all([
        client.invoke('topology:snapshot', { cluster: cluster.name }),
        statusOf(client, cluster.name),
      ]);
      if (!result.ok) return fail(result.error);
      topologies.push(withLoadBalancers(result.value, status));
      texts.push(formatTopology(result.value, { routes, status }));
    }
    print({ clusters: topologies }, topologies.length === 0 ? formatClusterList([]) : texts.join('\n'));
    return ExitCode.ok;
  },
};

/** The cluster's model when its API answers; the topology is shown without it otherwise. */
async function statusOf(client: KindscopeClient, cluster: string): Promise<ClusterStatus | undefined> {
  const result = await client.invoke('cluster:status', { cluster });
  return result.ok ? result.value : undefined;
}

/** The snapshot as before, plus `loadBalancers`: each IP with its lease holder (claim) and answeredBy (measurement). */
function withLoadBalancers(topology: ClusterTopology, status: ClusterStatus | undefined) {
  if (!status) return topology;
  return {
    ...topology,
    loadBalancers: loadBalancers(status).map((s) => ({
      namespace: s.namespace,
      name: s.name,
      ips: s.externalIPs,
      ...(s.leaseHolder ? { leaseHolder: s.leaseHolder } : {}),
      ...(s.answeredBy ? { answeredBy: s.answeredBy } : {}),
    })),
  };
}
