import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { admitManifest } from '../../../../e2e/lab/apiserver/crd-schema';
import { ciliumCrds } from '../../../../e2e/lab/helm/cilium-crds';
import { LabPlan } from '../../../contract';
import { chartHasValue, supportedChartMinors, unknownChartKeys } from './chart-keys';
import { ciliumReleaseFor } from '../../../contract/compat-table';
import { renderBgp, renderHelmValues } from './render';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const admit = admitManifest;

const objects = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as Obj);

describe.each(supportedChartMinors)('chart %s: BGP mode’s objects and values pass upstream’s judges', (minor) => {
  const version = ciliumReleaseFor(`${minor}.0`)!.version;
  const crds = ciliumCrds(version) as Obj[];
  const plan = LabPlan.parse({ announce: 'bgp', cluster: { name: 'demo', workers: 2 }, cilium: { version } });

  it('the cluster config, peer config and advertisement are admitted in Strict field validation, with no warning', () => {
    const manifests = objects(renderBgp(plan, '172.18.0.9'));
    expect(manifests.map((m) => `${m.apiVersion} ${m.kind}`)).toEqual([
      'cilium.io/v2 CiliumBGPClusterConfig',
      'cilium.io/v2 CiliumBGPPeerConfig',
      'cilium.io/v2 CiliumBGPAdvertisement',
    ]);
    for (const manifest of manifests) expect(admit(crds, manifest)).toEqual([]);
  });

  it('the objects say what the plan says: workers selected, private ASNs, lab timers, graceful restart off', () => {
    const [cluster, peer, advertisement] = objects(renderBgp(plan, '172.18.0.9'));
    expect(cluster!.spec.nodeSelector.matchExpressions).toEqual([
      { key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' },
    ]);
    expect(cluster!.spec.bgpInstances[0]).toMatchObject({
      localASN: 65001,
      peers: [{ peerASN: 65000, peerAddress: '172.18.0.9', peerConfigRef: { name: peer!.metadata.name } }],
    });
    expect(peer!.spec.timers).toEqual({ holdTimeSeconds: 9, keepAliveTimeSeconds: 3, connectRetryTimeSeconds: 5 });
    expect(peer!.spec.gracefulRestart.enabled).toBe(false);
    // The peer config's family selects the advertisement by its label.
    expect(advertisement!.metadata.labels).toEqual(peer!.spec.families[0].advertisements.matchLabels);
    expect(advertisement!.spec.advertisements[0]).toMatchObject({
      advertisementType: 'Service',
      service: { addresses: ['LoadBalancerIP'] },
    });
  });

  it('a wrong field or a peer without an address-like value fails as on a real cluster', () => {
    const [cluster, peer] = objects(renderBgp(plan, '172.18.0.9'));
    expect(() => admit(crds, { ...peer, spec: { ...peer!.spec, timers: { holdTimeSeconds: 1 } } })).toThrow(
      /spec\.timers\.holdTimeSeconds/,
    );
    expect(() => admit(crds, { ...cluster, spec: { ...cluster!.spec, peers: [] } })).toThrow(
      /unknown field "spec\.peers"/,
    );
    expect(() => admit(crds, { ...cluster, apiVersion: 'cilium.io/v1' })).toThrow(/not served/);
  });

  it('the values turn the BGP control plane on and L2 announcements off, with only keys the chart has', () => {
    const values = renderHelmValues(plan);
    expect(values.bgpControlPlane).toEqual({ enabled: true });
    expect((values.l2announcements as Obj).enabled).toBe(false);
    expect(chartHasValue(version, 'bgpControlPlane.enabled')).toBe(true);
    expect(unknownChartKeys(values, version)).toEqual([]);
  });
});
