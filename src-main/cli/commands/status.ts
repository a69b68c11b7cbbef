import type { CliCommand } from '../cli-command';
import { formatClusterStatus } from '../format-status';
import { ExitCode } from '../output';

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'Nodes, Cilium, LoadBalancer IPs and their lease holders, and why an IP is <pending>',
  help: `kindscope status --cluster NAME [--json]

Nodes, Cilium, LoadBalancer services with their IPs and lease holders, and — for every
<pending> or unanswered IP — the reason and the fix; pools, policies, leases.`,
  options: { cluster: { type: 'string' } },
  async run({ client, values, fail, usageError, print }) {
    const cluster = values.cluster;
    if (typeof cluster !== 'string') return usageError('status needs --cluster NAME (see `kindscope topology` for the clusters)');
    const result = await client.invoke('cluster:status', { cluster });
    if (!result.ok) return result.error.code === 'INVALID_INPUT' ? usageError(result.error.message.replace('input.cluster', '--cluster')) : fail(result.error);
    print(result.value, formatClusterStatus(result.value));
    return ExitCode.ok;
  },
};
