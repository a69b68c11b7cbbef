import { describe, expect, it } from 'vitest';
import { runHash, runIdFromHash } from './run-route';
import { verificationsOf } from './verification';
import type { RunRecord } from '@contract';

describe('the run view address', () => {
  it('round-trips a run id through the hash, and refuses anything else', () => {
    expect(runIdFromHash(runHash('20261201-090600-create-c2a87d'))).toBe('20261201-090600-create-c2a87d');
    expect(runIdFromHash('#/create-lab')).toBeUndefined();
    expect(runIdFromHash('#/create-lab/run/../../etc')).toBeUndefined();
    // Lifecycle runs live under Clusters, where they were started.
    expect(runHash('20261201-090600-fix-c2a87d', 'fix')).toBe('#/clusters/run/20261201-090600-fix-c2a87d');
    expect(runHash('20261201-090600-create-c2a87d', 'create')).toBe('#/create-lab/run/20261201-090600-create-c2a87d');
    expect(runIdFromHash(runHash('20261201-090600-fix-c2a87d', 'fix'))).toBe('20261201-090600-fix-c2a87d');
    expect(runIdFromHash('#/topology/run/20261201-090600-fix-c2a87d')).toBeUndefined();
  });
});

const record = (facts: Record<string, unknown>): RunRecord => ({
  id: 'r',
  kind: 'create',
  cluster: 'c',
  state: 'done',
  createdAt: '',
  updatedAt: '',
  steps: [],
  created: [],
  facts,
  dir: '',
});
const verification = {
  ip: '172.18.250.1',
  port: 80,
  http: { ok: true, status: 200, ms: 12 },
  leaseHolder: { node: 'c-worker', mac: '02:42:ac:12:00:03', lease: 'l' },
  answeredBy: { node: 'c-worker', mac: '02:42:ac:12:00:03', checkedAt: '2026-12-01T09:00:00Z' },
  neighbourCleared: true,
  reachable: true,
  findings: [],
};

describe("the run's measured result", () => {
  it("reads a create run's verification and a fix run's verifications", () => {
    expect(verificationsOf(record({ verification })).map((v) => v.ip)).toEqual(['172.18.250.1']);
    expect(
      verificationsOf(record({ verifications: [verification, { ...verification, ip: '172.18.250.2' }] })),
    ).toHaveLength(2);
  });

  it('shows nothing for facts of another shape rather than something wrong', () => {
    expect(verificationsOf(record({ verification: { ip: 3 } }))).toEqual([]);
    expect(verificationsOf(record({}))).toEqual([]);
  });
});
