import { nodeAddress, probePort, type ClusterStatus, type PingResult } from '../../contract';
import {
  measure,
  judgeAnswer,
  probeHttp,
  probeIcmp,
  probeTcp,
  prove,
  serviceTarget,
  type IcmpResult,
  type NeighbourTable,
  type ProofDeps,
} from './probe';

export interface ReachabilityProbes {
  icmp(ip: string): Promise<IcmpResult>;
  tcp(ip: string, port: number): Promise<{ ok: boolean; ms: number; error?: string }>;
  neighbour: NeighbourTable;
  /** The path condition, checked before anything is sent (probe.ts). */
  path: ProofDeps['path'];
  ask?: ProofDeps['ask'];
  platform: NodeJS.Platform;
}

/** The real probes over the composition root's proof dependencies (path, neighbour table, ARP asker). */
export const hostProbes = (deps: ProofDeps): ReachabilityProbes => ({
  icmp: (ip) => probeIcmp(ip),
  tcp: (ip, port) => probeTcp(ip, port),
  neighbour: deps.table,
  path: deps.path,
  ...(deps.ask ? { ask: deps.ask } : {}),
  platform: process.platform,
});

const macRouteFix =
  "On macOS the kind network lives in Docker Desktop's VM, " +
  'so this machine has no route to it: ' +
  'install docker-mac-net-connect ' +
  '(`brew install chipmk/tap/docker-mac-net-connect` and start its service), ' +
  'which routes the Docker networks through a tunnel, then ping again.';

/** `ping` a node's address (its container's now, else its InternalIP) from this machine, and explain a timeout. */
export async function pingNode(status: ClusterStatus, node: string, probes: ReachabilityProbes): Promise<PingResult> {
  const found = status.nodes.find((n) => n.name === node);
  if (!found)
    return {
      target: { kind: 'node', name: node },
      verdict: 'no-ip',
      explanation: `${node} is not a node of "${status.cluster}" (nodes: ${status.nodes.map((n) => n.name).join(', ') || 'none'}).`,
    };
  // The address the container has now: after a restart Docker may have given it another one than
  // the InternalIP Kubernetes keeps (kubernetes-sigs/kind#2045), and the old one may be another container's.
  const ip = nodeAddress(found);
  if (!ip)
    return {
      target: { kind: 'node', name: node },
      verdict: 'no-ip',
      explanation: `${node} reports no InternalIP yet and its container has no address.`,
    };
  // The path first: an echo that would leave by the default route is not sent (probe.ts).
  const path = await probes.path(status.cluster, ip);
  if (!path.ok)
    return {
      target: { kind: 'node', name: node, ip },
      verdict: 'unreachable',
      explanation: `${node} (${ip}) was not pinged: ${path.detail}`,
      ...(path.fix ? { fix: path.fix } : {}),
    };
  // A measurement (probe.ts): the entry refreshed, the echo sent, the entry read back and judged by its state.
  const {
    result: icmp,
    neighbour,
    answeredBy,
  } = await measure(ip, status.nodes, () => probes.icmp(ip), probes.neighbour);
  const target = { kind: 'node' as const, name: node, ip };
  const seen = { ...(neighbour ? { neighbour } : {}), ...(answeredBy ? { answeredBy } : {}) };
  if (icmp.received > 0) {
    const avg = icmp.rttMs.reduce((a, b) => a + b, 0) / Math.max(1, icmp.rttMs.length);
    return {
      target,
      icmp,
      ...seen,
      verdict: 'reachable',
      explanation: `${node} (${ip}) answered ${icmp.received} of ${icmp.sent} pings from this machine, ${avg.toFixed(2)} ms on average.`,
    };
  }
  if (probes.platform === 'darwin') {
    return {
      target,
      icmp,
      ...seen,
      verdict: 'unreachable',
      explanation: `${node} (${ip}) did not answer: with Docker Desktop the node sits on a bridge inside the engine's VM, and macOS has no route to ${ip}.`,
      fix: macRouteFix,
    };
  }
  return {
    target,
    icmp,
    ...seen,
    verdict: 'unreachable',
    explanation:
      `${node} (${ip}) did not answer ${icmp.sent} ` +
      `pings${icmp.error ? ` (${icmp.error})` : ''}${neighbour ? `; this machine's neighbour entry is ${neighbour.state}` : ''}.`,
    fix:
      'Check that the node container runs (`docker ps`) and that this machine has a route to the kind network (`ip route get ' +
      ip +
      '`); with a remote or VM engine, the nodes are not on this machine.',
  };
}

/**
 * A LoadBalancer IP is not expected to answer ICMP — Cilium's VIPs do not
 * (cilium/cilium#14118) — so reachability is proven with ARP (who answers) plus a TCP
 * connect to the service port.
 */
export async function proveService(
  status: ClusterStatus,
  namespace: string,
  name: string,
  probes: ReachabilityProbes,
): Promise<PingResult> {
  const label = `${namespace}/${name}`;
  const service = status.services.find((s) => s.namespace === namespace && s.name === name);
  const ip = service?.externalIPs[0];
  if (!service || !ip)
    return {
      target: { kind: 'service', name: label },
      verdict: 'no-ip',
      explanation: service
        ? `${label} has no IP yet (<pending>).`
        : `${label} is not a LoadBalancer service of "${status.cluster}".`,
    };
  const port = probePort(service);
  // The proof (probe.ts): path first, then a TCP connect (and, for the sample app, HTTP for its marker).
  const outcome = await prove(
    serviceTarget(status, service, ip, port),
    { table: probes.neighbour, path: probes.path, ...(probes.ask ? { ask: probes.ask } : {}) },
    async () => {
      const tcp = await probes.tcp(ip, port);
      return { tcp, ...(tcp.ok && service.sampleToken ? { http: await probeHttp(ip, port) } : {}) };
    },
    ({ tcp, http }) =>
      http
        ? judgeAnswer(http, service.sampleToken)
        : tcp.ok
          ? { state: 'reported', detail: `TCP connect in ${tcp.ms} ms.` }
          : { state: 'none', detail: `No TCP answer (${tcp.error ?? 'no answer'}).` },
  );
  const { proof, neighbour, answeredBy } = outcome;
  const tcp = outcome.http?.tcp;
  const base = {
    target: { kind: 'service' as const, name: label, ip, port },
    ...(tcp ? { tcp } : {}),
    ...(neighbour ? { neighbour } : {}),
    ...(answeredBy ? { answeredBy } : {}),
    proof,
  };
  const noIcmp =
    `A LoadBalancer IP does not answer ping (Cilium's VIPs do not, cilium/cilium#14118), ` +
    'so Kindscope proves it with ARP and a TCP connect instead';
  if (!tcp)
    return {
      ...base,
      verdict: 'unreachable',
      explanation: `Not proven: ${proof.path.detail}`,
      ...(proof.fix ? { fix: proof.fix } : {}),
    };
  if (tcp.ok && proof.proven) {
    return {
      ...base,
      verdict: 'reachable',
      explanation: `${noIcmp}: ${ip}:${port} accepted a TCP connection in ${tcp.ms} ms; ${proof.arp.detail}`,
    };
  }
  if (tcp.ok)
    return {
      ...base,
      verdict: 'unreachable',
      explanation: `Not proven: ${ip}:${port} accepted a TCP connection, but ${proof.failing === 'answer' ? proof.answer.detail : proof.arp.detail}`,
      ...(proof.fix ? { fix: proof.fix } : {}),
    };
  return {
    ...base,
    verdict: 'unreachable',
    explanation:
      `${noIcmp}: ${ip}:${port} refused or dropped a TCP connection ` +
      `(${tcp.error ?? 'no answer'})${neighbour ? `; this machine's neighbour entry is ${neighbour.state}${neighbour.mac ? ` ${neighbour.mac}` : ''}` : ''}.`,
    fix:
      probes.platform === 'darwin'
        ? macRouteFix
        : `Run \`kindscope capture --cluster ${status.cluster} --service ${label}\` to see whether ` +
          `anyone answers ARP, and \`kindscope check\` for the HTTP side.`,
  };
}
