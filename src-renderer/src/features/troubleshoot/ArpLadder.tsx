import type { ArpPacket, CaptureResult } from '@contract';

const width = 560;
const laneX = { asker: 110, node: 450 };
const rowHeight = 44;
const top = 56;

/** Whether a packet was sent from the node side (the captured node, or whoever answered for the IP). */
function fromNodeSide(packet: ArpPacket, result: CaptureResult): boolean {
  return (
    packet.senderMac === result.capturedOn?.mac ||
    packet.senderMac === result.answeredBy?.mac ||
    packet.senderIp === result.ip
  );
}

function packetText(p: ArpPacket): string {
  if (p.op === 'request')
    return p.gratuitous
      ? `gratuitous request: ${p.senderIp} is ${p.senderMac}`
      : `who has ${p.targetIp}? tell ${p.senderIp}`;
  if (p.op === 'reply') return `${p.gratuitous ? 'gratuitous reply: ' : ''}${p.senderIp} is at ${p.senderMac}`;
  return `opcode ${p.opcode} from ${p.senderIp}`;
}

/**
 * The two-lane ladder diagram: who asked (left), who answered (right), and when — each
 * packet an arrow at its time since the first frame, as Wireshark's flow graph draws it.
 */
export function ArpLadder({ result }: { result: CaptureResult }) {
  // The kind network is shared (other clusters, the host): the ladder draws the IP's conversation only; the table lists everything.
  const packets = result.packets.filter((p) => p.targetIp === result.ip || p.senderIp === result.ip);
  const others = result.packets.length - packets.length;
  const height = top + Math.max(1, packets.length) * rowHeight + 16;
  const askers = [...new Set(packets.filter((p) => !fromNodeSide(p, result)).map((p) => p.senderIp))];
  const node = result.capturedOn?.node ?? 'node';
  return (
    <figure className="arp-ladder">
      <svg
        role="img"
        aria-label="ARP ladder"
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        style={{ maxWidth: width }}
      >
        <text x={laneX.asker} y={18} textAnchor="middle" className="lane-title">
          who asked
        </text>
        <text x={laneX.asker} y={36} textAnchor="middle" className="lane-sub">
          {askers.join(', ') || result.asker?.ip || '—'}
        </text>
        <text x={laneX.node} y={18} textAnchor="middle" className="lane-title">
          who answered
        </text>
        <text x={laneX.node} y={36} textAnchor="middle" className="lane-sub">
          {node} {result.capturedOn?.mac ? `(${result.capturedOn.mac})` : ''}
        </text>
        <line x1={laneX.asker} x2={laneX.asker} y1={44} y2={height - 8} className="lane" />
        <line x1={laneX.node} x2={laneX.node} y1={44} y2={height - 8} className="lane" />
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M 0 0 L 10 5 L 0 10 z" className="arrow-head" />
          </marker>
        </defs>
        {packets.map((p, i) => {
          const y = top + i * rowHeight + 20;
          const rightward = !fromNodeSide(p, result);
          const [x1, x2] = rightward ? [laneX.asker, laneX.node] : [laneX.node, laneX.asker];
          return (
            <g key={p.frame} className={`packet packet-${p.op}`}>
              <title>{`frame ${p.frame}: ${packetText(p)}`}</title>
              <text x={(laneX.asker + laneX.node) / 2} y={y - 6} textAnchor="middle" className="packet-label">
                {packetText(p)}
              </text>
              <line x1={x1} x2={x2} y1={y} y2={y} markerEnd="url(#arrow)" className="packet-line" />
              <text x={8} y={y + 4} className="packet-time">
                +{p.offsetMs.toFixed(3)} ms
              </text>
            </g>
          );
        })}
      </svg>
      {others > 0 && (
        <figcaption className="muted small">
          {others} other ARP packet(s) on this network, not about {result.ip}, are in the table only.
        </figcaption>
      )}
    </figure>
  );
}

/** Each decoded packet's fields, as the seed article reads them off tcpdump. */
export function PacketTable({ packets }: { packets: ArpPacket[] }) {
  return (
    <table className="packet-table" aria-label="Decoded ARP packets">
      <thead>
        <tr>
          <th>#</th>
          <th>time</th>
          <th>op</th>
          <th>sender MAC</th>
          <th>sender IP</th>
          <th>target MAC</th>
          <th>target IP</th>
        </tr>
      </thead>
      <tbody>
        {packets.map((p) => (
          <tr key={p.frame}>
            <td>{p.frame}</td>
            <td>{p.time.slice(11, 26)}</td>
            <td>
              {p.gratuitous ? 'gratuitous ' : ''}
              {p.op} ({p.opcode})
            </td>
            <td>
              <code>{p.senderMac}</code>
            </td>
            <td>{p.senderIp}</td>
            <td>
              <code>{p.targetMac}</code>
            </td>
            <td>{p.targetIp}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
