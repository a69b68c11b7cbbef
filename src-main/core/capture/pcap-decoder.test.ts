import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureToolsImage } from '../../../e2e/lab/images.ts';
import { docker, requireDocker, tryDocker } from '../../../e2e/lab/require-docker.ts';
import type { DecodedCapture } from '../../contract';
import { decodeCapture } from './pcap-decoder';

const fixtures = join(import.meta.dirname, '../../../../shared/fixtures/pcap');
const fields = [
  '-e',
  'frame.number',
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
];

/** tshark's reading of a file: one row per ARP frame, or its complaint. */
function tshark(file: string): { rows: string[][] } | { error: string } {
  const result = spawnSync('tshark', ['-r', file, '-T', 'fields', ...fields], { encoding: 'utf8', timeout: 60_000 });
  if (result.error)
    throw new Error(
      `tshark could not run (${result.error.message}). Fix: apt-get install tshark (bash .ci/run installs it).`,
    );
  if (result.status !== 0) return { error: result.stderr.trim() };
  return {
    rows: result.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\t'))
      .filter((row) => row[1]),
  };
}

function ours(decoded: DecodedCapture): string[][] {
  return decoded.packets.map((p) => [
    String(p.frame),
    String(p.opcode),
    p.senderMac,
    p.senderIp,
    p.targetMac,
    p.targetIp,
  ]);
}

function agreesWithTshark(file: string): DecodedCapture {
  const expected = tshark(file);
  if ('error' in expected) throw new Error(`tshark refused ${file}: ${expected.error}`);
  const decoded = decodeCapture(readFileSync(file));
  expect(ours(decoded), file).toEqual(expected.rows);
  return decoded;
}

describe('the pcap decoder against tshark, on every file in shared/fixtures/pcap', () => {
  const files = readdirSync(fixtures).filter((f) => /\.(pcap|pcapng)$/.test(f));

  it('finds the fixtures (a moved folder must not make this test pass empty)', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });

  for (const file of files) {
    it(`${file}: the same fields as tshark, or a clear error where tshark refuses too`, () => {
      const path = join(fixtures, file);
      const expected = tshark(path);
      if ('error' in expected) {
        expect(() => decodeCapture(readFileSync(path))).toThrow(/cut short|Not a packet capture/);
        return;
      }
      expect(expected.rows.length).toBeGreaterThan(0);
      expect(ours(decodeCapture(readFileSync(path)))).toEqual(expected.rows);
    });
  }

  it('says why: a truncated file names the packet and the bytes; a text file is "not a packet capture"', () => {
    expect(() => decodeCapture(readFileSync(join(fixtures, 'truncated.pcap')))).toThrow(
      'The capture is cut short in the middle of packet 1 (at byte 40: 58 bytes announced, 30 present)',
    );
    expect(() => decodeCapture(readFileSync(join(fixtures, 'not-a-capture.pcap')))).toThrow(
      /^Not a packet capture: the file starts with 0x6e6f7420/,
    );
    expect(() => decodeCapture(new Uint8Array(0))).toThrow(/fewer than a pcap header/);
  });

  it('marks the gratuitous announcement and times frames with microseconds', () => {
    const decoded = decodeCapture(readFileSync(join(fixtures, 'pcapng-request-reply-garp.pcapng')));
    expect(decoded.packets.map((p) => p.gratuitous)).toEqual([false, false, true, false]);
    expect(decoded.packets[1]).toMatchObject({ op: 'reply', time: '2026-12-01T07:12:34.853333Z', offsetMs: 0.024 });
  });

  it('skips, without crashing, the malformed MetalLB GARP of metallb/metallb#588 (cooked link, ARP hardware type 1327), as tshark shows no ARP fields for it', () => {
    const dump = readFileSync(
      join(fixtures, '../real/arp-tcpdump/TSHARK-V-metallb-malformed-garp-infiniband.txt'),
      'utf8',
    );
    const frame = Buffer.from(
      [...dump.matchAll(/^[0-9a-f]{4} {2}((?:[0-9a-f]{2} ?)+)/gm)].map((m) => m[1]!.replace(/\s/g, '')).join(''),
      'hex',
    );
    expect(frame.length).toBe(62);
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0xa1b2c3d4, 0);
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeUInt32LE(65535, 16);
    header.writeUInt32LE(113, 20);
    const record = Buffer.alloc(16);
    record.writeUInt32LE(frame.length, 8);
    record.writeUInt32LE(frame.length, 12);
    expect(decodeCapture(Buffer.concat([header, record, frame]))).toMatchObject({
      frames: 1,
      skipped: 1,
      packets: [],
      linkTypes: [{ type: 113 }],
    });
  });

  it('refuses a link type it does not decode, naming it', () => {
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0xa1b2c3d4, 0);
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeUInt32LE(65535, 16);
    header.writeUInt32LE(105, 20);
    const record = Buffer.alloc(16 + 10);
    record.writeUInt32LE(10, 8);
    record.writeUInt32LE(10, 12);
    expect(() => decodeCapture(Buffer.concat([header, record]))).toThrow(
      'link type 105 (IEEE802_11 (Wi-Fi)) is not one Kindscope decodes',
    );
  });
});

/**
 * Captures made here: two containers on a network of their own, tcpdump in one (`-i any`
 * as SLL2, `-i any -y LINUX_SLL` as SLL v1, `-i eth0` as Ethernet with nanosecond stamps),
 * arping from the other — a request and its reply, a gratuitous request (`-U`) and a
 * gratuitous reply (`-A`, the form Cilium sends) — then pcapng written by editcap.
 */
describe('the pcap decoder against tshark, on tcpdump captures made here', () => {
  const id = randomBytes(3).toString('hex');
  const network = `i18-pcap-${id}`;
  const listener = `i18-pcap-listen-${id}`;
  const dir = mkdtempSync(join(tmpdir(), 'i18-pcap-'));
  const captures = [
    { file: 'any-sll2.pcap', args: ['-i', 'any'] },
    { file: 'any-sll.pcap', args: ['-i', 'any', '-y', 'LINUX_SLL'] },
    { file: 'eth0-nano.pcap', args: ['-i', 'eth0', '--time-stamp-precision=nano'] },
  ];

  beforeAll(() => {
    requireDocker();
    const image = ensureToolsImage();
    docker(['network', 'create', '--label', 'io.kindscope.lab=1', network]);
    const script =
      captures.map((c) => `tcpdump ${c.args.join(' ')} -U -n -w /tmp/${c.file} arp 2>>/tmp/err &`).join('\n') +
      '\nsleep 30';
    docker([
      'run',
      '-d',
      '--name',
      listener,
      '--label',
      'io.kindscope.lab=1',
      '--network',
      network,
      '--cap-drop',
      'ALL',
      '--cap-add',
      'NET_RAW',
      '--cap-add',
      'NET_ADMIN',
      '--cap-add',
      'SETUID',
      '--cap-add',
      'SETGID',
      '--cap-add',
      'CHOWN',
      image,
      'sh',
      '-c',
      script,
    ]);
    for (
      let i = 0;
      i < 50 && docker(['exec', listener, 'sh', '-c', 'grep -c "listening on" /tmp/err || true']).trim() !== '3';
      i++
    )
      spawnSync('sleep', ['0.2']);
    const ip = docker(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', listener]).trim();
    const asker = [
      'run',
      '--rm',
      '--network',
      network,
      '--cap-drop',
      'ALL',
      '--cap-add',
      'NET_RAW',
      '--entrypoint',
      'sh',
      image,
      '-c',
    ];
    docker([
      ...asker,
      `arping -c 2 -w 3 -I eth0 ${ip}; ip=$(hostname -i); arping -U -c 1 -I eth0 -s $ip $ip; arping -A -c 1 -I eth0 -s $ip $ip; true`,
    ]);
    spawnSync('sleep', ['0.5']);
    // -U wrote every packet as it came; stopping the container ends tcpdump.
    docker(['stop', '-t', '1', listener]);
    for (const c of captures) docker(['cp', `${listener}:/tmp/${c.file}`, join(dir, c.file)]);
    const converted = spawnSync('editcap', ['-F', 'pcapng', join(dir, 'any-sll2.pcap'), join(dir, 'any-sll2.pcapng')], {
      encoding: 'utf8',
    });
    if (converted.status !== 0)
      throw new Error(`editcap failed (${converted.stderr}). Fix: apt-get install tshark (it brings editcap).`);
  }, 120_000);

  afterAll(() => {
    tryDocker(['rm', '-f', listener]);
    tryDocker(['network', 'rm', network]);
    rmSync(dir, { recursive: true, force: true });
  });

  for (const file of ['any-sll2.pcap', 'any-sll.pcap', 'eth0-nano.pcap', 'any-sll2.pcapng']) {
    it(`${file}: request, reply, gratuitous request and reply, field by field as tshark`, () => {
      const decoded = agreesWithTshark(join(dir, file));
      const expectedLink = file.startsWith('any-sll2')
        ? 'LINUX_SLL2 (Linux cooked v2)'
        : file.startsWith('any-sll')
          ? 'LINUX_SLL (Linux cooked v1)'
          : 'EN10MB (Ethernet)';
      expect(decoded.linkTypes.map((l) => l.name)).toEqual([expectedLink]);
      const kinds = decoded.packets.map((p) => `${p.gratuitous ? 'gratuitous ' : ''}${p.op}`);
      expect(kinds).toEqual(expect.arrayContaining(['request', 'reply', 'gratuitous request', 'gratuitous reply']));
    });
  }
});

/**
 * Fixtures made here (fixtures/README.md says how), each with tshark's reading beside it:
 * SLL2 from `tcpdump -i any`, and pcapng with nanosecond stamps (if_tsresol = 9). Timestamps
 * are compared too, from tshark's frame.time_epoch with BigInt arithmetic (no shared code).
 */
describe('the pcap decoder against the tshark readings kept beside its own fixtures', () => {
  const dir = join(import.meta.dirname, 'fixtures');
  const files = readdirSync(dir).filter((f) => /\.(pcap|pcapng)$/.test(f));
  const expectedLink: Record<string, string> = {
    'any-sll2-request-reply-garp.pcap': 'LINUX_SLL2 (Linux cooked v2)',
    'ethernet-nanosecond-request-reply-garp.pcapng': 'EN10MB (Ethernet)',
  };

  /** tshark's epoch "1796528943.659506611" as nanoseconds. */
  const epochNs = (epoch: string) => {
    const [s, f = ''] = epoch.split('.');
    return BigInt(s!) * 1_000_000_000n + BigInt(f.padEnd(9, '0').slice(0, 9));
  };
  /** ISO 8601 with microseconds, the fraction truncated (as a capture tool prints it). */
  const isoMicros = (ns: bigint) =>
    `${new Date(Number(ns / 1_000_000_000n) * 1000).toISOString().slice(0, 19)}.${String((ns % 1_000_000_000n) / 1000n).padStart(6, '0')}Z`;

  it('has both fixtures (a moved folder must not make this pass empty)', () => {
    expect(files.sort()).toEqual(Object.keys(expectedLink).sort());
  });

  for (const file of Object.keys(expectedLink)) {
    it(`${file}: every field and every timestamp as tshark read it`, () => {
      const rows = readFileSync(join(dir, file.replace(/\.pcap(ng)?$/, '.tshark.tsv')), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('\t'));
      expect(rows).toHaveLength(6);
      const decoded = decodeCapture(readFileSync(join(dir, file)));
      expect(decoded.linkTypes.map((l) => l.name)).toEqual([expectedLink[file]]);
      expect(decoded.format).toBe(file.endsWith('.pcapng') ? 'pcapng' : 'pcap');
      expect(ours(decoded)).toEqual(rows.map((row) => row.slice(0, 6)));
      const first = epochNs(rows[0]![6]!);
      expect(decoded.packets.map((p) => [p.time, p.offsetMs])).toEqual(
        rows.map((row) => {
          const ns = epochNs(row[6]!);
          return [isoMicros(ns), Math.round(Number(ns - first) / 1000) / 1000];
        }),
      );
      expect(decoded.packets.map((p) => `${p.gratuitous ? 'gratuitous ' : ''}${p.op}`)).toEqual([
        'request',
        'reply',
        'gratuitous request',
        'gratuitous reply',
        'request',
        'request',
      ]);
    });
  }

  it('the nanosecond file really has nanoseconds: two frames 29.263 µs apart, not a rounded 29 or 30', () => {
    const decoded = decodeCapture(readFileSync(join(dir, 'ethernet-nanosecond-request-reply-garp.pcapng')));
    // 1796528943.659535874 − 1796528943.659506611 = 29 263 ns.
    expect(decoded.packets[1]!.offsetMs).toBe(0.029);
    expect(decoded.packets[1]!.time).toBe('2026-12-06T03:49:03.659535Z');
  });

  it('refuses a pcapng packet whose captured length runs past its own block, naming the packet', () => {
    const bytes = Buffer.from(readFileSync(join(dir, 'ethernet-nanosecond-request-reply-garp.pcapng')));
    // Find the second Enhanced Packet Block (type 6) and claim 200 more captured bytes than it holds.
    let offset = 0;
    let seen = 0;
    while (offset < bytes.length) {
      const type = bytes.readUInt32LE(offset);
      const length = bytes.readUInt32LE(offset + 4);
      if (type === 6 && ++seen === 2) break;
      offset += length;
    }
    expect(seen).toBe(2);
    bytes.writeUInt32LE(bytes.readUInt32LE(offset + 20) + 200, offset + 20);
    expect(() => decodeCapture(bytes)).toThrow(
      /cut short in the middle of packet 2 \(at byte \d+: 242 bytes announced, 44 present\)/,
    );
  });
});
