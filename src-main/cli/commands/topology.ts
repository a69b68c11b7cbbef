import type { CliCommand } from '../cli-command';
import { formatClusterList, formatTopology } from '../format-topology';
import { ExitCode } from '../output';

export const topologyCommand: CliCommand = {
  name: 'topology',
  summary: 'The data path of kind clusters: bridge, veth pairs, nodes, routes explained',
  help: `kindscope topology [--cluster NAME] [--json]

This machine's routes, the Docker bridge, each node's veth pair, addresses and routes, each
route explained. All kind clusters on the engine, or the one named by --cluster.`,
  options: { cluster: { type: 'string' } },
  async run({ client, values, fail, usageError, print }) {
    if (typeof values.cluster === 'string') {
      const result = await client.invoke('topology:snapshot', { cluster: values.cluster });
      if (!result.ok)
        return result.error.code === 'INVALID_INPUT'
          ? usageError(result.error.message.replace('input.cluster', '--cluster'))
          : fail(result.error);
      print(result.value, formatTopology(result.value));
      return ExitCode.ok;
    }
    const list = await client.invoke('topology:clusters', {});
    if (!list.ok) return fail(list.error);
    const topologies = [];
    for (const cluster of list.value.clusters) {
      const result = await client.invoke('topology:snapshot', { cluster: cluster.name });
      if (!result.ok) return fail(result.error);
      topologies.push(result.value);
    }
    print(
      { clusters: topologies },
      topologies.length === 0 ? formatClusterList([]) : topologies.map(formatTopology).join('\n'),
    );
    return ExitCode.ok;
  },
};
