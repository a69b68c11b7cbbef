import { describe, expect, it } from 'vitest';
import { holderServes, leaseCandidates } from './l2-local-policy.ts';

const nodes = ['lab-worker', 'lab-worker2'];
const on = (...names: (string | undefined)[]) =>
  names.map((nodeName) => ({ ready: true, ...(nodeName ? { nodeName } : {}) }));

describe("the simulated Cilium's L2 lease for externalTrafficPolicy: Local, by version", () => {
  it('Cluster: every selected node, on every version', () => {
    expect(leaseCandidates('1.20.2', 'Cluster', nodes, on('lab-worker2'))).toEqual(nodes);
    expect(holderServes('Cluster', 'lab-worker', on('lab-worker2'))).toBe(true);
  });

  it('Local before 1.20.2: any selected node may hold it; one without a local backend drops (cilium/cilium#27800)', () => {
    expect(leaseCandidates('1.20.1', 'Local', nodes, on('lab-worker2'))).toEqual(nodes);
    expect(leaseCandidates('1.18.14', 'Local', nodes, on(undefined))).toEqual(nodes);
    expect(holderServes('Local', 'lab-worker', on('lab-worker2'))).toBe(false);
    expect(holderServes('Local', 'lab-worker2', on('lab-worker2'))).toBe(true);
  });

  it('Local from 1.20.2: only nodes with a local backend (cilium/cilium#46399, #48550); none without node names (#48799)', () => {
    expect(leaseCandidates('1.20.2', 'Local', nodes, on('lab-worker2'))).toEqual(['lab-worker2']);
    expect(leaseCandidates('1.21.0', 'Local', nodes, on('lab-worker', 'lab-worker2'))).toEqual(nodes);
    expect(leaseCandidates('1.20.2', 'Local', nodes, on(undefined, undefined))).toEqual([]);
  });
});
