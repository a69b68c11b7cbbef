import { describe, expect, it } from 'vitest';
import {
  ansic,
  formatHistory,
  formatValues,
  historyEntries,
  rollbackPlan,
  upgradeBase,
  upgradeValues,
} from './release-logic.ts';
import type { ReleaseRecord, ReleaseStatus } from './release-store.ts';
import { removedKeys } from './release-apply.ts';

const rev = (revision: number, status: ReleaseStatus, version = '1.18.12', values = {}): ReleaseRecord => ({
  name: 'cilium',
  namespace: 'kube-system',
  chart: `cilium-${version}`,
  version,
  revision,
  status,
  values,
  updated: `2026-12-06T09:0${revision}:00.000Z`,
  description: revision === 1 ? 'Install complete' : 'Upgrade complete',
});

describe("upgrade's values follow helm's reuseValues (pkg/action/upgrade.go)", () => {
  const current = { kubeProxyReplacement: true, l2podAnnouncements: { interface: 'eth0', enabled: true } };
  it.each([
    ['no flag, no new values: the current values are copied', {}, {}, current],
    [
      'no flag, new values: only the new values (the old ones are dropped)',
      {},
      { l2announcements: { enabled: true } },
      { l2announcements: { enabled: true } },
    ],
    [
      '--reuse-values: the new merged over the current, key by key',
      { reuseValues: true },
      { l2podAnnouncements: { interfacePattern: 'eth0' } },
      {
        kubeProxyReplacement: true,
        l2podAnnouncements: { interface: 'eth0', enabled: true, interfacePattern: 'eth0' },
      },
    ],
    ['--reset-values with nothing new: nothing', { resetValues: true }, {}, {}],
    ['--reset-values wins over --reuse-values', { resetValues: true, reuseValues: true }, { a: 1 }, { a: 1 }],
    [
      '--reset-then-reuse-values: the new merged over the current',
      { resetThenReuseValues: true },
      { kubeProxyReplacement: false },
      { kubeProxyReplacement: false, l2podAnnouncements: { interface: 'eth0', enabled: true } },
    ],
  ])('%s', (_name, flags, supplied, expected) => {
    const before = structuredClone(current);
    expect(upgradeValues(current, supplied, flags)).toEqual(expected);
    // The stored revision's values are never changed in place.
    expect(current).toEqual(before);
  });
});

describe('the revision an upgrade starts from (prepareUpgrade)', () => {
  it.each([
    ['no release', [], undefined],
    ['the last, deployed', [rev(1, 'superseded'), rev(2, 'deployed')], 2],
    ['the deployed one before a failed upgrade', [rev(1, 'deployed'), rev(2, 'failed')], 1],
    ['a failed install alone', [rev(1, 'failed')], 1],
  ] as const)('%s', (_name, history, expected) => {
    expect(upgradeBase(history)?.revision).toBe(expected);
  });
});

describe('rollback (prepareRollback/performRollback)', () => {
  const history = [rev(1, 'superseded', '1.18.12', { a: 1 }), rev(2, 'deployed', '1.20.0', { b: 2 })];
  it('without a revision goes to the one before the newest: a new revision with its chart and values', () => {
    const plan = rollbackPlan(history, 0, '2026-12-06T10:00:00.000Z');
    expect(plan.record).toMatchObject({
      revision: 3,
      version: '1.18.12',
      chart: 'cilium-1.18.12',
      values: { a: 1 },
      status: 'deployed',
      description: 'Rollback to 1',
      updated: '2026-12-06T10:00:00.000Z',
    });
    expect(plan.superseded.map((r) => [r.revision, r.status])).toEqual([[2, 'superseded']]);
  });
  it('after a failed upgrade, the failed revision keeps its status (only deployed ones are superseded)', () => {
    const plan = rollbackPlan([rev(1, 'deployed', '1.18.12'), rev(2, 'failed', '1.20.0')], 0, 'now');
    expect(plan.record).toMatchObject({ revision: 3, version: '1.18.12', description: 'Rollback to 1' });
    expect(plan.superseded.map((r) => r.revision)).toEqual([1]);
  });
  it.each([
    ['a revision that never was', 7, 'release has no 7 version'],
    ['the only revision has none before it', 0, 'release has no 0 version'],
    ['a negative revision', -1, 'invalid release revision'],
  ])("refuses %s with helm's message", (_name, revision, message) => {
    const only = revision === 0 ? [rev(1, 'deployed')] : history;
    expect(() => rollbackPlan(only, revision, 'now')).toThrow(message);
  });
  it('refuses a release that does not exist', () => {
    expect(() => rollbackPlan([], 0, 'now')).toThrow('release: not found');
  });
});

describe("history's output (history.go releaseInfo)", () => {
  const history = [rev(1, 'superseded'), rev(2, 'deployed', '1.20.0')];
  it("json has exactly helm's fields, oldest first, revision a number", () => {
    expect(JSON.parse(formatHistory(historyEntries(history), 'json'))).toEqual([
      {
        revision: 1,
        updated: '2026-12-06T09:01:00.000Z',
        status: 'superseded',
        chart: 'cilium-1.18.12',
        app_version: '1.18.12',
        description: 'Install complete',
      },
      {
        revision: 2,
        updated: '2026-12-06T09:02:00.000Z',
        status: 'deployed',
        chart: 'cilium-1.20.0',
        app_version: '1.20.0',
        description: 'Upgrade complete',
      },
    ]);
  });
  it('--max keeps the newest revisions', () => {
    expect(historyEntries(history, 1).map((e) => e.revision)).toEqual([2]);
  });
  it("the table's UPDATED column is Go's ANSIC time", () => {
    expect(ansic('2026-12-06T09:01:00.000Z')).toBe('Sun Dec  6 09:01:00 2026');
    const lines = formatHistory(historyEntries(history), 'table').trimEnd().split('\n');
    expect(lines[0]!.split('\t').map((c) => c.trim())).toEqual([
      'REVISION',
      'UPDATED',
      'STATUS',
      'CHART',
      'APP VERSION',
      'DESCRIPTION',
    ]);
    expect(lines[2]!.split('\t').map((c) => c.trim())).toEqual([
      '2',
      'Sun Dec  6 09:02:00 2026',
      'deployed',
      'cilium-1.20.0',
      '1.20.0',
      'Upgrade complete',
    ]);
  });
});

describe('get values output (get_values.go)', () => {
  const values = { l2announcements: { enabled: true }, kubeProxyReplacement: true };
  it.each([
    ['table', 'USER-SUPPLIED VALUES:\nkubeProxyReplacement: true\nl2announcements:\n  enabled: true\n'],
    ['yaml', 'kubeProxyReplacement: true\nl2announcements:\n  enabled: true\n'],
    ['json', '{"kubeProxyReplacement":true,"l2announcements":{"enabled":true}}\n'],
  ])('-o %s, keys sorted as Go writes maps', (output, expected) => {
    expect(formatValues(values, { all: false, output })).toBe(expected);
  });
  it.each([
    ['table', 'USER-SUPPLIED VALUES:\nnull\n'],
    ['json', 'null\n'],
    ['yaml', 'null\n'],
  ])('no user values print null (-o %s), as helm stores none', (output, expected) => {
    expect(formatValues({}, { all: false, output })).toBe(expected);
  });
  it('--all: the chart defaults coalesced with the user values, under COMPUTED VALUES', () => {
    const text = formatValues(values, {
      all: true,
      output: 'json',
      chartDefaults: { l2announcements: { enabled: false, leaseDuration: '15s' }, debug: { enabled: false } },
    });
    expect(JSON.parse(text)).toEqual({
      debug: { enabled: false },
      kubeProxyReplacement: true,
      l2announcements: { enabled: true, leaseDuration: '15s' },
    });
    expect(formatValues(values, { all: true, output: 'table', chartDefaults: {} })).toMatch(/^COMPUTED VALUES:\n/);
  });
});

describe("helm's three-way merge drops what the previous revision rendered and the new one does not", () => {
  it.each([
    ['a ConfigMap key gone', { data: { a: '1', b: '2' } }, { data: { a: '1' } }, { data: { b: null } }],
    ['nothing gone', { data: { a: '1' } }, { data: { a: '2', c: '3' } }, undefined],
    [
      'a template annotation gone',
      { spec: { template: { metadata: { annotations: { x: 'y' }, labels: { k: 'v' } } } } },
      { spec: { template: { metadata: { labels: { k: 'v' } } } } },
      { spec: { template: { metadata: { annotations: null } } } },
    ],
    ['no previous revision', undefined, { data: { a: '1' } }, undefined],
  ])('%s', (_name, previous, next, expected) => {
    expect(removedKeys(previous, next)).toEqual(expected);
  });
});
