import type { ArpPacket } from '../../contract';

/** Link types (https://www.tcpdump.org/linktypes.html) Kindscope decodes. */
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_LINUX_SLL2 = 276;
export const supportedLinkTypes: readonly number[] = [LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2];

const knownLinkTypes: Record<number, string> = {
  0: 'NULL (BSD loopback)',
  1: 'EN10MB (Ethernet)',
  101: 'RAW (IP without a link header)',
  105: 'IEEE802_11 (Wi-Fi)',
  108: 'LOOP (OpenBSD loopback)',
  113: 'LINUX_SLL (Linux cooked v1)',
  127: 'IEEE802_11_RADIOTAP (Wi-Fi with radiotap)',
  228: 'IPV4',
  229: 'IPV6',
  276: 'LINUX_SLL2 (Linux cooked v2)',
};

export function linkTypeName(type: number): string {
  return knownLinkTypes[type] ?? 'unknown';
}

const ETHERTYPE_ARP = 0x0806;
const ETHERTYPE_VLAN = [0x8100, 0x88a8];

/** Linux packet types (`sll_pkttype`, linux/if_packet.h). */
const packetTypes = ['to-us', 'broadcast', 'multicast', 'other-host', 'outgoing'] as const;

type FrameArp = Omit<ArpPacket, 'frame' | 'time' | 'offsetMs'>;

/**
 * The ARP payload of one link-layer frame, or undefined when the frame is not Ethernet/IPv4
 * ARP (other protocols, or ARP for other hardware, such as MetalLB's malformed InfiniBand
 * GARP in metallb/metallb#588, which tshark shows as "Unknown (1327)" with no fields).
 */
export function decodeArpFrame(linkType: number, data: Uint8Array): FrameArp | undefined {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let protocolAt: number;
  let payloadAt: number;
  let direction: FrameArp['direction'];
  let ifindex: number | undefined;
  if (linkType === LINKTYPE_ETHERNET) {
    protocolAt = 12;
    payloadAt = 14;
    // 802.1Q / 802.1ad tags sit between the addresses and the EtherType.
    while (data.length >= protocolAt + 2 && ETHERTYPE_VLAN.includes(view.getUint16(protocolAt))) {
      protocolAt += 4;
      payloadAt += 4;
    }
  } else if (linkType === LINKTYPE_LINUX_SLL) {
    // packet type (2), ARPHRD type (2), address length (2), address (8), protocol (2).
    if (data.length < 16) return undefined;
    direction = packetTypes[view.getUint16(0)];
    protocolAt = 14;
    payloadAt = 16;
  } else if (linkType === LINKTYPE_LINUX_SLL2) {
    // protocol (2), reserved (2), ifindex (4), ARPHRD type (2), packet type (1), address length (1), address (8).
    if (data.length < 20) return undefined;
    protocolAt = 0;
    payloadAt = 20;
    ifindex = view.getUint32(4);
    direction = packetTypes[view.getUint8(10)];
  } else {
    return undefined;
  }
  if (data.length < protocolAt + 2 || view.getUint16(protocolAt) !== ETHERTYPE_ARP) return undefined;
  const arp = decodeArp(data.subarray(payloadAt));
  if (!arp) return undefined;
  return { ...arp, ...(direction ? { direction } : {}), ...(ifindex !== undefined ? { ifindex } : {}) };
}

/** RFC 826 for Ethernet (htype 1) and IPv4 (ptype 0x0800). */
function decodeArp(payload: Uint8Array): Omit<FrameArp, 'direction' | 'ifindex'> | undefined {
  if (payload.length < 28) return undefined;
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const hardware = view.getUint16(0);
  const protocol = view.getUint16(2);
  if (hardware !== 1 || protocol !== 0x0800 || payload[4] !== 6 || payload[5] !== 4) return undefined;
  const opcode = view.getUint16(6);
  const senderMac = mac(payload.subarray(8, 14));
  const senderIp = ipv4(payload.subarray(14, 18));
  const targetMac = mac(payload.subarray(18, 24));
  const targetIp = ipv4(payload.subarray(24, 28));
  const op = opcode === 1 ? 'request' : opcode === 2 ? 'reply' : 'other';
  // Gratuitous: the sender announces its own address (RFC 5227 §3; tshark's arp.isgratuitous).
  const gratuitous = senderIp === targetIp && senderIp !== '0.0.0.0';
  return { op, opcode, gratuitous, senderMac, senderIp, targetMac, targetIp };
}

function mac(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

function ipv4(bytes: Uint8Array): string {
  return [...bytes].join('.');
}
