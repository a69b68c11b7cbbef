import { resolve } from 'node:path';
import { parseServiceRef, type CliCommand } from '../cli-command';
import { formatCapture } from '../format-capture';
import { ExitCode } from '../output';

export const captureCommand: CliCommand = {
  name: 'capture',
  summary: 'Capture ARP on the lease holder while a fresh request is made; who answered, from the packets',
  help: `kindscope capture --cluster NAME --service [NAMESPACE/]NAME [--seconds S] [--pcap FILE] [--pull] [--json]

Runs tcpdump (ARP only) in a short-lived container sharing the lease holder node's network
namespace (--net container:<node>, NET_RAW/NET_ADMIN only), while a throwaway container on
the node's Docker network runs arping for the IP and this machine sends an HTTP request.
The verdict comes only from the decoded packets; the pcap is always kept (--pcap FILE, or
a file in Kindscope's data folder). --seconds: how long to listen (default 3, at most 60).
--pull: agree to pull the capture image if it is missing (KINDSCOPE_CAPTURE_IMAGE chooses it).
Exit 1 when the lease holder did not answer.`,
  options: {
    cluster: { type: 'string' },
    service: { type: 'string' },
    seconds: { type: 'string' },
    pcap: { type: 'string' },
    pull: { type: 'boolean' },
  },
  async run({ client, values, fail, usageError, print }) {
    if (typeof values.cluster !== 'string' || typeof values.service !== 'string')
      return usageError('capture needs --cluster NAME and --service [NAMESPACE/]NAME');
    const seconds = values.seconds === undefined ? undefined : Number(values.seconds);
    if (seconds !== undefined && !Number.isInteger(seconds))
      return usageError(`--seconds "${String(values.seconds)}" is not a whole number of seconds (1–60)`);
    const { namespace, service } = parseServiceRef(values.service);
    const result = await client.invoke('capture:arp', {
      cluster: values.cluster,
      namespace,
      service,
      ...(seconds !== undefined ? { seconds } : {}),
      ...(typeof values.pcap === 'string' ? { pcapPath: resolve(values.pcap) } : {}),
      ...(values.pull === true ? { allowPull: true } : {}),
    });
    if (!result.ok)
      return result.error.code === 'INVALID_INPUT'
        ? usageError(result.error.message.replace('input.seconds', '--seconds').replace('input.pcapPath', '--pcap'))
        : fail(result.error);
    print(result.value, formatCapture(result.value));
    return result.value.verdict === 'holder-answered' ? ExitCode.ok : ExitCode.failed;
  },
};
