import { resolve } from 'node:path';
import type { CliCommand } from '../cli-command';
import { formatDecoded } from '../format-capture';
import { ExitCode } from '../output';

export const pcapCommand: CliCommand = {
  name: 'pcap',
  summary: 'Decode the ARP packets of a pcap or pcapng file (tcpdump -w, tshark, Wireshark)',
  help: `kindscope pcap FILE [--json]

Decodes every ARP packet of a capture (pcap or pcapng; Ethernet, or Linux cooked SLL/SLL2
as \`tcpdump -i any\` writes): frame, time, opcode, sender and target MAC and IP.
A truncated file, an unknown link type or a file that is no capture: exit 1 with the reason.`,
  positionals: true,
  async run({ client, positionals, fail, usageError, print }) {
    if (positionals.length !== 1) return usageError('pcap needs exactly one FILE');
    const file = positionals[0]!;
    const result = await client.invoke('capture:decode', { path: resolve(file) });
    if (!result.ok) return fail(result.error);
    print(result.value, formatDecoded(file, result.value));
    return ExitCode.ok;
  },
};
