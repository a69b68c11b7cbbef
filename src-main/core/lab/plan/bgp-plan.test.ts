import { describe, expect, it } from 'vitest';
import { LabPlan, type LabPlanInput } from '../../../contract';
import type { LabEnvironment } from '../environment/lab-environment';
import { lbNetworkFor } from './bgp-pool';
import { loadPlanYaml } from './plan';
import { labArtifacts, labSteps } from './steps';
import { validatePlan } from './validate-plan';

/** An engine whose kind network is 172.18/16, with other Docker networks and a host interface routed. */
const env = (routed: LabEnvironment['routed'] = []): LabEnvironment => ({
  networkName: 'kind',
  network: { subnet: '172.18.0.0/16', gateway: '172.18.0.1' },
  used: [{ cidr: '172.18.0.1/32', what: 'the network gateway (this machine)' }],
  clusters: new Map(),
  clustersOnNetwork: [],
  routed: [
    { cidr: '172.17.0.0/16', what: 'the Docker network bridge' },
    { cidr: '172.18.0.0/16', what: 'the Docker network kind' },
    ...routed,
  ],
  problems: [],
});

const bgpPlan = (edit: (p: LabPlanInput) => void = () => {}) => {
  const input: LabPlanInput = { announce: 'bgp', cluster: { name: 'demo', workers: 2 } };
  edit(input);
  return LabPlan.parse(input);
};
const errors = (p: LabPlan, e: LabEnvironment | undefined = env()) =>
  validatePlan(p, e).findings.filter((f) => f.severity === 'error');

describe('announce in lab.yaml', () => {
  it('is l2 unless said, and bgp is taken from lab.yaml', () => {
    expect(loadPlanYaml('cluster: { name: demo }').announce).toBe('l2');
    expect(loadPlanYaml('announce: bgp\ncluster: { name: demo }').announce).toBe('bgp');
  });

  it('a wrong value names the field and the choices', () => {
    expect(() => loadPlanYaml('announce: ospf\ncluster: { name: demo }')).toThrow(
      /announce.*"l2" \| "bgp"|announce.*l2.*bgp/,
    );
  });

  it('an L2 plan writes no BGP objects and keeps the L2 policy step', () => {
    const p = LabPlan.parse({ cluster: { name: 'demo' } });
    const artifacts = labArtifacts(p, '172.18.250.0/24');
    expect(artifacts.manifests.bgp).toBeUndefined();
    expect(labSteps(p, artifacts).map((s) => s.id)).toContain('apply-l2-policy');
  });
});

describe('BGP mode: ASNs and timers', () => {
  it('the defaults validate with a pool outside the kind network', () => {
    const result = validatePlan(bgpPlan(), env());
    expect(result.findings).toEqual([]);
    expect(result.poolCidr).toBe('10.250.250.128/25');
  });

  it('a public ASN is refused, naming the field and a private one', () => {
    const [finding] = errors(bgpPlan((p) => void (p.bgp = { localASN: 13335 })));
    expect(finding).toMatchObject({ code: 'bgp-asn-not-private', field: 'bgp.localASN' });
    expect(finding!.message).toContain('RFC 6996');
    expect(finding!.fix).toContain('65001');
    expect(errors(bgpPlan((p) => void (p.bgp = { routerASN: 4200000000 })))).toEqual([]);
    expect(errors(bgpPlan((p) => void (p.bgp = { routerASN: 4294967295 })))[0]?.field).toBe('bgp.routerASN');
  });

  it('the same ASN on both sides is refused (iBGP)', () => {
    expect(errors(bgpPlan((p) => void (p.bgp = { localASN: 65000, routerASN: 65000 })))[0]).toMatchObject({
      code: 'bgp-asn-same',
      field: 'bgp.routerASN',
    });
  });

  it('a keepalive above a third of the hold time is refused; no worker with nodes: workers too', () => {
    expect(errors(bgpPlan((p) => void (p.bgp = { holdTimeSeconds: 9, keepAliveTimeSeconds: 4 })))[0]?.code).toBe(
      'bgp-timers-inverted',
    );
    expect(errors(bgpPlan((p) => void (p.cluster.workers = 0)))[0]).toMatchObject({
      code: 'bgp-no-speaker',
      field: 'bgp.nodes',
    });
  });

  it('a hold time under the CRD minimum (3 s) is refused by the contract, naming the field', () => {
    expect(() => loadPlanYaml('announce: bgp\ncluster: { name: demo }\nbgp: { holdTimeSeconds: 2 }')).toThrow(
      /bgp\.holdTimeSeconds/,
    );
  });
});

describe('BGP mode: the pool lies outside the kind network', () => {
  it('a pool inside the kind subnet is an error that says nobody answers ARP', () => {
    const [finding] = errors(bgpPlan((p) => void (p.pool = { cidr: '172.18.250.0/24' })));
    expect(finding).toMatchObject({ code: 'pool-inside-kind-network', field: 'pool.cidr' });
    expect(finding!.message).toMatch(/nobody answers ARP/);
    expect(finding!.fix).toContain('10.250.250.128/25');
  });

  it('a pool overlapping another route here is an error naming it', () => {
    const [finding] = errors(
      bgpPlan((p) => void (p.pool = { cidr: '192.168.1.0/25' })),
      env([{ cidr: '192.168.1.0/24', what: "this machine's wlan0" }]),
    );
    expect(finding).toMatchObject({ code: 'pool-overlaps-route', field: 'pool.cidr' });
    expect(finding!.message).toContain("this machine's wlan0");
  });

  it('auto skips a /24 already routed here', () => {
    expect(validatePlan(bgpPlan(), env([{ cidr: '10.250.250.0/24', what: 'the Docker network x' }])).poolCidr).toBe(
      '10.250.249.128/25',
    );
  });

  it("the pool's Docker network is the pool widened by a bit, Docker's addresses from the other half", () => {
    expect(lbNetworkFor('10.250.250.128/25')).toEqual({
      subnet: '10.250.250.0/24',
      ipRange: '10.250.250.0/25',
      gateway: '10.250.250.1',
    });
    expect(lbNetworkFor('10.250.0.0/24')).toEqual({
      subnet: '10.250.0.0/23',
      ipRange: '10.250.1.0/24',
      gateway: '10.250.1.1',
    });
    expect(lbNetworkFor('10.250.0.1/24')).toBeUndefined();
  });

  it('the steps build the router and the pool network, apply the BGP objects, and no L2 policy', () => {
    const p = bgpPlan();
    const ids = labSteps(p, labArtifacts(p, '10.250.250.128/25')).map((s) => s.id);
    expect(ids).not.toContain('apply-l2-policy');
    expect(ids.indexOf('lb-network')).toBeGreaterThan(ids.indexOf('carve-pool'));
    expect(ids.indexOf('router-start')).toBeLessThan(ids.indexOf('apply-bgp'));
    const create = labSteps(p, labArtifacts(p, undefined)).find((s) => s.id === 'router-create')!;
    expect(create.command).toEqual(expect.arrayContaining(['--cap-add', 'NET_ADMIN', 'NET_RAW', 'SYS_ADMIN']));
    expect(create.command).not.toContain('--privileged');
  });
});
