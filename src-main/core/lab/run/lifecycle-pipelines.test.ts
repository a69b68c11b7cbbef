import { describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../../../contract';
import { fakeClusterStatus, fakeService } from '../../../contract/cluster-status.fake';
import { allAnnounced } from './cluster-watch';
import { fixesFor } from './lifecycle-pipelines';

type Over = { cilium?: Partial<ClusterStatus['cilium']>; pools?: number; policies?: number; services?: ClusterStatus['services'] };
function status(over: Over = {}): ClusterStatus {
  return fakeClusterStatus({
    cilium: { installed: true, state: 'installed', agents: { ready: 2, desired: 2 }, operator: { ready: 1, desired: 1 }, kubeProxyReplacement: 'true', l2Announcements: true, ...over.cilium },
    services: over.services ?? [],
    pools: Array.from({ length: over.pools ?? 1 }, (_, i) => ({ name: `p${i}`, apiVersion: 'cilium.io/v2', ranges: [], disabled: false, conflict: false, findings: [] })),
    policies: Array.from({ length: over.policies ?? 1 }, (_, i) => ({ name: `l2-${i}`, interfaces: [], loadBalancerIPs: true, externalIPs: false })),
  });
}

describe('fixesFor (what `kindscope fix` repairs)', () => {
  it.each([
    ['nothing missing', {}, []],
    ['no pool', { pools: 0 }, ['pool']],
    ['no policy', { policies: 0 }, ['l2-policy']],
    ['L2 announcements off', { cilium: { l2Announcements: false } }, ['cilium-values']],
    ['kube-proxy replacement strict (1.15 accepts it without the features, cilium/cilium#32711)', { cilium: { kubeProxyReplacement: 'strict' } }, ['cilium-values']],
    ['all three', { pools: 0, policies: 0, cilium: { l2Announcements: false } }, ['cilium-values', 'pool', 'l2-policy']],
  ] as const)('%s', (_, over, expected) => {
    expect(fixesFor(status(over as Over))).toEqual(expected);
  });

  it('refuses a cluster without Cilium, pointing at create', () => {
    expect(() => fixesFor(status({ cilium: { installed: false } }))).toThrow(/Cilium is not installed/);
  });
});

describe('allAnnounced (the re-verification wait after start)', () => {
  const service = (renewTime?: string) => fakeService({ externalIPs: ['172.18.250.1'], leaseHolder: { node: 'demo-worker', lease: 'cilium-l2announce-default-web', ...(renewTime ? { renewTime } : {}) } });
  it('a Lease left from before the start is not a re-election; one renewed since is', () => {
    const started = Date.parse('2026-12-01T10:00:00Z');
    const check = allAnnounced(started);
    expect(check(status({ services: [service('2026-12-01T09:59:00Z')] }))).toMatchObject({ done: false, detail: expect.stringContaining('not renewed since the start') });
    expect(check(status({ services: [service('2026-12-01T10:00:02Z')] })).done).toBe(true);
    expect(allAnnounced()(status({ services: [service('2026-12-01T09:59:00Z')] })).done).toBe(true);
  });
});
