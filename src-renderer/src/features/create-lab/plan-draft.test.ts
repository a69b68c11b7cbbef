import { describe, expect, it } from 'vitest';
import type { LabFinding } from '@contract';
import { findingsFor, getAt, setAt, stepErrors, stepOf } from './plan-draft';

const finding = (field: string | undefined, severity: LabFinding['severity'] = 'error'): LabFinding => ({
  code: 'x',
  message: 'm',
  fix: 'f',
  ...(field ? { field } : {}),
  severity,
  applied: false,
});

describe('the wizard draft', () => {
  it('sets a nested field without touching the original or its siblings', () => {
    const draft = { cluster: { name: 'a', workers: 1 }, pool: { cidr: 'auto' } };
    const next = setAt(draft, 'cluster.workers', 2);
    expect(next).toEqual({ cluster: { name: 'a', workers: 2 }, pool: { cidr: 'auto' } });
    expect(draft.cluster.workers).toBe(1);
    expect(next.pool).toBe(draft.pool);
    expect(getAt(next, 'cluster.workers')).toBe(2);
  });

  it('removes a field set to undefined (an emptied optional value takes its default)', () => {
    expect(setAt({ cilium: { k8sServiceHost: 'x', version: '1' } }, 'cilium.k8sServiceHost', undefined)).toEqual({
      cilium: { version: '1' },
    });
  });

  it('puts a finding about a parent object beside each of its fields (lease timings), and one about a field only there', () => {
    const findings = [finding('cilium.l2announcements'), finding('cluster.name')];
    expect(findingsFor(findings, 'cilium.l2announcements.leaseDuration')).toEqual([findings[0]]);
    expect(findingsFor(findings, 'cluster.name')).toEqual([findings[1]]);
    expect(findingsFor(findings, 'cluster.workers')).toEqual([]);
  });

  it('blocks a step only with errors on its own fields; unknown fields belong to Review', () => {
    const findings = [
      finding('pool.cidr'),
      finding('l2Policy.interfaces'),
      finding('cluster.name', 'warning'),
      finding(undefined),
    ];
    expect(stepErrors(findings, 'load-balancing')).toHaveLength(2);
    expect(stepErrors(findings, 'cluster')).toHaveLength(0);
    expect(stepOf(findings[3]!)).toBe('review');
  });
});
