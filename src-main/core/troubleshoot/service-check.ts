import { KindscopeError, probePort, type ClusterStatus, type ServiceCheck } from '../../contract';
import { prove, sameMac, serviceTarget, type NeighbourRefresh, type ProofDeps } from '../host/probe';

/**
 * Checks a LoadBalancer service from this machine the way the seed article does by hand:
 * `curl` the IP, then look at the neighbour entry to see which node answered ARP — and
 * says what the result means, with the status findings that explain a failure.
 */
export async function checkService(
  status: ClusterStatus,
  namespace: string,
  name: string,
  deps: ProofDeps,
): Promise<ServiceCheck> {
  return (await measureService(status, namespace, name, deps)).check;
}

/** The check, and what refreshing the neighbour entry before its probe did (the pipeline's verify records it). */
export async function measureService(
  status: ClusterStatus,
  namespace: string,
  name: string,
  deps: ProofDeps,
): Promise<{ check: ServiceCheck; refresh?: NeighbourRefresh }> {
  const service = status.services.find((s) => s.namespace === namespace && s.name === name);
  const label = `${namespace}/${name}`;
  if (!service && !status.streams.some((s) => s.resource === 'services' && s.state === 'live')) {
    throw new KindscopeError(
      'DATA_INCOMPLETE',
      `The services of "${status.cluster}" could not be read (${status.connection.reason ?? status.connection.state})`,
      `Check that the cluster's API server answers: kubectl --context ${status.context} get svc -A`,
    );
  }
  if (!service) {
    const known = status.services.map((s) => `${s.namespace}/${s.name}`);
    throw new KindscopeError(
      'INVALID_INPUT',
      `${label} is not a LoadBalancer service of "${status.cluster}"; its LoadBalancer services: ${known.join(', ') || 'none'}`,
      known.length > 0
        ? `Use --service with one of: ${known.join(', ')}.`
        : `Create one: kubectl --context ${status.context} expose deployment NAME --type=LoadBalancer --port=80`,
    );
  }
  const holder = service.holder
    ? { node: service.holder, ...(service.holderMac ? { mac: service.holderMac } : {}) }
    : undefined;
  const claim = { ...(holder ? { holder } : {}), ...(service.leaseHolder ? { leaseHolder: service.leaseHolder } : {}) };
  const ip = service.externalIPs[0];
  if (!ip)
    return {
      check: {
        service: label,
        verdict: 'pending',
        explanation: `${label} has no IP yet (<pending>).`,
        findings: service.findings,
        ...claim,
      },
    };
  const port = probePort(service);
  // The proof (probe.ts): the path first (nothing sent otherwise), then HTTP with the neighbour
  // entry refreshed before and read after it, then the answer judged.
  const outcome = await prove(serviceTarget(status, service, ip, port), deps);
  const { proof, http, neighbour: entry, answeredBy } = outcome;
  const base = {
    service: label,
    ip,
    port,
    ...(http ? { http } : {}),
    ...(entry ? { neighbour: entry } : {}),
    ...claim,
    ...(answeredBy ? { answeredBy } : {}),
    proof,
    findings: [...outcome.findings, ...service.findings],
  };
  const who = answeredBy ? `${answeredBy.node ?? 'a MAC of no node'} (${answeredBy.mac})` : '';
  const lease = holder ? ` — lease held by ${holder.node}` : '';
  const verdictOf = (): ServiceCheck => {
    if (!proof.path.ok || !http)
      return {
        ...base,
        verdict: 'not-proven',
        explanation: `Not proven: ${proof.path.detail}`,
      };
    if (http.status !== undefined) {
      if (holder?.mac && answeredBy && !sameMac(answeredBy.mac, holder.mac)) {
        return {
          ...base,
          verdict: 'wrong-node',
          explanation:
            `${ip} answered, but ARP resolved it to ${who}, not the lease holder ${holder.node} ` +
            `(${holder.mac}): another cluster or machine announcing the same IP.`,
        };
      }
      if (!proof.proven)
        return {
          ...base,
          verdict: 'not-proven',
          explanation:
            `Not proven: HTTP ${http.status} from ${ip}:${port}, ` +
            `but ${proof.failing === 'answer' ? proof.answer.detail : proof.arp.detail}${lease}.`,
        };
      return {
        ...base,
        verdict: 'answers',
        explanation:
          `${ip}:${port} answered HTTP ${http.status} in ${http.ms} ms; ` +
          `${proof.arp.detail.replace(/\.$/, '')}; ${proof.answer.detail.replace(/\.$/, '')}${lease}.`,
      };
    }
    if (answeredBy)
      return {
        ...base,
        verdict: 'no-http',
        explanation: `Answered ARP for ${ip}: ${who}, but nothing answered on port ${port} (${http.error ?? 'no response'})${lease}.`,
      };
    if (entry)
      return {
        ...base,
        verdict: 'no-arp',
        explanation:
          `Nobody answers ARP for ${ip}${entry.dev ? ` on ${entry.dev}` : ''} ` +
          `(neighbour entry ${entry.state})${holder ? `, although the lease is held by ${holder.node}` : ': no node announces this IP'}.`,
      };
    return {
      ...base,
      verdict: 'unreachable',
      explanation: `${ip}:${port} did not answer (${http.error ?? 'no response'}).`,
    };
  };
  return { check: verdictOf(), ...(outcome.refresh ? { refresh: outcome.refresh } : {}) };
}
