import { describe, expect, it } from 'vitest';
import { bgpConfigFindings, peerPatches, routerTimersFrom, type BgpDoctorFacts } from './bgp-doctor';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A healthy BGP lab as Kindscope builds it: workers selected, LoadBalancer IPs advertised, the pool on its own network. */
function healthy(): BgpDoctorFacts {
  return {
    cluster: 'demo',
    routerExists: true,
    routerRunning: true,
    routerAddress: '172.18.0.5',
    kindSubnet: '172.18.0.0/16',
    ciliumConfig: { 'enable-bgp-control-plane': 'true', 'enable-l2-announcements': 'false' },
    clusterConfigs: [clusterConfig()],
    peerConfigs: [
      { metadata: { name: 'lab-router' }, spec: { timers: { holdTimeSeconds: 9, keepAliveTimeSeconds: 3 } } },
    ],
    routerTimers: { keepAliveSeconds: 3, holdSeconds: 9 },
    advertisements: [
      {
        metadata: { name: 'lab-lb' },
        spec: {
          advertisements: [
            {
              advertisementType: 'Service',
              service: { addresses: ['LoadBalancerIP'] },
              selector: {
                matchExpressions: [{ key: 'kindscope.dev/no-such-label', operator: 'NotIn', values: ['never'] }],
              },
            },
          ],
        },
      },
    ],
    nodes: [
      { metadata: { name: 'demo-control-plane', labels: { 'node-role.kubernetes.io/control-plane': '' } } },
      { metadata: { name: 'demo-worker', labels: {} } },
    ],
    services: [
      { metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } }, spec: { type: 'LoadBalancer' } },
    ],
    endpointSlices: [
      {
        metadata: { namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
        endpoints: [{ nodeName: 'demo-worker', conditions: { ready: true } }],
      },
    ],
    pools: [{ metadata: { name: 'lab-pool' }, spec: { blocks: [{ cidr: '10.250.249.128/25' }] } }],
    hostReaches: () => true,
  };
}

function clusterConfig(peer: Obj = {}, localASN = 65001): Obj {
  return {
    metadata: { name: 'lab-bgp' },
    spec: {
      nodeSelector: { matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' }] },
      bgpInstances: [
        {
          name: 'lab',
          localASN,
          peers: [
            {
              name: 'router',
              peerASN: 65000,
              peerAddress: '172.18.0.5',
              peerConfigRef: { name: 'lab-router' },
              ...peer,
            },
          ],
        },
      ],
    },
  };
}

const change = (edit: (f: BgpDoctorFacts) => void) => {
  const facts = healthy();
  edit(facts);
  return facts;
};

describe('the doctor’s BGP rules', () => {
  it('say nothing about a healthy BGP lab', () => {
    expect(bgpConfigFindings(healthy())).toEqual([]);
  });

  // Each row changes one thing of a healthy lab and names the one finding it causes.
  const table: [string, BgpDoctorFacts, string][] = [
    [
      'BGP control plane off in the values',
      change((f) => (f.ciliumConfig = { 'enable-bgp-control-plane': 'false' })),
      'bgp-control-plane-disabled',
    ],
    ['no cluster config', change((f) => (f.clusterConfigs = [])), 'bgp-no-cluster-config'],
    [
      'a cluster config selecting no node',
      change((f) => (f.clusterConfigs[0]!.spec.nodeSelector = { matchLabels: { bgp: 'yes' } })),
      'bgp-no-node-selected',
    ],
    ['no advertisement', change((f) => (f.advertisements = [])), 'bgp-no-advertisement'],
    [
      'an advertisement of pod CIDRs only',
      change((f) => (f.advertisements[0]!.spec.advertisements = [{ advertisementType: 'PodCIDR' }])),
      'bgp-no-advertisement',
    ],
    [
      'a selector matching no service',
      change((f) => (f.advertisements[0]!.spec.advertisements[0].selector = { matchLabels: { app: 'db' } })),
      'bgp-advertisement-selects-no-service',
    ],
    [
      'no selector (selects nothing, as the CRD says)',
      change((f) => delete f.advertisements[0]!.spec.advertisements[0].selector),
      'bgp-advertisement-selects-no-service',
    ],
    [
      'externalTrafficPolicy: Local with the only endpoint on the control plane (not a speaker)',
      change((f) => {
        f.services[0]!.spec.externalTrafficPolicy = 'Local';
        f.endpointSlices[0]!.endpoints[0].nodeName = 'demo-control-plane';
      }),
      'bgp-etp-local-no-endpoints',
    ],
    [
      'a pool inside the kind subnet',
      change((f) => (f.pools[0]!.spec.blocks = [{ cidr: '172.18.250.0/24' }])),
      'bgp-pool-in-kind-subnet',
    ],
    ['no route from this machine to the pool', change((f) => (f.hostReaches = () => false)), 'bgp-no-host-route'],
    [
      "the peer config's hold time differs from the router's",
      change((f) => (f.peerConfigs[0]!.spec.timers.holdTimeSeconds = 90)),
      'bgp-timers-mismatch',
    ],
    [
      'a peer config without timers (the CRD defaults, 90 s / 30 s) against a lab router',
      change((f) => delete f.peerConfigs[0]!.spec.timers),
      'bgp-timers-mismatch',
    ],
  ];
  it.each(table)('%s', (_name, facts, code) => {
    expect(bgpConfigFindings(facts).map((f) => f.code)).toEqual([code]);
  });

  it('externalTrafficPolicy: Local with an endpoint on a speaker is advertised from it: no finding', () => {
    expect(bgpConfigFindings(change((f) => (f.services[0]!.spec.externalTrafficPolicy = 'Local')))).toEqual([]);
  });

  it('a stopped router is the cause, not the host route (its bridge has no carrier then)', () => {
    expect(
      bgpConfigFindings(
        change((f) => {
          f.routerRunning = false;
          f.hostReaches = () => false;
        }),
      ),
    ).toEqual([]);
  });

  it('cannot tell the host route on an engine in a VM: no finding from a guess', () => {
    expect(bgpConfigFindings(change((f) => (f.hostReaches = () => undefined)))).toEqual([]);
  });
});

describe("the router's configured timers", () => {
  it('are read from its running configuration', () => {
    expect(
      routerTimersFrom(
        'router bgp 65000\n neighbor NODES remote-as 65001\n neighbor NODES timers 3 9\n neighbor NODES timers connect 5\n',
      ),
    ).toEqual({
      keepAliveSeconds: 3,
      holdSeconds: 9,
    });
    expect(routerTimersFrom('router bgp 65000\n')).toBeUndefined();
  });
});

describe('fix’s patches to the cluster config', () => {
  const measured = { asn: 65000, expectedNodeASN: 65001 };
  it('set the peer ASN to the AS the router runs', () => {
    expect(peerPatches([clusterConfig({ peerASN: 65099 })], measured, '172.18.0.5')).toEqual([
      {
        config: 'lab-bgp',
        op: { op: 'replace', path: '/spec/bgpInstances/0/peers/0/peerASN', value: 65000 },
        what: 'peerASN 65099 → 65000 (the AS the router runs)',
      },
    ]);
  });
  it('set the local ASN to the AS the router expects, and the address to the router’s now', () => {
    expect(
      peerPatches([clusterConfig({ peerAddress: '172.18.0.9' }, 65002)], measured, '172.18.0.5').map((p) => p.op),
    ).toEqual([
      { op: 'replace', path: '/spec/bgpInstances/0/localASN', value: 65001 },
      { op: 'replace', path: '/spec/bgpInstances/0/peers/0/peerAddress', value: '172.18.0.5' },
    ]);
  });
  it('change nothing that is right, nor a peer the user added', () => {
    expect(peerPatches([clusterConfig()], measured, '172.18.0.5')).toEqual([]);
    expect(peerPatches([clusterConfig({ name: 'my-tor', peerASN: 64512 }, 65002)], measured, '172.18.0.5')).toEqual([]);
  });
});
