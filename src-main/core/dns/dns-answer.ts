import * as dnsPacket from 'dns-packet';
import type { Answer, OptAnswer, Packet, Question } from 'dns-packet';
import { DNS_TTL, ZONE, type ZoneIndex } from './dns-zone';

/** RFC 1035 rcodes (the 4-bit header field). */
const Rcode = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
type Rcode = (typeof Rcode)[keyof typeof Rcode];
/** EDNS(0) BADVERS is extended rcode 16: upper 8 bits in the OPT record, lower 4 (0) in the header (RFC 6891 §6.1.3). */
const BADVERS_UPPER = 1;

/** bytes: the UDP payload we advertise and honour at most (the DNS flag day 2020 value). */
export const EDNS_UDP_PAYLOAD = 1232;
/** bytes: without EDNS a UDP response must fit the classic limit (RFC 1035 §4.2.1). */
export const CLASSIC_UDP_PAYLOAD = 512;

export interface AnswerContext {
  /** UDP responses are cut to the client's size with TC set; TCP takes up to 64 KiB. */
  transport: 'udp' | 'tcp';
  /** A name only the probe asks for: answered 127.0.0.1 so the OS-wiring check sees a real answer. */
  isProbe?: (name: string) => boolean;
}

/**
 * The responder's whole behaviour as a pure function: a decoded query in, the response
 * out (or `undefined`: drop it, e.g. a packet that is itself a response). Authoritative
 * for `kind.internal` only — REFUSED elsewhere, as it is no recursive resolver.
 */
export function answerQuery(index: ZoneIndex, query: Packet, context: AnswerContext): Packet | undefined {
  if (query.type === 'response') return undefined;
  const opt = ednsOf(query);
  const opcode = ((query.flags ?? 0) >> 11) & 0xf;
  const reply = (rcode: Rcode, answers: Answer[] = [], authorities: Answer[] = [], badVersion = false): Packet => ({
    id: query.id ?? 0,
    type: 'response',
    // AA for what we own; RD copied back (RFC 1035 §4.1.1); RA never set: we do not recurse.
    flags:
      (opcode << 11) |
      (rcode === Rcode.REFUSED ? 0 : dnsPacket.AUTHORITATIVE_ANSWER) |
      ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) |
      rcode,
    questions: query.questions ?? [],
    answers,
    authorities,
    additionals: opt
      ? [
          {
            type: 'OPT',
            name: '.',
            udpPayloadSize: EDNS_UDP_PAYLOAD,
            extendedRcode: badVersion ? BADVERS_UPPER : 0,
            ednsVersion: 0,
            flags: 0,
            flag_do: false,
            options: [],
          },
        ]
      : [],
  });
  if (opcode !== 0) return reply(Rcode.NOTIMP);
  if (opt && (opt.ednsVersion ?? 0) > 0) return reply(Rcode.NOERROR, [], [], true);
  const questions = query.questions ?? [];
  if (questions.length !== 1) return reply(Rcode.FORMERR);
  const question = questions[0]!;
  const name = question.name.toLowerCase().replace(/\.$/, '');
  const klass = question.class ?? 'IN';
  if (klass !== 'IN' && klass !== 'ANY') return reply(Rcode.REFUSED);
  if (name !== ZONE && !name.endsWith(`.${ZONE}`)) return reply(Rcode.REFUSED);
  // Zone transfers are not offered (and AXFR/IXFR over UDP is a format error in spirit).
  if (question.type === 'AXFR' || question.type === 'IXFR') return reply(Rcode.REFUSED);

  // A plain string: dns-packet's type union lacks ANY (255), which it does decode.
  const qtype: string = question.type;
  const soa = soaRecord(index);
  if (context.isProbe?.(name))
    return reply(
      Rcode.NOERROR,
      qtype === 'A' || qtype === 'ANY' ? [record(question, 'A', '127.0.0.1')] : [],
      qtype === 'A' ? [] : [soa],
    );
  const records = index.names.get(name);
  if (!records) return reply(Rcode.NXDOMAIN, [], [soa]);
  const answers: Answer[] = [];
  if (qtype === 'A' || qtype === 'ANY') answers.push(...records.a.map((ip) => record(question, 'A', ip)));
  if (qtype === 'AAAA' || qtype === 'ANY') answers.push(...records.aaaa.map((ip) => record(question, 'AAAA', ip)));
  if (name === ZONE && (qtype === 'SOA' || qtype === 'ANY')) answers.push({ ...soa, name: question.name });
  // NODATA (RFC 2308 §2.2): the name exists — records of another type, or an empty non-terminal (RFC 8020).
  return reply(Rcode.NOERROR, answers, answers.length === 0 ? [soa] : []);
}

function ednsOf(query: Packet): OptAnswer | undefined {
  return query.additionals?.find((r): r is OptAnswer => r.type === 'OPT');
}

function record(question: Question, type: 'A' | 'AAAA', data: string): Answer {
  // The owner name is echoed as asked (0x20 case randomisation by resolvers expects that).
  return { name: question.name, type, class: 'IN', ttl: DNS_TTL, data };
}

function soaRecord(index: ZoneIndex): Answer {
  return {
    name: ZONE,
    type: 'SOA',
    class: 'IN',
    ttl: DNS_TTL,
    data: {
      mname: ZONE,
      rname: `hostmaster.${ZONE}`,
      serial: index.serial >>> 0,
      refresh: 60,
      retry: 30,
      expire: 600,
      minimum: DNS_TTL,
    },
  };
}

/**
 * Encodes a response for its transport. Over UDP a response larger than the client can
 * take is cut to its header and question with TC set, so the client retries over TCP.
 */
export function encodeResponse(response: Packet, query: Packet, transport: 'udp' | 'tcp'): Buffer {
  const full = dnsPacket.encode(response);
  if (transport === 'tcp') return full;
  const opt = ednsOf(query);
  const limit = opt
    ? Math.min(Math.max(opt.udpPayloadSize ?? CLASSIC_UDP_PAYLOAD, CLASSIC_UDP_PAYLOAD), EDNS_UDP_PAYLOAD)
    : CLASSIC_UDP_PAYLOAD;
  if (full.length <= limit) return full;
  return dnsPacket.encode({
    ...response,
    flags: (response.flags ?? 0) | dnsPacket.TRUNCATED_RESPONSE,
    answers: [],
    authorities: [],
  });
}

/**
 * The reply to a packet that could not be decoded: FORMERR with the query's id when at
 * least a header came (RFC 1035 §4.1.1), nothing when even that is missing or it is a response.
 */
export function formatErrorFor(packet: Buffer): Buffer | undefined {
  if (packet.length < 12) return undefined;
  const flags = packet.readUInt16BE(2);
  if (flags & 0x8000) return undefined;
  return dnsPacket.encode({
    id: packet.readUInt16BE(0),
    type: 'response',
    flags: Rcode.FORMERR | (flags & dnsPacket.RECURSION_DESIRED),
    questions: [],
    answers: [],
    authorities: [],
    additionals: [],
  });
}
