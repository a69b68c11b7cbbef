import type { ClusterStatus } from '../../contract';

/**
 * The parts of a model that a status built from a fresh list must reproduce exactly, for
 * tests that check a followed model after faults: every service, pool, lease, finding and
 * node. Left out: lease renewal times (they move every second) and probe results (a fresh
 * session has made no probe).
 */
export function comparable(status: ClusterStatus) {
  return {
    services: status.services.map(({ answeredBy: _, ...service }) => ({
      ...service,
      ...(service.leaseHolder ? { leaseHolder: { ...service.leaseHolder, renewTime: undefined } } : {}),
    })),
    pools: status.pools,
    leases: status.leases.map((lease) => ({ ...lease, renewTime: undefined })),
    findings: status.findings,
    nodes: status.nodes,
  };
}
