import { describe, expect, it } from 'vitest';
import { fakeClusterStatus } from '../../contract/cluster-status.fake';
import { buildZoneIndex } from './dns-zone';

describe('node names', () => {
  it('resolve to the address the container has now, not an InternalIP Kubernetes kept from before a restart', () => {
    const status = fakeClusterStatus({
      cluster: 'lab',
      nodes: [
        {
          name: 'lab-worker',
          roles: [],
          ready: true,
          internalIP: '172.18.0.8',
          containerIP: '172.18.0.4',
          podCIDRs: [],
        },
        { name: 'lab-worker2', roles: [], ready: true, internalIP: '172.18.0.5', podCIDRs: [] },
      ],
    });
    const names = buildZoneIndex([status]).listing.filter((n) => n.kind === 'node');
    expect(names).toEqual([
      expect.objectContaining({ name: 'lab-worker.lab.kind.internal', addresses: ['172.18.0.4'] }),
      expect.objectContaining({ name: 'lab-worker2.lab.kind.internal', addresses: ['172.18.0.5'] }),
    ]);
  });
});
