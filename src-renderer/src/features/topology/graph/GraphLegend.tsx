import { Panel } from '@xyflow/react';

const entries: { className: string; label: string }[] = [
  { className: 'legend-link', label: 'Ethernet: route, bridge port, veth pair' },
  { className: 'legend-lease', label: 'LoadBalancer IP — lease held by a node' },
  { className: 'legend-overlay', label: 'Tunnel overlay (encapsulated, lower MTU)' },
  { className: 'legend-native', label: 'Native routing via node IPs' },
  { className: 'legend-pool', label: 'IP taken from a pool' },
  { className: 'legend-stopped', label: 'Stopped container / gone' },
  { className: 'legend-pending', label: 'Pending or unattached service' },
];

/** What the lines and colours mean. */
export function GraphLegend() {
  return (
    <Panel position="top-right" className="graph-legend">
      <ul aria-label="Legend">
        {entries.map((entry) => (
          <li key={entry.className}>
            <span className={`legend-swatch ${entry.className}`} aria-hidden="true" />
            {entry.label}
          </li>
        ))}
      </ul>
    </Panel>
  );
}
