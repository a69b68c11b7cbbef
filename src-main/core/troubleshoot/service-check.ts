import type { ClusterStatus, ServiceCheck } from '../../contract';
import { readNeighbour, type NeighbourEntry } from '../host/neighbour';
import { probeHttp } from '../host/probes';

/**
 * Checks a LoadBalancer service from this machine the way the seed article does by hand:
 * `curl` the IP, then look at the neighbour entry to see which node answered ARP — and
 * says what the result means, with the status findings that explain a failure.
 */
export async function checkService(status: ClusterStatus, namespace: string, name: string, neighbour: (ip: string) => Promise<NeighbourEntry | undefined> = readNeighbour): Promise<ServiceCheck> {
  const service = status.services.find((s) => s.namespace === namespace && s.name === name);
  const label = `${namespace}/${name}`;
  if (!service) return { service: label, verdict: 'unreachable', explanation: `${label} is not a LoadBalancer service of "${status.cluster}"`, findings: [] };
  const holder = service.holder ? { node: service.holder, ...(service.holderMac ? { mac: service.holderMac } : {}) } : undefined;
  const ip = service.externalIPs[0];
  if (!ip) return { service: label, verdict: 'pending', explanation: `${label} has no IP yet (<pending>).`, findings: service.findings, ...(holder ? { holder } : {}) };
  const port = Number(/^(\d+)/.exec(service.ports[0] ?? '80')?.[1] ?? 80);
  const http = await probeHttp(ip, port);
  const entry = await neighbour(ip);
  const base = { service: label, ip, port, http, ...(entry ? { neighbour: entry } : {}), ...(holder ? { holder } : {}), findings: service.findings };
  const answeredBy = entry?.mac ? status.nodes.find((n) => n.mac === entry.mac)?.name : undefined;
  if (http.ok || http.status !== undefined) {
    if (holder?.mac && entry?.mac && entry.mac !== holder.mac) {
      return { ...base, verdict: 'wrong-node', explanation: `${ip} answered, but ARP resolved it to ${entry.mac}${answeredBy ? ` (${answeredBy})` : ''}, not the lease holder ${holder.node} (${holder.mac}): a stale neighbour entry or another cluster announcing the same IP.` };
    }
    return { ...base, verdict: 'answers', explanation: `${ip}:${port} answered HTTP ${http.status} in ${http.ms} ms${entry?.mac ? `; ARP resolved it to ${entry.mac}${answeredBy ? `, ${answeredBy}` : ''}` : ''}${holder ? ` — the L2 lease holder is ${holder.node}` : ''}.` };
  }
  if (entry && entry.mac && !/FAILED|INCOMPLETE/.test(entry.state)) {
    return { ...base, verdict: 'no-http', explanation: `${answeredBy ?? entry.mac} answers ARP for ${ip}, but nothing answered on port ${port} (${http.error ?? 'no response'}).` };
  }
  if (entry) {
    return { ...base, verdict: 'no-arp', explanation: `Nobody answers ARP for ${ip}${entry.dev ? ` on ${entry.dev}` : ''} (neighbour entry ${entry.state}): no node announces this IP.` };
  }
  return { ...base, verdict: 'unreachable', explanation: `${ip}:${port} did not answer (${http.error ?? 'no response'}).` };
}
