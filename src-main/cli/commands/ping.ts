import { parseServiceRef, type CliCommand } from '../cli-command';
import { formatPing } from '../format-capture';
import { ExitCode } from '../output';

export const pingCommand: CliCommand = {
  name: 'ping',
  summary: 'Ping a node from this machine, or prove a service reachable (ARP + TCP connect)',
  help: `kindscope ping --cluster NAME (--node NAME | --service [NAMESPACE/]NAME) [--json]

--node: ping the node's InternalIP from this machine and explain a timeout (on macOS
without a route to the kind network: why, and the fix).
--service: a LoadBalancer IP does not answer ICMP (Cilium's VIPs do not, cilium/cilium#14118),
so Kindscope proves it reachable with a TCP connect to the service port and reads who
answered ARP. Exit 1 when the target is unreachable.`,
  options: { cluster: { type: 'string' }, node: { type: 'string' }, service: { type: 'string' } },
  async run({ client, values, fail, usageError, print }) {
    if (typeof values.cluster !== 'string') return usageError('ping needs --cluster NAME');
    const node = typeof values.node === 'string' ? values.node : undefined;
    const serviceRef = typeof values.service === 'string' ? parseServiceRef(values.service) : undefined;
    if ((node === undefined) === (serviceRef === undefined))
      return usageError('ping needs exactly one of --node NAME or --service [NAMESPACE/]NAME');
    const result = await client.invoke('capture:ping', {
      cluster: values.cluster,
      ...(node ? { node } : {}),
      ...(serviceRef ? { namespace: serviceRef.namespace, service: serviceRef.service } : {}),
    });
    if (!result.ok)
      return result.error.code === 'INVALID_INPUT' ? usageError(result.error.message) : fail(result.error);
    print(result.value, formatPing(result.value));
    return result.value.verdict === 'reachable' ? ExitCode.ok : ExitCode.failed;
  },
};
