import { parseServiceRef, type CliCommand } from '../cli-command';
import { formatFailover } from '../format-capture';
import { ExitCode } from '../output';

export const failoverCommand: CliCommand = {
  name: 'failover',
  summary: 'Failover drill: stop the lease holder, measure the takeover and the downtime, start it again',
  help: `kindscope failover --cluster NAME --service [NAMESPACE/]NAME [--yes] [--pull] [--json]

Stops the lease holder's node container (so --yes is required), probes the service from
this machine every 100 ms, and reports: the old and new holder, the new holder's gratuitous
ARP (captured in its namespace), this machine's neighbour entry flipping, the success rate
per interval, downtimeMs with its sampling interval beside the lease timings from the
Cilium values; then starts the node again. Refused when no other node could take over.
It listens with the capture image (KINDSCOPE_CAPTURE_IMAGE); --pull agrees to pull it once.`,
  options: {
    cluster: { type: 'string' },
    service: { type: 'string' },
    yes: { type: 'boolean' },
    pull: { type: 'boolean' },
  },
  async run({ client, values, fail, usageError, print, signal }) {
    if (typeof values.cluster !== 'string' || typeof values.service !== 'string')
      return usageError('failover needs --cluster NAME and --service [NAMESPACE/]NAME');
    const { namespace, service } = parseServiceRef(values.service);
    const status = await client.invoke('cluster:status', { cluster: values.cluster });
    const found = status.ok
      ? status.value.services.find((s) => s.namespace === namespace && s.name === service)
      : undefined;
    const holder = found?.leaseHolder?.node ?? found?.holder;
    if (values.yes !== true)
      return usageError(
        `failover stops ${holder ? `the node container ${holder}` : "the lease holder's node container"} ` +
          '(it is started again afterwards): pass --yes to confirm',
      );
    // Ctrl-C (main.ts aborts the command and waits): start the stopped node first and remove
    // this process's capture containers, so nothing is left broken — through the router, like every verb.
    const restartOnInterrupt = () => {
      if (holder) void client.invoke('capture:failover-recover', { cluster: values.cluster as string, node: holder });
    };
    signal.addEventListener('abort', restartOnInterrupt, { once: true });
    const result = await client
      .invoke('capture:failover', {
        cluster: values.cluster,
        namespace,
        service,
        confirm: true,
        ...(values.pull === true ? { allowPull: true } : {}),
      })
      .finally(() => signal.removeEventListener('abort', restartOnInterrupt));
    if (!result.ok) return fail(result.error);
    print(result.value, formatFailover(result.value));
    return result.value.newHolder && result.value.httpAfter?.ok && result.value.restarted
      ? ExitCode.ok
      : ExitCode.failed;
  },
};
