import { describe, expect, it } from 'vitest';
import type { UpgradeItem } from '../../../contract';
import { factsOf, upgradeFactsFor } from './upgrade-runs';
import { checkTarget, type UpgradeFindings } from './upgrade-preflight';

const item = (id: string, outcome: UpgradeItem['outcome'], needsConfirmation = true): UpgradeItem => ({
  id,
  area: id.startsWith('crd:') ? 'crd' : id.startsWith('manifest:') ? 'manifest' : 'value',
  outcome,
  title: id,
  detail: id,
  cites: [],
  needsConfirmation,
});

const findings = (items: UpgradeItem[]): UpgradeFindings => ({
  cluster: 'lab',
  from: '1.18.14',
  to: '1.20.2',
  revision: 3,
  items,
  blocked: items.some((i) => i.outcome === 'blocking'),
  values: { a: 1 },
});

describe('an upgrade runs only on a preflight confirmed item by item', () => {
  const items = [
    item('value:a', 'kept', false),
    item('value:l2podAnnouncements.interface', 'renamed'),
    item('crd:ciliumloadbalancerippools.cilium.io', 'rewrite'),
    item('manifest:/runs/x/files/pool.yaml:CiliumLoadBalancerIPPool', 'rewrite'),
  ];

  it('every item confirmed (or none named: all): the journal keeps the revision, the values, what to migrate and rewrite', () => {
    const facts = upgradeFactsFor(findings(items), undefined, 2);
    expect(facts).toEqual({
      from: '1.18.14',
      to: '1.20.2',
      previousRevision: 3,
      values: { a: 1 },
      migrate: [{ name: 'ciliumloadbalancerippools.cilium.io', storage: 'v2' }],
      rewrite: ['/runs/x/files/pool.yaml'],
      nodes: 2,
    });
    expect(
      upgradeFactsFor(
        findings(items),
        items.slice(1).map((i) => i.id),
        2,
      ),
    ).toEqual(facts);
  });

  it('an item not confirmed refuses the run, naming it', () => {
    expect(() => upgradeFactsFor(findings(items), ['value:l2podAnnouncements.interface'], 2)).toThrow(
      /2 preflight items were not confirmed \(crd:ciliumloadbalancerippools\.cilium\.io, manifest:/,
    );
  });

  it('a blocking item refuses it whatever was confirmed, with the fix', () => {
    const blocked = findings([...items, { ...item('refusal:validate.yaml:1:1', 'blocking', false), fix: 'Remove x.' }]);
    expect(() => upgradeFactsFor(blocked, undefined, 2)).toThrow(/is blocked: .*Nothing was changed/);
    // The preview still shows the steps the run would have.
    expect(factsOf(blocked, 1).to).toBe('1.20.2');
  });

  it('the target must be a newer release Kindscope has chart data for', () => {
    expect(() => checkTarget('1.18.14', '1.21.0')).toThrow('cilium: Kindscope has no chart data for 1.21.0');
    expect(() => checkTarget('1.19.8', '1.18.14')).toThrow('cilium: 1.18.14 is not newer than the installed 1.19.8');
    expect(() => checkTarget('1.18.14', '1.19.8')).not.toThrow();
  });
});
