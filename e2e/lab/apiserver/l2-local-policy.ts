/**
 * Which nodes the simulated Cilium lets take a service's L2 lease, and whether the holder
 * serves it, by the installed version — as Cilium's L2 announcer does:
 * - `externalTrafficPolicy: Cluster`: every node the policy selects; the holder forwards to any
 *   backend.
 * - `Local` before 1.20.2: every selected node may take the lease, also one without a local
 *   backend, whose traffic is then dropped (cilium/cilium#27800).
 * - `Local` from 1.20.2: only nodes with a local backend take the lease (cilium/cilium#46399,
 *   backported as cilium/cilium#48550: `hasLocalBackends` compares each backend's nodeName with
 *   the node's own), so endpoints with no nodeName (Gateway API's placeholder) leave the
 *   service with no lease and no ARP reply (cilium/cilium#48799).
 * The lab cannot answer ARP yet drop the traffic: a holder that would drop it is not served at
 * all (the VIP is not taken), which a probe sees the same way — no answer.
 */
export interface Backend {
  nodeName?: string;
  ready: boolean;
}

const atLeast = (version: string, [a, b, c]: [number, number, number]) => {
  const [x = 0, y = 0, z = 0] = (/(\d+)\.(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  return x !== a ? x > a : y !== b ? y > b : z >= c;
};

export function leaseCandidates(
  version: string,
  trafficPolicy: string | undefined,
  eligible: readonly string[],
  backends: readonly Backend[],
): string[] {
  if (trafficPolicy !== 'Local' || !atLeast(version, [1, 20, 2])) return [...eligible];
  const local = new Set(backends.filter((b) => b.ready && b.nodeName).map((b) => b.nodeName!));
  return eligible.filter((node) => local.has(node));
}

/** Whether the lease holder serves the VIP: with `Local`, only with a ready backend of its own. */
export function holderServes(trafficPolicy: string | undefined, holder: string, backends: readonly Backend[]): boolean {
  if (trafficPolicy !== 'Local') return backends.some((b) => b.ready);
  return backends.some((b) => b.ready && b.nodeName === holder);
}
