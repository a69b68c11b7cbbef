import { describe, expect, it } from 'vitest';
import { statusChangeKey, type ClusterStatus } from './cluster-status';

const status = (holder: string, renewTime: string, generatedAt: string): ClusterStatus => ({
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
  services: [
    {
      namespace: 'default',
      name: 'web',
      type: 'LoadBalancer',
      ports: ['80/TCP'],
      servicePorts: [{ port: 80, protocol: 'TCP' }],
      externalIPs: ['172.18.250.1'],
      readyEndpoints: 1,
      holder,
      leaseHolder: { node: holder, lease: 'cilium-l2announce-default-web', renewTime },
      findings: [],
    },
  ],
  pools: [],
  policies: [],
  leases: [{ name: 'cilium-l2announce-default-web', holder, renewTime }],
  findings: [],
  streams: [],
  complete: true,
  generatedAt,
});

describe('statusChangeKey', () => {
  it('a lease renewal or a new generatedAt is no change; a new holder is', () => {
    const a = statusChangeKey(status('demo-worker', '2026-12-01T10:00:00Z', '2026-12-01T10:00:00.100Z'));
    expect(statusChangeKey(status('demo-worker', '2026-12-01T10:00:01Z', '2026-12-01T10:00:01.100Z'))).toBe(a);
    expect(statusChangeKey(status('demo-worker2', '2026-12-01T10:00:01Z', '2026-12-01T10:00:01.100Z'))).not.toBe(a);
  });
});
