import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { LabPlan } from '../../contract';
import { renderBgp } from '../lab/plan/render';
import { desiredSpeakers, gobgpToml, peerStatus } from '../../../e2e/lab/apiserver/bgp-speaker.ts';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The objects Kindscope's plan writes, as the lab's simulated Cilium reads them. */
const [clusterConfig, peerConfig, advertisement] = parseAllDocuments(
  renderBgp(LabPlan.parse({ announce: 'bgp', cluster: { name: 'demo', workers: 2 } }), '172.18.0.9'),
).map((d) => d.toJS() as Obj);
const objects = { clusterConfigs: [clusterConfig!], peerConfigs: [peerConfig!], advertisements: [advertisement!] };
const node = (name: string, ip: string, controlPlane = false) => ({
  metadata: { name, labels: controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {} },
  ip,
});
const nodes = [
  node('demo-control-plane', '172.18.0.2', true),
  node('demo-worker', '172.18.0.3'),
  node('demo-worker2', '172.18.0.4'),
];
const service = (etp?: string) => ({
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: { type: 'LoadBalancer', ports: [{ port: 80 }], ...(etp ? { externalTrafficPolicy: etp } : {}) },
  status: { loadBalancer: { ingress: [{ ip: '10.250.250.129' }] } },
});
// One ready backend, on demo-worker.
const backendsOn = (_s: Obj, n: string) => (!n || n === 'demo-worker' ? ['web-1'] : []);
const speakers = (objs = objects, svc = service()) =>
  desiredSpeakers(
    objs,
    nodes,
    [svc],
    (n) => (n as Obj).ip,
    backendsOn,
    () => '',
  );

describe('the lab’s BGP speakers, from the live objects', () => {
  it('the cluster config selects the workers; each speaks AS 65001 to the router with the lab timers', () => {
    const result = speakers();
    expect(result.map((s) => s.node)).toEqual(['demo-worker', 'demo-worker2']);
    expect(result[0]!.peers).toEqual([
      { name: 'router', address: '172.18.0.9', asn: 65000, holdTime: 9, keepalive: 3, connectRetry: 5 },
    ]);
    expect(result.map((s) => s.vips.map((v) => v.vip))).toEqual([['10.250.250.129'], ['10.250.250.129']]);
    expect(gobgpToml(result[0]!)).toContain('peer-as = 65000');
  });

  it('externalTrafficPolicy: Local advertises only from nodes with a ready endpoint', () => {
    expect(speakers(objects, service('Local')).map((s) => s.vips.length)).toEqual([1, 0]);
  });

  it('an advertisement without a selector advertises nothing (the CRD: no selector, nothing selected)', () => {
    const open = structuredClone(advertisement!);
    delete open.spec.advertisements[0].selector;
    expect(speakers({ ...objects, advertisements: [open] }).flatMap((s) => s.vips)).toEqual([]);
  });

  it("a node's status is GoBGP's session as Cilium words it", () => {
    const neighbors = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/gobgp-3.10-neighbor.json'), 'utf8'));
    const [speaker] = speakers();
    const [peer] = peerStatus({ ...speaker!, peers: [{ ...speaker!.peers[0]!, address: '172.18.0.2' }] }, neighbors);
    expect(peer).toMatchObject({
      peerAddress: '172.18.0.2',
      peeringState: 'established',
      timers: { appliedHoldTimeSeconds: 9, appliedKeepaliveSeconds: 3 },
      routeCount: [{ afi: 'ipv4', safi: 'unicast', received: 1 }],
    });
    expect(peerStatus(speaker!, [])[0]!.peeringState).toBe('unknown');
  });
});
