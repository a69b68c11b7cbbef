import { describe, expect, it } from 'vitest';
import type { BgpFailover } from '../../contract';
import {
  explainBgp,
  fibNextHops,
  measureWithdrawal,
  parseReading,
  peerTimers,
  predictWithdrawal,
  withdrawalVerdict,
  type PeerTimers,
  type RouterReading,
} from './bgp-failover-timeline';

const lab: PeerTimers = {
  peerConfig: 'lab-router',
  holdTimeSeconds: 9,
  keepAliveTimeSeconds: 3,
  gracefulRestart: { enabled: false, restartTimeSeconds: 120 },
};
const withGr = (restartTimeSeconds: number): PeerTimers => ({
  ...lab,
  gracefulRestart: { enabled: true, restartTimeSeconds },
});

describe('the withdrawal the timers predict', () => {
  it.each([
    // stop, timers, the router's view of the session, [from, to] ms, a word of the rule
    ['stop', lab, undefined, [0, 1000], 'at once'],
    ['pause', lab, undefined, [6000, 10000], 'hold timer (9 s)'],
    [
      'stop',
      withGr(10),
      { routerGrMode: 'Helper', nodeGrMode: 'Restart' },
      [10000, 11000],
      'stale for the restart time',
    ],
    // The hold timer's NOTIFICATION ends graceful restart's help unless the N bit was negotiated (RFC 8538).
    [
      'pause',
      withGr(10),
      { routerGrMode: 'Helper', notificationGr: false },
      [6000, 10000],
      'does not keep routes after a NOTIFICATION',
    ],
    ['pause', withGr(10), { routerGrMode: 'Helper', notificationGr: true }, [16000, 20000], 'N bit'],
    // A router that does not help keeps nothing, whatever the peer config says.
    ['stop', withGr(10), { routerGrMode: 'Disable' }, [0, 1000], 'the router does not help'],
    // The negotiated hold time (the smaller of both sides') wins over the configured one.
    ['pause', lab, { holdTimeMs: 6000, keepaliveMs: 2000 }, [4000, 7000], 'hold timer (6 s)'],
    // The CRD's defaults: hold 90 s, keepalive 30 s.
    ['pause', peerTimers(undefined, 'none'), undefined, [60000, 91000], 'hold timer (90 s)'],
  ] as const)('%s with %j and the router saying %j: %j', (stop, timers, negotiated, [from, to], rule) => {
    const prediction = predictWithdrawal(stop, timers, negotiated);
    expect([prediction.fromMs, prediction.toMs]).toEqual([from, to]);
    expect(prediction.rule).toContain(rule);
  });

  it('reads a live CiliumBGPPeerConfig, defaults filled in', () => {
    expect(
      peerTimers(
        { spec: { timers: { holdTimeSeconds: 9, keepAliveTimeSeconds: 3 }, gracefulRestart: { enabled: true } } },
        'p',
      ),
    ).toEqual({
      peerConfig: 'p',
      holdTimeSeconds: 9,
      keepAliveTimeSeconds: 3,
      gracefulRestart: { enabled: true, restartTimeSeconds: 120 },
    });
  });
});

const reading = (atMs: number, fib: string[], extra: Partial<RouterReading> = {}): RouterReading => ({
  atMs,
  fib,
  ...extra,
});
const both = ['172.18.0.3', '172.18.0.4'];

describe('the withdrawal measured in the router readings', () => {
  it.each([
    [
      'a clean stop: gone in the next reading',
      [reading(-100, both), reading(0, both), reading(100, ['172.18.0.4'])],
      { lastSeenMs: 0, withdrawnMs: 100 },
    ],
    [
      'a pause: still there until the hold timer',
      [reading(-100, both), reading(3000, both), reading(6900, both), reading(7000, ['172.18.0.4'])],
      { lastSeenMs: 6900, withdrawnMs: 7000 },
    ],
    [
      'graceful restart: the session down and the path stale long before the withdrawal',
      [
        reading(0, both, { sessions: { '172.18.0.3': 'Established' } }),
        reading(300, both, {
          sessions: { '172.18.0.3': 'Connect' },
          paths: [
            { peer: '172.18.0.3', stale: true },
            { peer: '172.18.0.4', stale: false },
          ],
        }),
        reading(10100, ['172.18.0.4']),
      ],
      { lastSeenMs: 300, withdrawnMs: 10100, staleMs: 300, sessionDownMs: 300 },
    ],
    [
      'a dynamic peer that went is absent from the summary: its session is down',
      [reading(0, both, { sessions: { '172.18.0.4': 'Established' } }), reading(100, ['172.18.0.4'])],
      { lastSeenMs: 0, withdrawnMs: 100, sessionDownMs: 0 },
    ],
    ['never withdrawn within the drill', [reading(-100, both), reading(5000, both)], { lastSeenMs: 5000 }],
    [
      // Readings arrive out of order when a slow one is stamped late: sorted first.
      'out of order',
      [reading(300, ['172.18.0.4']), reading(200, ['172.18.0.4']), reading(100, both), reading(-50, both)],
      { lastSeenMs: 100, withdrawnMs: 200 },
    ],
    [
      // Before the stop the node may still be re-peering from an earlier drill: only readings after it count.
      'a reading before the stop without the node is no withdrawal',
      [
        reading(-300, ['172.18.0.4'], { sessions: { '172.18.0.4': 'Established' } }),
        reading(-100, both),
        reading(0, both),
        reading(400, ['172.18.0.4']),
      ],
      { lastSeenMs: 0, withdrawnMs: 400 },
    ],
  ])('%s', (_name, readings, expected) => {
    expect(measureWithdrawal(readings, '172.18.0.3')).toEqual(expected);
  });

  it.each([
    [undefined, 'not-withdrawn'],
    [100, 'as-predicted'],
    [1250, 'as-predicted'], // within one sampling interval of the prediction's end
    [1400, 'later'],
  ] as const)('withdrawn at %s ms against 0–1000 ms sampled every 300 ms: %s', (withdrawnMs, verdict) => {
    expect(withdrawalVerdict(withdrawnMs, { fromMs: 0, toMs: 1000, rule: '' }, 300)).toBe(verdict);
  });

  it('is earlier than predicted when a pause is withdrawn before the hold timer could run out', () => {
    expect(withdrawalVerdict(2000, { fromMs: 6000, toMs: 10000, rule: '' }, 100)).toBe('earlier');
  });
});

describe("the router's reading loop output", () => {
  it('parses a block with all three parts (ECMP FIB, a stale path, the sessions)', () => {
    const block = [
      '@@fib',
      '[{"dst":"10.250.250.129","nhid":17,"protocol":"bgp","nexthops":[{"gateway":"172.18.0.3","dev":"eth0"},{"gateway":"172.18.0.4","dev":"eth0"}]}]',
      '',
      '@@bgp',
      '{"prefix":"10.250.250.129/32","paths":[{"stale":true,"peer":{"peerId":"172.18.0.3"}},{"peer":{"peerId":"172.18.0.4"}}]}',
      '@@sum',
      '{"ipv4Unicast":{"peers":{"172.18.0.3":{"state":"Connect"},"172.18.0.4":{"state":"Established"}}}}',
    ].join('\n');
    expect(parseReading(block, 42)).toEqual({
      atMs: 42,
      fib: both,
      paths: [
        { peer: '172.18.0.3', stale: true },
        { peer: '172.18.0.4', stale: false },
      ],
      sessions: { '172.18.0.3': 'Connect', '172.18.0.4': 'Established' },
    });
  });

  it('reads one next hop, no route, and a FIB part alone', () => {
    expect(fibNextHops([{ dst: '10.0.0.1', gateway: '172.18.0.4', dev: 'eth0' }])).toEqual(['172.18.0.4']);
    expect(parseReading('@@fib\n[]\n', 1)).toEqual({ atMs: 1, fib: [] });
  });

  it('gives no reading when the FIB part is missing or not JSON (never an empty FIB read as a withdrawal)', () => {
    expect(parseReading('@@sum\n{}\n', 1)).toBeUndefined();
    expect(parseReading('@@fib\nip: command not found\n', 1)).toBeUndefined();
  });
});

describe('the explanation', () => {
  const bgp: BgpFailover = {
    router: 'demo-router',
    stoppedNode: { node: 'demo-worker', ip: '172.18.0.3' },
    chosenBecause: "that the router chose for this machine's flow",
    configured: withGr(10),
    prediction: predictWithdrawal('stop', withGr(10)),
    routerSamplingMs: 100,
    routerReadings: 120,
    lastSeenMs: 10000,
    withdrawnMs: 10100,
    staleMs: 300,
    verdict: 'as-predicted',
    nextHopsBefore: both,
    nextHopsAfter: ['172.18.0.4'],
    claim: { before: 'established', after: 'established' },
  };

  it('says what was measured, what was predicted and why, and keeps the claim apart', () => {
    const text = explainBgp({
      stop: 'stop',
      bgp,
      downtimeMs: 10200,
      downtime: { fromMs: -50, toMs: 10150 },
      intervalMs: 100,
      httpOk: true,
      restarted: true,
      flowChosen: true,
    });
    expect(text).toContain('Measured: the router withdrew it 10100 ms after the stop');
    expect(text).toContain('as the timers predict: 10000–11000 ms');
    expect(text).toContain('graceful restart holding it for the restart time');
    expect(text).toContain('Requests from this machine failed for 10200 ms');
    expect(text).toContain(
      "Claim, kept apart: demo-worker's CiliumBGPNodeConfig said established before and established after",
    );
    expect(text).toContain('demo-worker was started again.');
  });

  it('says when no request failed (the withdrawal beat the next probe) instead of a downtime of 0 ms', () => {
    const text = explainBgp({
      stop: 'stop',
      bgp,
      downtimeMs: 0,
      intervalMs: 100,
      httpOk: true,
      restarted: true,
      flowChosen: true,
    });
    expect(text).toContain('No request from this machine failed (one every 100 ms)');
    expect(text).not.toContain('failed for');
  });

  it('says when the router never withdrew and the node could not be unpaused', () => {
    const { withdrawnMs: _gone, staleMs: _stale, ...rest } = bgp;
    const text = explainBgp({
      stop: 'pause',
      bgp: { ...rest, verdict: 'not-withdrawn' },
      intervalMs: 100,
      httpOk: false,
      restarted: false,
      flowChosen: false,
    });
    expect(text).toContain(
      'the router still had it 10000 ms after the pause, when the drill ended (not within the drill)',
    );
    expect(text).toContain('demo-worker could not be unpaused.');
  });
});
