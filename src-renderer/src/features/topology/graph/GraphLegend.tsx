import { Panel } from '@xyflow/react';

const entries: { className: string; label: string }[] = [
  { className: 'legend-link', label: 'route, bridge port, veth pair' },
  { className: 'legend-lease', label: 'lease held by (L2 announcement)' },
  { className: 'legend-overlay', label: 'tunnel overlay (lower MTU)' },
  { className: 'legend-native', label: 'native routing via node IPs' },
  { className: 'legend-pool', label: 'IP from a pool' },
  { className: 'legend-session', label: 'BGP session (measured at the router)' },
  { className: 'legend-nexthop', label: "the router's next hop for an IP" },
  { className: 'legend-stopped', label: 'stopped / gone' },
  { className: 'legend-pending', label: 'pending / unattached' },
];

/** What the lines and colours mean. */
export function GraphLegend() {
  return (
    <Panel position="top-right" className="graph-legend graph-legend-open">
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
