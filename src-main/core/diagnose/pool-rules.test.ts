import { describe, expect, it } from 'vitest';
import type { KubeIpPool } from '../kube/kube-types';
import { cidrContains } from '../net';
import { poolFacts, suggestPool } from './pool-rules';

/** A pool's status conditions as cilium-operator writes them: `cilium.io/` now, `io.cilium/` before 1.15. */
const pool = (prefix: string): KubeIpPool =>
  ({
    metadata: { name: 'lab-pool' },
    spec: { blocks: [{ cidr: '172.18.250.0/28' }] },
    status: {
      conditions: [
        { type: `${prefix}IPsTotal`, status: 'Unknown', message: '16' },
        { type: `${prefix}IPsAvailable`, status: 'Unknown', message: '14' },
        { type: `${prefix}IPsUsed`, status: 'Unknown', message: '2' },
        { type: `${prefix}PoolConflict`, status: 'False', message: '' },
      ],
    },
  }) as unknown as KubeIpPool;

describe('pool facts from the condition types of either Cilium era', () => {
  it.each(['cilium.io/', 'io.cilium/'])('%s: counts and conflict are read', (prefix) => {
    expect(poolFacts(pool(prefix))).toMatchObject({
      ranges: ['172.18.250.0/28'],
      total: 16,
      available: 14,
      used: 2,
      conflict: false,
    });
  });
});

describe('suggestPool: the block a fix suggests lies inside the network Docker gave', () => {
  it.each([
    ['172.18.0.0/16', '172.18.250.0/24'],
    // Docker's next pool once 172.17–31 are used: /20s from 192.168.0.0/16; x.y.250 would be outside.
    ['192.168.0.0/20', '192.168.14.0/24'],
    ['192.168.16.0/20', '192.168.30.0/24'],
  ])('%s → %s', (subnet, expected) => {
    const suggested = suggestPool(subnet);
    expect(suggested).toBe(expected);
    expect(cidrContains(subnet, suggested)).toBe(true);
  });
});
