import ipaddr from 'ipaddr.js';
import type { LabNetworkView, LabUsedRangeKind } from '@contract';

/** An IPv4 CIDR or address as an inclusive integer range (ipaddr.js parses; the bar only needs offsets). */
function range(cidr: string): { first: number; last: number } | undefined {
  const text = cidr.includes('/') ? cidr : `${cidr}/32`;
  if (!ipaddr.isValidCIDR(text)) return undefined;
  const [address, bits] = ipaddr.parseCIDR(text);
  if (address.kind() !== 'ipv4') return undefined;
  const value = address.toByteArray().reduce((acc, byte) => acc * 256 + byte, 0);
  const size = 2 ** (32 - bits);
  const first = value - (value % size);
  return { first, last: first + size - 1 };
}

const kindLabels: Record<LabUsedRangeKind | 'this', string> = {
  gateway: 'Gateway (this machine)',
  node: 'Nodes',
  container: 'Other containers',
  pool: "Other clusters' pools",
  this: 'This pool',
};

/**
 * The kind network from its first to its last address, with what already uses it and the
 * block this plan's pool takes. Single addresses are drawn as ticks at least 2 px wide so
 * that a /32 in a /16 stays visible; the list below names each one.
 */
export function AddressBar({ network, poolCidr }: { network: LabNetworkView; poolCidr?: string }) {
  const net = range(network.subnet);
  if (!net) return null;
  const span = net.last - net.first + 1;
  const marks = [
    ...network.used.map((u) => ({ ...u, kind: u.kind as LabUsedRangeKind | 'this' })),
    ...(poolCidr ? [{ cidr: poolCidr, what: 'this plan\u2019s pool', kind: 'this' as const }] : []),
  ]
    .map((mark) => ({ mark, r: range(mark.cidr) }))
    .filter(
      (m): m is { mark: (typeof m)['mark']; r: { first: number; last: number } } =>
        !!m.r && m.r.last >= net.first && m.r.first <= net.last,
    );
  const byKind = (kind: LabUsedRangeKind | 'this') => marks.filter((m) => m.mark.kind === kind).map((m) => m.mark);
  const summary =
    `Network ${network.name} ${network.subnet}: ` +
    `${byKind('node').length} node addresses, ` +
    `${byKind('pool').length} other pools${poolCidr ? `, this pool ${poolCidr}` : ''}`;
  return (
    <figure className="address-bar" aria-label={`Addresses of the ${network.name} network`}>
      <figcaption className="address-bar-caption">
        <strong>
          {network.name} network <code>{network.subnet}</code>
        </strong>
        <span className="muted">{network.gateway ? ` · gateway ${network.gateway}` : ''}</span>
      </figcaption>
      <div className="address-bar-track" role="img" aria-label={summary}>
        {marks.map(({ mark, r }) => (
          <span
            key={`${mark.kind}-${mark.cidr}`}
            className={`address-bar-mark address-bar-${mark.kind}`}
            title={`${mark.cidr} — ${mark.what}`}
            style={{
              left: `${((Math.max(r.first, net.first) - net.first) / span) * 100}%`,
              width: `max(2px, ${((Math.min(r.last, net.last) - Math.max(r.first, net.first) + 1) / span) * 100}%)`,
            }}
          />
        ))}
      </div>
      <div className="address-bar-scale muted small" aria-hidden="true">
        <span>{network.subnet.split('/')[0]}</span>
        <span>
          {ipaddr
            .fromByteArray([net.last >>> 24, (net.last >>> 16) & 255, (net.last >>> 8) & 255, net.last & 255])
            .toString()}
        </span>
      </div>
      <ul className="address-bar-legend" aria-label="Addresses in use">
        {(['gateway', 'node', 'container', 'pool', 'this'] as const).map((kind) => {
          const items = byKind(kind);
          if (items.length === 0) return null;
          return (
            <li key={kind}>
              <span className={`address-bar-swatch address-bar-${kind}`} aria-hidden="true" />
              <span className="address-bar-kind">{kindLabels[kind]}</span>{' '}
              <span className="muted">
                {items.length > 6
                  ? `${items
                      .slice(0, 6)
                      .map((i) => i.cidr.replace(/\/32$/, ''))
                      .join(', ')} and ${items.length - 6} more`
                  : items.map((i) => i.cidr.replace(/\/32$/, '')).join(', ')}
              </span>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
