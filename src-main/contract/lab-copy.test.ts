import { describe, expect, it } from 'vitest';
import { findingSentence, followClusterName, type LabFinding } from './lab';

const f = (message: string, fix: string, field?: string): LabFinding => ({
  code: 'x',
  message,
  fix,
  ...(field ? { field } : {}),
  severity: 'error',
  applied: false,
});

describe('one style for findings (issue 28)', () => {
  it('names the field once and ends with a full stop', () => {
    expect(findingSentence(f('pool.cidr is auto but the engine could not be read', '', 'pool.cidr'))).toBe(
      'pool.cidr is auto but the engine could not be read.',
    );
    expect(findingSentence(f('k8sServiceHost "x" names no node', '', 'cilium.k8sServiceHost'))).toBe(
      'k8sServiceHost "x" names no node.',
    );
    expect(findingSentence(f('"Bad" is not a DNS-1123 label', '', 'cluster.name'))).toBe(
      '"Bad" is not a DNS-1123 label (cluster.name).',
    );
    expect(findingSentence(f('did you mean lab-worker?', ''))).toBe('did you mean lab-worker?');
  });
});

describe("an import's fixes follow the plan's cluster name (issue 28)", () => {
  const imported = [
    f(
      'k8sServiceHost=kind-control-plane belongs to cluster "kind", not to the plan\'s cluster',
      'Set k8sServiceHost=lab-control-plane.',
      'k8sServiceHost',
    ),
    f('x', 'Keep lab-worker2 and lab-external-load-balancer; not lab-workers or mylab-worker.'),
  ];
  it("renames the plan's node names in fixes only", () => {
    const renamed = followClusterName(imported, 'lab', 'demo');
    expect(renamed[0]!.fix).toBe('Set k8sServiceHost=demo-control-plane.');
    expect(renamed[0]!.message).toBe(imported[0]!.message);
    expect(renamed[1]!.fix).toBe('Keep demo-worker2 and demo-external-load-balancer; not lab-workers or mylab-worker.');
    expect(followClusterName(imported, 'lab', 'lab')).toEqual(imported);
  });
});
