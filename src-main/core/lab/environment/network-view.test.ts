import { describe, expect, it } from 'vitest';
import { networkView } from './network-view';

describe('the kind network as the address bar draws it', () => {
  it('classifies each range in use by what lab-environment and other-pools call it', () => {
    const view = networkView({
      networkName: 'kind',
      network: { subnet: '172.18.0.0/16', gateway: '172.18.0.1' },
      used: [
        { cidr: '172.18.0.1/32', what: 'the network gateway (this machine)' },
        { cidr: '172.18.0.2/32', what: 'node a-control-plane' },
        { cidr: '172.18.0.9/32', what: 'container registry' },
        { cidr: '172.18.250.0/24', what: 'the pool p of cluster "a"' },
      ],
      clusters: new Map(),
      clustersOnNetwork: [],
      problems: [],
    });
    expect(view).toMatchObject({ name: 'kind', subnet: '172.18.0.0/16', gateway: '172.18.0.1' });
    expect(view!.used.map((u) => u.kind)).toEqual(['gateway', 'node', 'container', 'pool']);
  });

  it('has nothing to draw before the network exists', () => {
    expect(
      networkView({ networkName: 'kind', used: [], clusters: new Map(), clustersOnNetwork: [], problems: [] }),
    ).toBeUndefined();
    expect(networkView(undefined)).toBeUndefined();
  });
});
