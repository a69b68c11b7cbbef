import type { ClusterStatus, ServiceStatus } from './cluster-status';

/**
 * A complete, live cluster status for tests, with only what a test cares about overridden.
 * One builder, so a field added to the contract is added here once, not in every test.
 */
export function fakeClusterStatus(over: Partial<ClusterStatus> = {}): ClusterStatus {
  return {
    cluster: 'demo',
    context: 'kind-demo',
    connection: { state: 'live' },
    nodes: [],
    cilium: {
      installed: true,
      state: 'installed',
      agents: { ready: 1, desired: 1 },
      operator: { ready: 1, desired: 1 },
      l2Announcements: true,
    },
    services: [],
    pools: [],
    policies: [],
    leases: [],
    findings: [],
    streams: [],
    complete: true,
    generatedAt: '2026-12-01T00:00:00Z',
    ...over,
  };
}

/** A LoadBalancer service on port 80/TCP with one ready endpoint. */
export function fakeService(over: Partial<ServiceStatus> = {}): ServiceStatus {
  return {
    namespace: 'default',
    name: 'web',
    type: 'LoadBalancer',
    ports: ['80/TCP'],
    servicePorts: [{ port: 80, protocol: 'TCP' }],
    externalIPs: [],
    readyEndpoints: 1,
    findings: [],
    ...over,
  };
}
