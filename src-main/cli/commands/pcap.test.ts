import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../output';
import { runCli } from '../run-cli';

const fixtures = join(import.meta.dirname, '../../../../shared/fixtures/pcap');

async function kindscope(args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

function tsharkRows(file: string): string[][] | undefined {
  const result = spawnSync(
    'tshark',
    [
      '-r',
      file,
      '-T',
      'fields',
      '-e',
      'arp.opcode',
      '-e',
      'arp.src.hw_mac',
      '-e',
      'arp.src.proto_ipv4',
      '-e',
      'arp.dst.hw_mac',
      '-e',
      'arp.dst.proto_ipv4',
    ],
    { encoding: 'utf8' },
  );
  if (result.error)
    throw new Error(
      `tshark could not run (${result.error.message}). Fix: apt-get install tshark (bash .ci/run installs it).`,
    );
  return result.status === 0
    ? result.stdout
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => l.split('\t'))
    : undefined;
}

describe('kindscope pcap FILE --json on every capture in shared/fixtures/pcap', () => {
  for (const file of readdirSync(fixtures).filter((f) => /\.(pcap|pcapng)$/.test(f))) {
    it(`${file} agrees with tshark field by field, or fails with the reason`, async () => {
      const path = join(fixtures, file);
      const expected = tsharkRows(path);
      const result = await kindscope(['pcap', path, '--json']);
      if (!expected) {
        expect(result.code).toBe(ExitCode.failed);
        expect(JSON.parse(result.out)).toEqual({
          error: {
            code: 'INVALID_INPUT',
            message: expect.stringMatching(/cut short|Not a packet capture/),
            hint: expect.any(String),
          },
        });
        return;
      }
      expect(result.code).toBe(ExitCode.ok);
      const packets = JSON.parse(result.out).packets as {
        opcode: number;
        senderMac: string;
        senderIp: string;
        targetMac: string;
        targetIp: string;
      }[];
      expect(packets.map((p) => [String(p.opcode), p.senderMac, p.senderIp, p.targetMac, p.targetIp])).toEqual(
        expected,
      );
    });
  }

  it('says what is wrong in words without --json, and that a missing file is missing', async () => {
    const truncated = await kindscope(['pcap', join(fixtures, 'truncated.pcap')]);
    expect(truncated.err).toContain('The capture is cut short in the middle of packet 1');
    const missing = await kindscope(['pcap', '/nonexistent.pcap']);
    expect(missing.code).toBe(ExitCode.failed);
    expect(missing.err).toContain('cannot read /nonexistent.pcap (ENOENT)');
    expect((await kindscope(['pcap'])).code).toBe(ExitCode.usage);
  });
});
