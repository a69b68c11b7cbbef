import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { admitManifest } from '../../../../../e2e/lab/apiserver/crd-schema';
import { ciliumCrds } from '../../../../../e2e/lab/helm/cilium-crds';
import { supportedChartMinors } from '../chart-keys';
import { ciliumReleaseFor } from '../../../../contract/compat-table';
import { renderBgp } from '../render';
import { importPlan } from './import-plan';
import { translatePeeringPolicy } from './import-bgp-v1';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** As upstream's admission would take it (Strict field validation). */
const admit = admitManifest;

/** v1 policies as Cilium's docs and labs wrote them (fields from the v1 CRD, ciliumbgppeeringpolicies.yaml). */
const minimal = {
  apiVersion: 'cilium.io/v2alpha1',
  kind: 'CiliumBGPPeeringPolicy',
  metadata: { name: 'rack0' },
  spec: {
    nodeSelector: { matchLabels: { rack: 'rack0' } },
    virtualRouters: [
      {
        localASN: 65010,
        exportPodCIDR: true,
        serviceSelector: { matchExpressions: [{ key: 'somekey', operator: 'NotIn', values: ['never-used-value'] }] },
        neighbors: [{ peerAddress: '10.0.0.1/32', peerASN: 65000 }],
      },
    ],
  },
};
const full = {
  ...minimal,
  metadata: { name: 'tor' },
  spec: {
    virtualRouters: [
      {
        localASN: 64512,
        serviceSelector: { matchLabels: { announce: 'bgp' } },
        serviceAdvertisements: ['LoadBalancerIP', 'ExternalIP'],
        neighbors: [
          {
            peerAddress: '172.18.0.9/32',
            peerASN: 64513,
            peerPort: 1179,
            eBGPMultihopTTL: 2,
            connectRetryTimeSeconds: 5,
            holdTimeSeconds: 9,
            keepAliveTimeSeconds: 3,
            gracefulRestart: { enabled: true, restartTimeSeconds: 30 },
            families: [{ afi: 'ipv4', safi: 'unicast' }],
            authSecretRef: 'bgp-password',
          },
          { peerAddress: 'fd00::1/128', peerASN: 64513 },
        ],
      },
      { localASN: 64520, neighbors: [{ peerAddress: '10.1.0.1/32', peerASN: 64521 }] },
    ],
  },
};

describe('a CiliumBGPPeeringPolicy (v1) translated to the v2 objects', () => {
  // Each row: a policy, and what its translation must say.
  const table: [string, Obj, (objects: Obj[]) => void][] = [
    [
      'one router, one neighbour, pod CIDR and services',
      minimal,
      ([cluster, peer, ad]) => {
        expect(cluster!.spec).toEqual({
          nodeSelector: { matchLabels: { rack: 'rack0' } },
          bgpInstances: [
            {
              name: 'rack0-0',
              localASN: 65010,
              peers: [
                { name: 'peer-0', peerAddress: '10.0.0.1', peerASN: 65000, peerConfigRef: { name: 'rack0-0-peer-0' } },
              ],
            },
          ],
        });
        // v1's default families (IPv4 and IPv6), each selecting the router's advertisement.
        expect(peer!.spec.families).toEqual([
          { afi: 'ipv4', safi: 'unicast', advertisements: { matchLabels: { advertise: 'rack0-0' } } },
          { afi: 'ipv6', safi: 'unicast', advertisements: { matchLabels: { advertise: 'rack0-0' } } },
        ]);
        expect(ad!.metadata.labels).toEqual({ advertise: 'rack0-0' });
        expect(ad!.spec.advertisements).toEqual([
          { advertisementType: 'PodCIDR' },
          {
            advertisementType: 'Service',
            service: { addresses: ['LoadBalancerIP'] },
            selector: minimal.spec.virtualRouters[0]!.serviceSelector,
          },
        ]);
      },
    ],
    [
      'timers, port, multihop, graceful restart, auth and families carried to the peer config',
      full,
      (objects) => {
        const peer = objects.find((o) => o.metadata.name === 'tor-0-peer-0')!;
        expect(peer.spec).toEqual({
          transport: { peerPort: 1179 },
          timers: { connectRetryTimeSeconds: 5, holdTimeSeconds: 9, keepAliveTimeSeconds: 3 },
          ebgpMultihop: 2,
          authSecretRef: 'bgp-password',
          gracefulRestart: { enabled: true, restartTimeSeconds: 30 },
          families: [{ afi: 'ipv4', safi: 'unicast', advertisements: { matchLabels: { advertise: 'tor-0' } } }],
        });
        const cluster = objects.find((o) => o.kind === 'CiliumBGPClusterConfig')!;
        // No nodeSelector in v1 means every node; so it stays absent.
        expect(cluster.spec.nodeSelector).toBeUndefined();
        expect(cluster.spec.bgpInstances.map((i: Obj) => [i.localASN, i.peers.map((p: Obj) => p.peerAddress)])).toEqual(
          [
            [64512, ['172.18.0.9', 'fd00::1']],
            [64520, ['10.1.0.1']],
          ],
        );
        const ad = objects.find((o) => o.kind === 'CiliumBGPAdvertisement')!;
        expect(ad.spec.advertisements[0].service.addresses).toEqual(['LoadBalancerIP', 'ExternalIP']);
      },
    ],
    [
      'a router without serviceSelector announces no service (v1: "If empty / nil no services will be announced")',
      full,
      (objects) => {
        expect(objects.filter((o) => o.kind === 'CiliumBGPAdvertisement').map((o) => o.metadata.name)).toEqual([
          'tor-0',
        ]);
        const peer = objects.find((o) => o.metadata.name === 'tor-1-peer-0')!;
        expect(peer.spec.families.every((f: Obj) => f.advertisements === undefined)).toBe(true);
      },
    ],
  ];
  it.each(table)('%s', (_name, policy, check) => check(translatePeeringPolicy(policy).objects));

  describe.each(supportedChartMinors)('chart %s', (minor) => {
    const crds = ciliumCrds(ciliumReleaseFor(`${minor}.0`)!.version) as Obj[];
    it.each([minimal, full])(
      'every translated object of $metadata.name passes upstream’s v2 CRDs with no warning',
      (policy) => {
        for (const object of translatePeeringPolicy(policy).objects) expect(admit(crds, object)).toEqual([]);
      },
    );
  });
});

describe('the importer offers the translation', () => {
  const paste = (cilium: string) =>
    importPlan([
      {
        name: 'bgp.yaml',
        text: `helm install cilium cilium/cilium --version ${cilium} --namespace kube-system --set bgpControlPlane.enabled=true\n---\n${stringify(minimal)}`,
      },
    ]);

  it.each([
    ['1.19.6', 'error', /removed in 1\.19 \(cilium\/cilium#42278\): Cilium 1\.19\.6 has no such resource/],
    ['1.18.12', 'warning', /Cilium 1\.18\.12 still serves it, deprecated/],
  ])(
    'on Cilium %s it is an %s naming the version that removed it, with the v2 objects as its fix',
    (cilium, severity, message) => {
      const { plan, findings } = paste(cilium);
      const found = findings.find((f) => f.code === 'bgp-peering-policy-v1')!;
      expect(found).toMatchObject({ severity, applied: true, field: 'CiliumBGPPeeringPolicy' });
      expect(found.message).toMatch(message);
      const offered = parseAllDocuments(found.fix.slice(found.fix.indexOf('\n') + 1, found.fix.lastIndexOf('\n'))).map(
        (d) => d.toJS() as Obj,
      );
      expect(offered).toEqual(translatePeeringPolicy(minimal).objects);
      // The plan announces by BGP with the policy's ASNs: what Kindscope builds is the v2 form.
      expect(plan.announce).toBe('bgp');
      expect(plan.bgp).toMatchObject({ localASN: 65010, routerASN: 65000 });
      expect(renderBgp(plan, '172.18.0.9')).not.toContain('CiliumBGPPeeringPolicy');
    },
  );

  it('a paste without one changes nothing', () => {
    const { plan, findings } = importPlan([
      { name: 'x.txt', text: 'helm install cilium cilium/cilium --version 1.19.6\n' },
    ]);
    expect(plan.announce).toBe('l2');
    expect(findings.some((f) => f.code === 'bgp-peering-policy-v1')).toBe(false);
  });
});
