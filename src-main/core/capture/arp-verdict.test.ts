import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../../contract';
import { fakeClusterStatus } from '../../contract/cluster-status.fake';
import { arpVerdict } from './arp-verdict';
import { buckets, downtimeWindow, measureDowntime } from './failover-timeline';
import { leaseTimings, parseGoDuration, takeoverCandidates } from './lease-timings';
import { decodeCapture } from './pcap-decoder';

// The shared fixture: 10.99.0.1 asks for .50, 7a:26:… answers, then announces itself, then .77 goes unanswered.
const packets = decodeCapture(
  readFileSync(join(import.meta.dirname, '../../../../shared/fixtures/pcap/en10mb-request-reply-garp.pcap')),
).packets;
const owner = '7a:26:10:cf:93:89';
const lease = { node: 'demo-worker', mac: owner, lease: 'cilium-l2announce-default-sampleservice' };

describe('the capture verdict, from the packets only', () => {
  it('names the holder that answered, in the words of the issue', () => {
    const verdict = arpVerdict({
      ip: '10.99.0.50',
      packets,
      leaseHolder: lease,
      nodes: [{ name: 'demo-worker', mac: owner }],
      capturedOn: 'demo-worker',
    });
    expect(verdict.verdict).toBe('holder-answered');
    expect(verdict.explanation).toBe(
      `demo-worker (${owner}) answered for 10.99.0.50: it holds the lease cilium-l2announce-default-sampleservice. demo-worker also announced it with a gratuitous ARP request (opcode 1).`,
    );
    expect(verdict.answeredBy).toEqual({ node: 'demo-worker', mac: owner, checkedAt: '2026-12-01T07:12:34.853333Z' });
  });

  it('finds a reply from a node that does not hold the lease, whatever the Lease says', () => {
    const verdict = arpVerdict({
      ip: '10.99.0.50',
      packets,
      leaseHolder: { ...lease, node: 'demo-worker2', mac: '02:42:ac:12:00:04' },
      nodes: [{ name: 'demo-worker', mac: owner }],
      capturedOn: 'demo-worker2',
    });
    expect(verdict.verdict).toBe('other-answered');
    expect(verdict.findings[0]).toMatchObject({
      code: 'arp-answer-not-holder',
      message: expect.stringContaining('answered ARP: demo-worker, checked 07:12:34.853'),
    });
  });

  it('says nobody answered when only requests were seen, and no request when none was', () => {
    expect(
      arpVerdict({ ip: '10.99.0.77', packets, leaseHolder: lease, nodes: [], capturedOn: 'demo-worker' }),
    ).toMatchObject({
      verdict: 'no-reply',
      explanation: '1 request "who has 10.99.0.77?" reached demo-worker, and nobody answered.',
    });
    expect(
      arpVerdict({
        ip: '10.99.0.99',
        packets,
        leaseHolder: undefined,
        nodes: [],
        capturedOn: 'demo-worker',
      }).verdict,
    ).toBe('no-request');
  });
});

describe('lease timings and takeover candidates', () => {
  it('reads Go durations and the release values, falling back to Cilium defaults', () => {
    expect([
      parseGoDuration('200ms'),
      parseGoDuration('1m30s'),
      parseGoDuration('3s'),
      parseGoDuration('soon'),
    ]).toEqual([200, 90_000, 3_000, undefined]);
    expect(
      leaseTimings({
        l2announcements: { enabled: true, leaseDuration: '3s', leaseRenewDeadline: '1s', leaseRetryPeriod: '200ms' },
      }),
    ).toEqual({
      leaseDuration: '3s',
      renewDeadline: '1s',
      retryPeriod: '200ms',
      source: 'helm values of the cilium release',
      predictedMaxDowntimeMs: 3_200,
    });
    expect(leaseTimings({})).toMatchObject({
      leaseDuration: '15s',
      source: "Cilium's defaults (the release sets none)",
      predictedMaxDowntimeMs: 17_000,
    });
  });

  const node = (name: string, ready = true, roles = ['worker']) => ({ name, roles, ready, podCIDRs: [] });
  const status = (nodes: ClusterStatus['nodes']): ClusterStatus =>
    fakeClusterStatus({
      nodes,
      cilium: {
        installed: true,
        state: 'installed',
        agents: { ready: 3, desired: 3 },
        operator: { ready: 1, desired: 1 },
        l2Announcements: true,
      },
      // The seed article's policy (e2e/lab/manifests/seed-l2-policy.yaml).
      policies: [
        {
          name: 'policy1',
          interfaces: ['^eth[0-9]+'],
          loadBalancerIPs: true,
          externalIPs: true,
          nodeSelector: {
            matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'DoesNotExist' }],
          },
        },
      ],
    });

  it('refuses when no other Ready node the policy selects exists, saying why', () => {
    expect(
      takeoverCandidates(status([node('cp', true, ['control-plane']), node('w1'), node('w2')]), 'w1').nodes,
    ).toEqual(['w2']);
    const none = takeoverCandidates(status([node('cp', true, ['control-plane']), node('w1'), node('w2', false)]), 'w1');
    expect(none.nodes).toEqual([]);
    expect(none.why).toBe(
      "no other node is Ready and selected by the L2 policy (cp: control-plane, excluded by the policy's nodeSelector; w2: NotReady)",
    );
  });
});

describe('downtime on the sampling grid', () => {
  const sample = (atMs: number, ok: boolean) => ({ atMs, http: { ok, ms: 1 } });
  it('runs from the last good probe before the outage to the first good one after', () => {
    const samples = [
      sample(-200, true),
      sample(-100, true),
      sample(0, false),
      sample(100, false),
      sample(200, false),
      sample(300, true),
      sample(400, true),
    ];
    expect(measureDowntime(samples)).toBe(400);
    // One definition, shown (issue 28): the figure is exactly the span between the timeline's two marks.
    expect(downtimeWindow(samples)).toEqual({ fromMs: -100, toMs: 300 });
    expect(measureDowntime(samples.slice(0, 5))).toBeUndefined();
    expect(measureDowntime(samples.filter((s) => s.http.ok))).toBe(0);
    expect(buckets(samples)).toEqual([
      { startMs: -500, ok: 2, total: 2 },
      { startMs: 0, ok: 2, total: 5 },
    ]);
  });
});
