import { describe, expect, it } from 'vitest';
import { clusterChecks, type ClusterFacts } from './cluster-checks';
import { rewritePoolVersion } from './upgrade-pipeline';

const base: ClusterFacts = {
  from: '1.18.14',
  to: '1.20.2',
  kubernetes: '1.33.1',
  l2Announcements: true,
  crds: [],
  bgpPeeringPolicies: [],
  services: [],
  saved: [],
};

describe('clusterChecks: the live cluster and the saved manifests against the target', () => {
  it('a pool CRD still listing v2alpha1 in storedVersions is migrated first, citing cilium/cilium#48087', () => {
    const items = clusterChecks({
      ...base,
      crds: [
        {
          name: 'ciliumloadbalancerippools.cilium.io',
          served: ['v2', 'v2alpha1'],
          storage: 'v2',
          storedVersions: ['v2alpha1', 'v2'],
        },
      ],
    });
    expect(items[0]).toMatchObject({ id: 'crd:ciliumloadbalancerippools.cilium.io', outcome: 'rewrite' });
    expect(items[0]!.cites.join()).toContain('cilium/cilium#48087');
    const clean = clusterChecks({
      ...base,
      crds: [{ name: 'ciliumloadbalancerippools.cilium.io', served: ['v2'], storage: 'v2', storedVersions: ['v2'] }],
    });
    expect(clean.filter((i) => i.area === 'crd')).toEqual([]);
  });

  it('a saved pool at cilium.io/v2alpha1 is rewritten for 1.20; the L2 policy (v2alpha1 only) is left alone', () => {
    const items = clusterChecks({
      ...base,
      saved: [
        { file: '/x/pool.yaml', kind: 'CiliumLoadBalancerIPPool', apiVersion: 'cilium.io/v2alpha1' },
        { file: '/x/l2.yaml', kind: 'CiliumL2AnnouncementPolicy', apiVersion: 'cilium.io/v2alpha1' },
        { file: '/x/pool2.yaml', kind: 'CiliumLoadBalancerIPPool', apiVersion: 'cilium.io/v2' },
      ],
    });
    expect(items.filter((i) => i.area === 'manifest').map((i) => i.id)).toEqual([
      'manifest:/x/pool.yaml:CiliumLoadBalancerIPPool',
    ]);
  });

  it('BGP v1 peering policies block a step to 1.19 or later, citing cilium/cilium#42278', () => {
    const items = clusterChecks({ ...base, to: '1.19.8', bgpPeeringPolicies: ['rack0'] });
    expect(items.find((i) => i.area === 'bgp')).toMatchObject({ outcome: 'blocking', cites: ['cilium/cilium#42278'] });
    expect(
      clusterChecks({ ...base, from: '1.18.12', to: '1.18.14', bgpPeeringPolicies: ['rack0'] }).some(
        (i) => i.area === 'bgp',
      ),
    ).toBe(false);
  });

  it('the traps of the step: a sharing key across 1.19 (#44222), eTP Local across 1.20.2 (#46399)', () => {
    const services = [
      { namespace: 'default', name: 'shared', type: 'LoadBalancer', sharingKey: 'k' },
      { namespace: 'default', name: 'local', type: 'LoadBalancer', externalTrafficPolicy: 'Local' },
    ];
    const all = clusterChecks({ ...base, services }).filter((i) => i.area === 'service');
    expect(all.map((i) => [i.id, i.cites[0]])).toEqual([
      ['service:default/shared:sharing-key', 'cilium/cilium#44222'],
      ['service:default/local:etp-local', 'cilium/cilium#46399'],
    ]);
    // 1.19 → 1.20: the sharing-key step is behind; 1.18 → 1.19: 1.20.2 is ahead.
    expect(
      clusterChecks({ ...base, from: '1.19.8', services })
        .filter((i) => i.area === 'service')
        .map((i) => i.id),
    ).toEqual(['service:default/local:etp-local']);
    expect(
      clusterChecks({ ...base, to: '1.19.8', services })
        .filter((i) => i.area === 'service')
        .map((i) => i.id),
    ).toEqual(['service:default/shared:sharing-key']);
    // Without L2 announcements neither trap applies.
    expect(clusterChecks({ ...base, l2Announcements: false, services }).some((i) => i.area === 'service')).toBe(false);
  });

  it('Kubernetes 1.33 is tested with 1.20 (ok); 1.37 is not (a warning to confirm)', () => {
    expect(clusterChecks(base).find((i) => i.id === 'kubernetes:pairing')).toMatchObject({ outcome: 'ok' });
    expect(clusterChecks({ ...base, kubernetes: '1.37.0' }).find((i) => i.id === 'kubernetes:pairing')).toMatchObject({
      outcome: 'warning',
      needsConfirmation: true,
    });
  });

  it('rewritePoolVersion moves only the pools to v2', () => {
    const text =
      'apiVersion: cilium.io/v2alpha1\nkind: CiliumLoadBalancerIPPool\n---\napiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\n';
    expect(rewritePoolVersion(text)).toBe(
      'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\n---\napiVersion: cilium.io/v2alpha1\nkind: CiliumL2AnnouncementPolicy\n',
    );
  });
});
