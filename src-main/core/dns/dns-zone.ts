import { isIP } from 'node:net';
import { DNS_ZONE, nodeAddress, type ClusterStatus, type DnsName } from '../../contract';

export const ZONE = DNS_ZONE;
/** s: short, so a moved or deleted IP is seen at once (also the negative-caching TTL, RFC 2308). */
export const DNS_TTL = 5;

export interface ZoneRecords {
  a: string[];
  aaaa: string[];
}

/** One immutable view of the zone: every name that exists (with its records) and the listing. */
export interface ZoneIndex {
  /** Lower-case owner names without the trailing dot, including empty non-terminals (no records). */
  readonly names: ReadonlyMap<string, ZoneRecords>;
  readonly listing: DnsName[];
  /** Clusters left out, and why (a '.' in a kind cluster name would split into labels). */
  readonly skipped: { cluster: string; reason: string }[];
  /** SOA serial: seconds since the epoch of the build, so a secondary could tell versions apart. */
  readonly serial: number;
}

const label = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Builds the zone from the live cluster status: `<service>.<namespace>.<cluster>.kind.internal`
 * for LoadBalancer services with an external IP, `<node>.<cluster>.kind.internal` for nodes
 * with an InternalIP, and every name in between as an empty non-terminal (RFC 8020: it exists).
 */
export function buildZoneIndex(statuses: readonly ClusterStatus[], now = Date.now()): ZoneIndex {
  const names = new Map<string, ZoneRecords>();
  const listing: DnsName[] = [];
  const skipped: { cluster: string; reason: string }[] = [];
  const ensure = (name: string): ZoneRecords => {
    let records = names.get(name);
    if (!records) names.set(name, (records = { a: [], aaaa: [] }));
    return records;
  };
  const add = (name: string, addresses: readonly string[]) => {
    const records = ensure(name);
    for (const address of addresses) {
      const family = isIP(address);
      // Only addresses become records (an ingress may also name a hostname, which A/AAAA cannot carry).
      if (family === 0) continue;
      const list = family === 6 ? records.aaaa : records.a;
      if (!list.includes(address)) list.push(address);
    }
    // Every ancestor up to the apex exists, records or not.
    for (
      let dot = name.indexOf('.');
      dot >= 0 && name.length - dot - 1 >= ZONE.length;
      dot = name.indexOf('.', dot + 1)
    )
      ensure(name.slice(dot + 1));
  };
  ensure(ZONE);
  for (const status of statuses) {
    const cluster = status.cluster.toLowerCase();
    if (!label.test(cluster)) {
      skipped.push({
        cluster: status.cluster,
        reason: 'the cluster name is not a single DNS label (it contains "." or is too long), so it gets no names',
      });
      continue;
    }
    add(`${cluster}.${ZONE}`, []);
    for (const node of status.nodes) {
      // The address the container has now (Docker's fact); Kubernetes' InternalIP only while that is unknown.
      const address = nodeAddress(node);
      if (!address || !label.test(node.name)) continue;
      const name = `${node.name}.${cluster}.${ZONE}`;
      add(name, [address]);
      listing.push({ name, kind: 'node', cluster: status.cluster, node: node.name, addresses: [address] });
    }
    for (const service of status.services) {
      if (service.type !== 'LoadBalancer' || service.externalIPs.length === 0) continue;
      if (!label.test(service.name) || !label.test(service.namespace)) continue;
      const name = `${service.name}.${service.namespace}.${cluster}.${ZONE}`;
      const addresses = service.externalIPs.filter((ip) => isIP(ip) !== 0);
      if (addresses.length === 0) continue;
      add(name, addresses);
      listing.push({
        name,
        kind: 'service',
        cluster: status.cluster,
        namespace: service.namespace,
        service: service.name,
        addresses,
      });
    }
  }
  listing.sort((a, b) => a.name.localeCompare(b.name));
  return { names, listing, skipped, serial: Math.floor(now / 1000) };
}
