import { describe, expect, it } from 'vitest';
import { answeredByOf, macOwner, measure, measuredMac, neighbourStateRule, type NeighbourTable } from './probe';

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
