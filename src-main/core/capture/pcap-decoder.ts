import { KindscopeError, type ArpPacket, type DecodedCapture } from '../../contract';
import { decodeArpFrame, linkTypeName, supportedLinkTypes } from './arp-frame';

/**
 * A small pcap / pcapng reader for ARP. No well-kept npm package fits: `pcap` is a libpcap
 * binding (native build, live capture), `pcap-parser` (0.2, 2013) reads classic pcap only —
 * no pcapng, no SLL2. File formats: https://www.tcpdump.org/manpages/pcap-savefile.5.html and
 * https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-02.html.
 */

const PCAP_MAGIC_US = 0xa1b2c3d4;
const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER = 0x1a2b3c4d;

interface RawFrame {
  /** 1-based, as tshark's frame.number. */
  number: number;
  /** Seconds since the epoch, with the file's fraction. */
  seconds: number;
  fractionNs: number;
  linkType: number;
  data: Uint8Array;
  /** Set when the frame was cut at the snapshot length. */
  cut: boolean;
}

function invalid(
  message: string,
  hint = 'Give a capture written by tcpdump -w, tshark -w or Wireshark (pcap or pcapng).',
): KindscopeError {
  return new KindscopeError('INVALID_INPUT', message, hint);
}

function truncated(what: string, offset: number, need: number, have: number): KindscopeError {
  return invalid(
    `The capture is cut short in the middle of ${what} (at byte ${offset}: ${need} bytes announced, ${have} present)`,
    'The file was truncated (a capture still being written, or a copy cut short): capture again, or let tcpdump end (-c / -G) before reading the file.',
  );
}

/** Decodes every ARP packet of a pcap or pcapng file. Throws INVALID_INPUT with a fix for anything else. */
export function decodeCapture(bytes: Uint8Array): DecodedCapture {
  if (bytes.length < 4)
    throw invalid(`Not a packet capture: the file has ${bytes.length} bytes, fewer than a pcap header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magicBE = view.getUint32(0, false);
  const magicLE = view.getUint32(0, true);
  let format: DecodedCapture['format'];
  let read: { frames: RawFrame[]; linkTypes: number[] };
  if (magicBE === PCAPNG_SHB) {
    format = 'pcapng';
    read = readPcapng(bytes, view);
  } else if ([magicBE, magicLE].some((m) => m === PCAP_MAGIC_US || m === PCAP_MAGIC_NS)) {
    format = 'pcap';
    read = readPcap(bytes, view);
  } else {
    throw invalid(
      `Not a packet capture: the file starts with 0x${magicBE.toString(16).padStart(8, '0')}, neither the pcap magic (a1b2c3d4) nor the pcapng one (0a0d0d0a)`,
    );
  }
  return toCapture(format, read.frames, read.linkTypes);
}

/** @param declared the link types the file declares (pcap header, pcapng interfaces), frames or not. */
function toCapture(format: DecodedCapture['format'], frames: RawFrame[], declared: number[]): DecodedCapture {
  const packets: ArpPacket[] = [];
  const linkTypes = [...new Set([...declared, ...frames.map((f) => f.linkType)])];
  for (const type of linkTypes) {
    if (!supportedLinkTypes.includes(type)) {
      throw invalid(
        `The capture's link type ${type} (${linkTypeName(type)}) is not one Kindscope decodes`,
        'Capture on an Ethernet interface (tcpdump -i eth0) or on "any" (Linux cooked SLL/SLL2); other link types are not decoded.',
      );
    }
  }
  let skipped = 0;
  const first = frames[0];
  for (const frame of frames) {
    const arp = decodeArpFrame(frame.linkType, frame.data);
    if (!arp) {
      skipped++;
      continue;
    }
    const offsetMs = first ? (frame.seconds - first.seconds) * 1000 + (frame.fractionNs - first.fractionNs) / 1e6 : 0;
    packets.push({
      frame: frame.number,
      time: isoTime(frame.seconds, frame.fractionNs),
      offsetMs: Math.round(offsetMs * 1000) / 1000,
      ...arp,
    });
  }
  return {
    format,
    linkTypes: linkTypes.map((type) => ({ type, name: linkTypeName(type) })),
    frames: frames.length,
    skipped,
    packets,
  };
}

/** ISO 8601 with microseconds (Date keeps milliseconds only). */
function isoTime(seconds: number, fractionNs: number): string {
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  return `${base}.${String(Math.floor(fractionNs / 1000)).padStart(6, '0')}Z`;
}

function readPcap(bytes: Uint8Array, view: DataView): { frames: RawFrame[]; linkTypes: number[] } {
  if (bytes.length < 24) throw truncated('the pcap file header', 0, 24, bytes.length);
  const little = view.getUint32(0, true) === PCAP_MAGIC_US || view.getUint32(0, true) === PCAP_MAGIC_NS;
  const nanos = view.getUint32(0, little) === PCAP_MAGIC_NS;
  // The upper bits of the link-type field carry FCS information (pcap-savefile(5)).
  const linkType = view.getUint32(20, little) & 0x0fffffff;
  const snapLength = view.getUint32(16, little);
  const frames: RawFrame[] = [];
  let offset = 24;
  while (offset < bytes.length) {
    const number = frames.length + 1;
    if (offset + 16 > bytes.length)
      throw truncated(`the record header of packet ${number}`, offset, 16, bytes.length - offset);
    const seconds = view.getUint32(offset, little);
    const fraction = view.getUint32(offset + 4, little);
    const captured = view.getUint32(offset + 8, little);
    const original = view.getUint32(offset + 12, little);
    if (captured > Math.max(snapLength, 262_144) * 4)
      throw invalid(
        `Packet ${number} claims ${captured} bytes, far beyond the snapshot length ${snapLength}: the file is damaged`,
      );
    if (offset + 16 + captured > bytes.length)
      throw truncated(`packet ${number}`, offset + 16, captured, bytes.length - offset - 16);
    frames.push({
      number,
      seconds,
      fractionNs: nanos ? fraction : fraction * 1000,
      linkType,
      data: bytes.subarray(offset + 16, offset + 16 + captured),
      cut: captured < original,
    });
    offset += 16 + captured;
  }
  return { frames, linkTypes: [linkType] };
}

interface PcapngInterface {
  linkType: number;
  /** Timestamp units per second (if_tsresol; 10^6 by default). */
  unitsPerSecond: bigint;
}

function readPcapng(bytes: Uint8Array, view: DataView): { frames: RawFrame[]; linkTypes: number[] } {
  const frames: RawFrame[] = [];
  const linkTypes: number[] = [];
  let interfaces: PcapngInterface[] = [];
  let little = true;
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 12 > bytes.length) throw truncated('a pcapng block header', offset, 12, bytes.length - offset);
    const typeBE = view.getUint32(offset, false);
    if (typeBE === PCAPNG_SHB) {
      // A section header sets the byte order (and forgets the interfaces) for what follows.
      const order = view.getUint32(offset + 8, true);
      if (order === PCAPNG_BYTE_ORDER) little = true;
      else if (view.getUint32(offset + 8, false) === PCAPNG_BYTE_ORDER) little = false;
      else
        throw invalid(`The pcapng section header at byte ${offset} has no valid byte-order magic: the file is damaged`);
      interfaces = [];
    }
    const type = view.getUint32(offset, little);
    const length = view.getUint32(offset + 4, little);
    if (length < 12 || length % 4 !== 0)
      throw invalid(`The pcapng block at byte ${offset} has an impossible length ${length}: the file is damaged`);
    if (offset + length > bytes.length)
      throw truncated(`a pcapng block (type ${type})`, offset, length, bytes.length - offset);
    const body = offset + 8;
    const bodyEnd = offset + length - 4;
    if (type === 1) {
      interfaces.push({
        linkType: view.getUint16(body, little),
        unitsPerSecond: interfaceResolution(view, body + 8, bodyEnd, little),
      });
      linkTypes.push(view.getUint16(body, little));
    } else if (type === 6 || type === 2) {
      frames.push(enhancedPacket(bytes, view, { type, body, bodyEnd, little, interfaces, number: frames.length + 1 }));
    } else if (type === 3) {
      const iface = interfaces[0];
      if (!iface)
        throw invalid(
          `A pcapng simple packet block at byte ${offset} comes before any interface description: the file is damaged`,
        );
      const original = view.getUint32(body, little);
      const captured = Math.min(original, bodyEnd - body - 4);
      frames.push({
        number: frames.length + 1,
        seconds: 0,
        fractionNs: 0,
        linkType: iface.linkType,
        data: bytes.subarray(body + 4, body + 4 + captured),
        cut: captured < original,
      });
    }
    offset += length;
  }
  return { frames, linkTypes };
}

function enhancedPacket(
  bytes: Uint8Array,
  view: DataView,
  block: {
    type: number;
    body: number;
    bodyEnd: number;
    little: boolean;
    interfaces: PcapngInterface[];
    number: number;
  },
): RawFrame {
  const { body, little } = block;
  // Block type 2 (obsolete Packet Block) has a 2-byte interface id and a drops counter.
  const interfaceId = block.type === 6 ? view.getUint32(body, little) : view.getUint16(body, little);
  const iface = block.interfaces[interfaceId];
  if (!iface)
    throw invalid(
      `Packet ${block.number} names interface ${interfaceId}, which the pcapng file never describes: the file is damaged`,
    );
  const stamp = (BigInt(view.getUint32(body + 4, little)) << 32n) | BigInt(view.getUint32(body + 8, little));
  const captured = view.getUint32(body + 12, little);
  const original = view.getUint32(body + 16, little);
  if (body + 20 + captured > block.bodyEnd)
    throw truncated(`packet ${block.number}`, body + 20, captured, block.bodyEnd - body - 20);
  const seconds = stamp / iface.unitsPerSecond;
  const fractionNs = ((stamp % iface.unitsPerSecond) * 1_000_000_000n) / iface.unitsPerSecond;
  return {
    number: block.number,
    seconds: Number(seconds),
    fractionNs: Number(fractionNs),
    linkType: iface.linkType,
    data: bytes.subarray(body + 20, body + 20 + captured),
    cut: captured < original,
  };
}

/** The if_tsresol option (code 9) of an interface description block. */
function interfaceResolution(view: DataView, start: number, end: number, little: boolean): bigint {
  let offset = start;
  while (offset + 4 <= end) {
    const code = view.getUint16(offset, little);
    const length = view.getUint16(offset + 2, little);
    if (code === 0) break;
    if (code === 9 && length >= 1) {
      const value = view.getUint8(offset + 4);
      // High bit set: a power of two; otherwise a power of ten.
      return value & 0x80 ? 1n << BigInt(value & 0x7f) : 10n ** BigInt(value);
    }
    offset += 4 + Math.ceil(length / 4) * 4;
  }
  return 1_000_000n;
}
