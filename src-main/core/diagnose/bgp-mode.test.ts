import { describe, expect, it } from 'vitest';
import { announcementReasons } from './l2-rules';
import { poolRules } from './pool-rules';
import { ciliumConfigMap, withKube } from './test-objects';
import type { DiagnoseInput } from './diagnose-input';

/**
 * BGP mode's release (the BGP control plane on, L2 announcements off), its pool outside the kind
 * network on its own Docker network, no L2 policy and no lease: none of that is a cause there.
 */
const bgpLab = (data: Record<string, string> = {}) =>
  withKube((k) => {
    k.configMaps = [
      ciliumConfigMap({ 'enable-l2-announcements': 'false', 'enable-bgp-control-plane': 'true', ...data }),
    ];
    k.policies = [];
    k.leases = [];
    k.services = [{ ...k.services![0]!, status: { loadBalancer: { ingress: [{ ip: '10.250.249.129' }] } } }];
    k.pools = [{ ...k.pools![0]!, spec: { blocks: [{ cidr: '10.250.249.128/25' }] } }];
  });
const codes = (input: DiagnoseInput) => ({
  service: announcementReasons(input.kube.services![0]!, input).map((f) => f.code),
  pool: input.kube.pools!.flatMap((p) => poolRules.flatMap((rule) => rule(p, input))).map((f) => f.code),
});

describe('the L2 rules in BGP mode', () => {
  it('say nothing about leases, policies or a pool outside the kind network', () => {
    expect(codes(bgpLab())).toEqual({ service: [], pool: [] });
  });

  it('still say when nothing can answer (no ready endpoint)', () => {
    const input = bgpLab();
    input.kube.endpointSlices = [];
    expect(codes(input).service).toEqual(['no-ready-endpoints']);
  });

  it('are the L2 rules again when L2 announcements are on (not BGP mode)', () => {
    expect(codes(bgpLab({ 'enable-l2-announcements': 'true' }))).toEqual({
      service: ['no-l2-policy', 'vip-outside-docker-network'],
      pool: ['pool-outside-docker-network'],
    });
    expect(codes(bgpLab({ 'enable-bgp-control-plane': 'false' })).service).toContain('l2-announcements-disabled');
  });
});
