import type { AnsweredBy, ArpPacket, CaptureResult, Finding, LeaseHolder } from '../../contract';
import { answeredByOf, macOwner } from '../host/probe';

export interface VerdictInput {
  ip: string;
  packets: ArpPacket[];
  leaseHolder: LeaseHolder | undefined;
  /** The cluster's nodes and their MACs (from Docker), to name whoever answered by the one MAC-owner rule. */
  nodes: readonly { name: string; mac?: string }[];
  capturedOn: string;
}

export interface Verdict {
  verdict: CaptureResult['verdict'];
  explanation: string;
  answeredBy?: AnsweredBy;
  findings: Finding[];
}

const clock = (iso: string) => iso.slice(11, 23);

/** Which form an announcement took: Cilium sends a reply (opcode 2); `arping -U` sends a request. */
export function announcementForm(packet: ArpPacket): string {
  return `a gratuitous ARP ${packet.op} (opcode ${packet.opcode})`;
}

/**
 * The verdict of a capture, from its decoded packets only: the Lease is consulted to say
 * whether the answer came from the node that claims the IP, never to decide who answered.
 */
export function arpVerdict(input: VerdictInput): Verdict {
  const { ip, packets, leaseHolder } = input;
  const requests = packets.filter((p) => p.op === 'request' && p.targetIp === ip && !p.gratuitous);
  const replies = packets.filter((p) => p.op === 'reply' && p.senderIp === ip && !p.gratuitous);
  const announcements = packets.filter((p) => p.gratuitous && p.senderIp === ip);
  const announced = announcements[0]
    ? ` ${macOwner(input.nodes, announcements[0].senderMac) ?? announcements[0].senderMac} also announced it with ${announcementForm(announcements[0])}.`
    : '';
  const reply = replies[0];
  if (reply) {
    // A measurement at the reply's capture time, named by the MAC-owner rule (probe.ts).
    const answeredBy: AnsweredBy = answeredByOf(input.nodes, reply.senderMac, reply.time);
    const node = answeredBy.node;
    const who = `${node ?? 'a machine that is no node of this cluster'} (${reply.senderMac})`;
    if (leaseHolder && node === leaseHolder.node) {
      return {
        verdict: 'holder-answered',
        answeredBy,
        findings: [],
        explanation: `${who} answered for ${ip}: it holds the lease ${leaseHolder.lease}.${announced}`,
      };
    }
    const claim = leaseHolder
      ? `the lease ${leaseHolder.lease} is held by ${leaseHolder.node}${leaseHolder.mac ? ` (${leaseHolder.mac})` : ''}`
      : 'no node holds a lease for it';
    return {
      verdict: 'other-answered',
      answeredBy,
      explanation: `${who} answered for ${ip}, but ${claim}.${announced}`,
      findings: [
        {
          code: 'arp-answer-not-holder',
          message: `ARP for ${ip} is answered by ${who}, not by the lease holder (answered ARP: ${node ?? reply.senderMac}, checked ${clock(reply.time)}).`,
          fix:
            'Another cluster or machine on the same Docker network announces this IP: ' +
            'give each cluster its own LoadBalancer pool range, or remove the stale announcer.',
        },
      ],
    };
  }
  if (requests.length > 0) {
    return {
      verdict: 'no-reply',
      explanation: `${requests.length} request${requests.length > 1 ? 's' : ''} "who has ${ip}?" reached ${input.capturedOn}, and nobody answered.${announced}`,
      findings: [
        {
          code: 'arp-no-reply',
          message:
            `Nobody answers ARP for ${ip} on ` +
            `${input.capturedOn}${leaseHolder ? `, although the lease is held by ${leaseHolder.node}` : ' and no node holds its lease'}.`,
          fix:
            'Check that L2 announcements are on with kube-proxy replacement, ' +
            'that the CiliumL2AnnouncementPolicy selects this service and node, ' +
            "and that its interfaces regex matches the node's interface (eth0 in kind).",
        },
      ],
    };
  }
  return {
    verdict: 'no-request',
    explanation:
      `No ARP request for ${ip} reached ${input.capturedOn} while the capture ran: ` +
      `the asker is on another network, or the capture ran on the wrong interface.${announced}`,
    findings: [
      {
        code: 'arp-no-request',
        message: `The capture on ${input.capturedOn} saw no request for ${ip}.`,
        fix: 'Capture again; if it repeats, check that the node is attached to the Docker network the IP belongs to.',
      },
    ],
  };
}
