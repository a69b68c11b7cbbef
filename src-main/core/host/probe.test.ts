import { describe, expect, it } from 'vitest';
import type { HostRoute } from './connectivity-routes';
import {
  answeredByOf,
  judgeAnswer,
  judgePath,
  macOwner,
  measure,
  measuredMac,
  neighbourStateRule,
  prove,
  type NeighbourTable,
} from './probe';

const mac = '02:42:ac:12:00:03';

describe('which neighbour states are a measurement of who answered ARP', () => {
  // The decision, as a table: state, counts when the entry was refreshed before the probe, counts when it was not.
  it.each([
    ['REACHABLE', true, true],
    ['DELAY', true, false],
    ['PROBE', true, false],
    ['STALE', true, false],
    ['PERMANENT', false, false],
    ['NOARP', false, false],
    ['FAILED', false, false],
    ['INCOMPLETE', false, false],
    ['NONE', false, false],
    ['SOMETHING-NEW', false, false],
    ['REACHABLE,PERMANENT', false, false],
  ] as const)('%s: refreshed %s, not refreshed %s', (state, refreshed, notRefreshed) => {
    expect(measuredMac({ state, mac }, true)).toBe(refreshed ? mac : undefined);
    expect(measuredMac({ state, mac }, false)).toBe(notRefreshed ? mac : undefined);
  });

  it('covers every state ip-neighbour(8) names, and an entry without a MAC is never one', () => {
    expect(Object.keys(neighbourStateRule).sort()).toEqual(
      ['DELAY', 'FAILED', 'INCOMPLETE', 'NOARP', 'NONE', 'PERMANENT', 'PROBE', 'REACHABLE', 'STALE'].sort(),
    );
    expect(measuredMac({ state: 'REACHABLE' }, true)).toBeUndefined();
    expect(measuredMac(undefined, true)).toBeUndefined();
  });
});

describe('the MAC-owner rule', () => {
  const nodes = [
    { name: 'demo-control-plane', mac: '02:42:ac:12:00:02' },
    { name: 'demo-worker', mac },
    { name: 'demo-worker2' },
  ];
  it.each([
    [mac, 'demo-worker'],
    ['02:42:AC:12:00:03', 'demo-worker'],
    ['02:42:ac:12:00:99', undefined],
    ['', undefined],
  ])('%s is owned by %s', (asked, owner) => {
    expect(macOwner(nodes, asked)).toBe(owner);
  });
  it('words a MAC of no node as a MAC, never as a node', () => {
    expect(answeredByOf(nodes, '02:42:ac:12:00:99', 't')).toEqual({ mac: '02:42:ac:12:00:99', checkedAt: 't' });
    expect(answeredByOf(nodes, mac, 't')).toEqual({ node: 'demo-worker', mac, checkedAt: 't' });
  });
});

describe('measure: refresh, probe, read back', () => {
  it('refreshes before the probe and reads after it, in that order', async () => {
    const calls: string[] = [];
    const table: NeighbourTable = {
      refresh: async () => (calls.push('refresh'), { refreshed: true }),
      read: async () => (calls.push('read'), { state: 'REACHABLE', mac }),
    };
    const measured = await measure(
      '172.18.250.1',
      [{ name: 'demo-worker', mac }],
      async () => calls.push('probe'),
      table,
    );
    expect(calls).toEqual(['refresh', 'probe', 'read']);
    expect(measured.answeredBy).toMatchObject({ node: 'demo-worker', mac });
  });
  it('a stale entry it could not refresh names nobody', async () => {
    const table: NeighbourTable = {
      refresh: async () => ({ refreshed: false }),
      read: async () => ({ state: 'STALE', mac }),
    };
    const measured = await measure('172.18.250.1', [{ name: 'demo-worker', mac }], async () => 1, table);
    expect(measured.answeredBy).toBeUndefined();
    expect(measured.neighbour).toEqual({ state: 'STALE', mac });
  });
});

describe('the path condition, before anything is sent', () => {
  const networks = [{ network: 'kind', subnet: '172.18.0.0/16', bridge: 'br-0123456789ab' }];
  const linux = { platform: 'linux' as const, runtime: 'native' as const };
  const route = (cidr: string, dev: string, extra: Partial<HostRoute> = {}): HostRoute => ({
    cidr,
    dev,
    blocks: false,
    tunnel: false,
    raw: `${cidr} dev ${dev}`,
    ...extra,
  });
  const bridge = route('172.18.0.0/16', 'br-0123456789ab');
  const fallback = route('0.0.0.0/0', 'eth0', { gateway: '192.168.1.1' });
  it.each([
    ['the bridge carries it', '172.18.250.1', [bridge, fallback], linux, true, 'the network’s bridge'],
    [
      'outside every cluster network',
      '172.26.255.201',
      [bridge, fallback],
      linux,
      false,
      "outside the cluster's Docker networks",
    ],
    ['only the default route', '172.18.250.1', [fallback], linux, false, 'the default route'],
    [
      'a VPN route wins',
      '172.18.250.1',
      [bridge, route('172.18.250.0/24', 'tun0'), fallback],
      linux,
      false,
      'not to kind',
    ],
    [
      'a blackhole',
      '172.18.250.1',
      [bridge, route('172.18.250.0/24', '', { blocks: true }), fallback],
      linux,
      false,
      'a blocking route',
    ],
    [
      'docker-mac-net-connect tunnel',
      '172.18.250.1',
      [route('172.18.0.0/16', 'utun5', { tunnel: true }), fallback],
      { platform: 'darwin' as const, runtime: 'docker-desktop' as const },
      true,
      'tunnel',
    ],
    [
      'Docker Desktop without the tunnel',
      '172.18.250.1',
      [route('172.18.0.0/16', 'utun3'), fallback],
      { platform: 'darwin' as const, runtime: 'docker-desktop' as const },
      false,
      "not to docker-mac-net-connect's tunnel",
    ],
    [
      "OrbStack's own route",
      '172.18.250.1',
      [route('172.18.0.0/16', 'bridge100'), fallback],
      { platform: 'darwin' as const, runtime: 'orbstack' as const },
      true,
      'bridge100',
    ],
  ])('%s', (_, ip, routes, host, ok, words) => {
    const verdict = judgePath(ip, networks, routes, 'ip -j route show', host);
    expect(verdict.ok).toBe(ok);
    expect(verdict.detail).toContain(words);
    if (!ok) expect(verdict.fix).toBeTruthy();
  });
});

describe('what answered', () => {
  const token = '0123456789abcdef';
  it.each([
    [{ ok: true, status: 200, body: `kindscope-sample pod=web-1 token=${token}\n`, ms: 1 }, token, 'marker'],
    [{ ok: false, status: 404, body: `kindscope-sample pod=web-1 token=${token}\n`, ms: 1 }, token, 'something-else'],
    [{ ok: true, status: 200, body: 'Welcome to nginx!', ms: 1 }, token, 'something-else'],
    [
      { ok: true, status: 200, body: 'kindscope-sample pod=web-1 token=ffffffffffffffff', ms: 1 },
      token,
      'something-else',
    ],
    [{ ok: false, status: 404, body: 'not found', ms: 1 }, undefined, 'reported'],
    [{ ok: false, error: 'ECONNREFUSED', ms: 1 }, token, 'none'],
  ] as const)('%j with token %s: %s', (http, expected, state) => {
    expect(judgeAnswer(http, expected).state).toBe(state);
  });
});

describe('prove', () => {
  const holder = '02:42:ac:12:00:03';
  const other = '02:42:ac:12:00:04';
  const nodes = [
    { name: 'demo-worker', mac: holder },
    { name: 'demo-worker2', mac: other },
  ];
  const target = { cluster: 'demo', ip: '172.18.250.1', port: 80, nodes, sampleToken: 'abcdefabcdefabcd' };
  const marker = { ok: true, status: 200, body: 'kindscope-sample pod=web-1 token=abcdefabcdefabcd', ms: 1 };
  const pathOk = async () => ({ ok: true, detail: 'bridge' });

  it('sends nothing when the path fails, and says which condition and its fix', async () => {
    let sent = false;
    const outcome = await prove(
      target,
      {
        table: { read: async () => undefined, refresh: async () => ({ refreshed: true }) },
        path: async () => ({ ok: false, detail: 'outside', fix: 'carve a pool' }),
      },
      async () => ((sent = true), marker),
    );
    expect(sent).toBe(false);
    expect(outcome.proof).toMatchObject({ proven: false, failing: 'path', fix: 'carve a pool' });
    expect(outcome.findings.map((f) => f.code)).toEqual(['path-not-cluster-network']);
  });

  it('a permanent entry naming another node: kept, asked afresh, the answerer reported and the entry a finding', async () => {
    const deleted: string[] = [];
    const outcome = await prove(
      target,
      {
        table: {
          read: async () => ({ state: 'PERMANENT', mac: other, dev: 'br-x' }),
          refresh: async () => ({ refreshed: false, permanent: { state: 'PERMANENT', mac: other, dev: 'br-x' } }),
        },
        path: pathOk,
        ask: async () => holder,
      },
      async () => marker,
    );
    expect(deleted).toEqual([]);
    expect(outcome.answeredBy).toMatchObject({ node: 'demo-worker', mac: holder });
    expect(outcome.findings.map((f) => f.code)).toContain('neighbour-permanent-mismatch');
    expect(outcome.proof).toMatchObject({ proven: false, failing: 'arp' });
  });

  it('a MAC of no node is not proven; the VM case rests on path and answer', async () => {
    const stranger = await prove(
      target,
      {
        table: {
          read: async () => ({ state: 'REACHABLE', mac: '02:42:de:ad:be:ef' }),
          refresh: async () => ({ refreshed: true }),
        },
        path: pathOk,
      },
      async () => marker,
    );
    expect(stranger.proof).toMatchObject({ proven: false, failing: 'arp', arp: { state: 'other' } });
    const vm = await prove(
      target,
      { table: { read: async () => undefined, refresh: async () => ({ refreshed: false }) }, path: pathOk },
      async () => marker,
    );
    expect(vm.proof).toMatchObject({
      proven: true,
      arp: { state: 'not-measurable' },
      answer: { state: 'marker', pod: 'web-1' },
    });
    expect(vm.proof.arp.detail).toContain('answered ARP: not measurable here');
  });

  it('a 404 from the right node is not the sample answering', async () => {
    const outcome = await prove(
      target,
      {
        table: { read: async () => ({ state: 'REACHABLE', mac: holder }), refresh: async () => ({ refreshed: true }) },
        path: pathOk,
      },
      async () => ({ ok: false, status: 404, body: 'Not Found', ms: 1 }),
    );
    expect(outcome.answeredBy?.node).toBe('demo-worker');
    expect(outcome.proof).toMatchObject({ proven: false, failing: 'answer', answer: { state: 'something-else' } });
    expect(outcome.findings.map((f) => f.code)).toEqual(['answer-not-sample']);
  });
});
