import { parseServiceRef, type CliCommand } from '../cli-command';
import { formatFailover } from '../format-capture';
import { ExitCode } from '../output';

export const failoverCommand: CliCommand = {
  name: 'failover',
  summary: 'Failover drill: stop the lease holder, measure the takeover and the downtime, start it again',
  help: `kindscope failover --cluster NAME --service [NAMESPACE/]NAME [--stop stop|pause] [--yes] [--pull] [--json]

Stops the lease holder's node container (so --yes is required), probes the service from
this machine every 100 ms, and reports: the old and new holder, the new holder's gratuitous
ARP (captured in its namespace), this machine's neighbour entry flipping, the success rate
per interval, downtimeMs with its sampling interval beside the lease timings from the
Cilium values; then starts the node again. Refused when no other node could take over.
It listens with the capture image (KINDSCOPE_CAPTURE_IMAGE); --pull agrees to pull it once.

In BGP mode (the cluster has a router) it stops the node the router sends this machine's
flow to, reads the router's FIB, BGP table and sessions every ~100 ms and probes every 100 ms,
and reports the withdrawal of that next hop and the downtime beside what the live
CiliumBGPPeerConfig's timers predict (hold time, keepalive, graceful restart). --stop picks
how the node goes away: stop (docker stop, the default: the speaker's session closes) or
pause (docker pause, BGP mode only: the node is frozen and the router waits for its hold
timer). The node is started or unpaused afterwards, also when the drill fails or is cancelled.`,
  options: {
    cluster: { type: 'string' },
    service: { type: 'string' },
    yes: { type: 'boolean' },
    pull: { type: 'boolean' },
    stop: { type: 'string' },
  },
  async run({ client, values, fail, usageError, print, signal, finishBeforeExit }) {
    if (typeof values.cluster !== 'string' || typeof values.service !== 'string')
      return usageError('failover needs --cluster NAME and --service [NAMESPACE/]NAME');
    if (values.stop !== undefined && values.stop !== 'stop' && values.stop !== 'pause')
      return usageError(`--stop must be stop (docker stop) or pause (docker pause), not "${String(values.stop)}"`);
    const stop = values.stop === 'pause' ? 'pause' : 'stop';
    const { namespace, service } = parseServiceRef(values.service);
    const status = await client.invoke('cluster:status', { cluster: values.cluster });
    const found = status.ok
      ? status.value.services.find((s) => s.namespace === namespace && s.name === service)
      : undefined;
    const holder = found?.leaseHolder?.node ?? found?.holder;
    const ip = found?.externalIPs[0];
    // BGP mode: the node is one of the router's next hops for the IP, chosen by the drill.
    const bgp = !holder && ip ? await client.invoke('cluster:bgp', { cluster: values.cluster }) : undefined;
    const nextHopNodes =
      bgp?.ok && bgp.value.measured.running
        ? (bgp.value.measured.routes
            .find((r) => r.prefix === `${ip}/32`)
            ?.nextHops.filter((h) => h.installed && h.node)
            .map((h) => h.node!) ?? [])
        : [];
    const how = stop === 'pause' ? 'freezes (docker pause)' : 'stops';
    if (values.yes !== true)
      return usageError(
        `failover ${how} ${
          holder
            ? `the node container ${holder}`
            : nextHopNodes.length
              ? `one of the node containers ${nextHopNodes.join(', ')} (the router's next hops for ${ip})`
              : "the lease holder's node container"
        } ` + `(it is ${stop === 'pause' ? 'unpaused' : 'started again'} afterwards): pass --yes to confirm`,
      );
    // Ctrl-C (main.ts aborts the command and waits): start (or unpause) the stopped node first and
    // remove this process's capture containers, so nothing is left broken — through the router, like
    // every verb. In BGP mode each next hop was running before the drill: each is recovered.
    // The CLI disposes the app and exits only once each recovery has answered (finishBeforeExit).
    const restartOnInterrupt = () => {
      for (const node of holder ? [holder] : nextHopNodes)
        finishBeforeExit(client.invoke('capture:failover-recover', { cluster: values.cluster as string, node }));
    };
    signal.addEventListener('abort', restartOnInterrupt, { once: true });
    const result = await client
      .invoke('capture:failover', {
        cluster: values.cluster,
        namespace,
        service,
        confirm: true,
        ...(values.pull === true ? { allowPull: true } : {}),
        ...(values.stop !== undefined ? { stop } : {}),
      })
      .finally(() => signal.removeEventListener('abort', restartOnInterrupt));
    if (!result.ok) return fail(result.error);
    print(result.value, formatFailover(result.value));
    const done = result.value.bgp ? result.value.bgp.withdrawnMs !== undefined : result.value.newHolder;
    return done && result.value.httpAfter?.ok && result.value.restarted ? ExitCode.ok : ExitCode.failed;
  },
};
