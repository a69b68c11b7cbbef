import type { ClusterStatus, ServiceCheck } from '../../contract';
import { runTool } from '../tools/run-tool';

export interface NeighbourEntry {
  state: string;
  mac?: string;
  dev?: string;
}

/** This machine's neighbour (ARP) entry for an address: `ip -j neigh show ADDR` (Linux). */
export async function readNeighbour(ip: string): Promise<NeighbourEntry | undefined> {
  if (process.platform !== 'linux') return undefined;
  try {
    const result = await runTool('ip', 'ip', ['-j', 'neigh', 'show', ip], { signal: AbortSignal.timeout(3_000) });
    const entries = JSON.parse(result.stdout || '[]') as { dst: string; dev?: string; lladdr?: string; state?: string[] }[];
    const entry = entries.find((e) => e.dst === ip);
    return entry ? { state: (entry.state ?? ['UNKNOWN']).join(','), ...(entry.lladdr ? { mac: entry.lladdr } : {}), ...(entry.dev ? { dev: entry.dev } : {}) } : { state: 'NONE' };
  } catch {
    return undefined;
  }
}

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
  const started = performance.now();
  let http: NonNullable<ServiceCheck['http']>;
  try {
    const response = await fetch(`http://${ip}:${port}/`, { signal: AbortSignal.timeout(3_000) });
    const body = (await response.text()).slice(0, 200);
    http = { ok: response.ok, status: response.status, body, ms: Math.round(performance.now() - started) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    http = { ok: false, error: cause ?? (error as Error).name, ms: Math.round(performance.now() - started) };
  }
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
