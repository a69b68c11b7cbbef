import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KindClusterSummary } from '@contract';
import { fakeClusterStatus } from '../../../src-main/contract/cluster-status.fake';
import { createFakeClient } from './fake-client';
import { Query } from './query';

const cluster = (name: string): KindClusterSummary => ({ name, nodes: 3, running: 3, networks: ['kind'] });
const list = (...names: string[]) => ({ clusters: names.map(cluster) });

afterEach(() => vi.useRealTimers());

describe('Query', () => {
  it('reads once on start and publishes the value; a failure keeps the last value beside the error', async () => {
    const fake = createFakeClient();
    const query = new Query(fake.client, { call: 'topology:clusters', input: {} });
    const seen: boolean[] = [];
    query.subscribe(() => seen.push(query.getState().loading));
    query.start();
    expect(fake.pending.map((p) => p.id)).toEqual(['topology:clusters']);
    expect(query.getState().loading).toBe(true);
    await fake.answer(list('a'));
    expect(query.getState()).toMatchObject({ value: list('a'), loading: false, error: undefined });
    void query.load();
    await fake.fail('engine gone');
    expect(query.getState().value).toEqual(list('a'));
    expect(query.getState().error?.message).toBe('engine gone');
    expect(seen).toEqual([true, false, true, false]);
  });

  it('drops an answer to an older request that arrives after a newer one', async () => {
    const fake = createFakeClient();
    const query = new Query(fake.client, { call: 'topology:clusters', input: {} });
    query.start();
    void query.load();
    await fake.answer(list('newer'), 1);
    await fake.answer(list('older'), 0);
    expect(query.getState().value).toEqual(list('newer'));
  });

  it('applies a pushed value and then ignores the answer asked before the push', async () => {
    const fake = createFakeClient();
    const query = new Query(fake.client, {
      call: 'topology:clusters',
      input: {},
      patch: { 'topology:clusters-changed': (_current, payload) => ({ clusters: payload.clusters }) },
    });
    query.start();
    fake.push('topology:clusters-changed', list('pushed'));
    expect(query.getState().value).toEqual(list('pushed'));
    await fake.answer(list('stale'));
    expect(query.getState().value).toEqual(list('pushed'));
  });

  it('ignores a push its patch does not claim (another cluster) and keeps the answer', async () => {
    const fake = createFakeClient();
    const query = new Query(fake.client, {
      call: 'cluster:status',
      input: { cluster: 'mine' },
      patch: { 'cluster:status-changed': (_c, status) => (status.cluster === 'mine' ? status : undefined) },
    });
    query.start();
    fake.push('cluster:status-changed', fakeClusterStatus({ cluster: 'theirs' }));
    expect(query.getState().value).toBeUndefined();
    await fake.answer(fakeClusterStatus({ cluster: 'mine' }));
    expect(query.getState().value?.cluster).toBe('mine');
  });

  it('reads again after an invalidating event that passes its filter, once per window', async () => {
    vi.useFakeTimers();
    const fake = createFakeClient();
    const query = new Query(fake.client, {
      call: 'lab:fix-plan',
      input: { cluster: 'mine' },
      refetchOn: { 'cluster:status-changed': (status) => status.cluster === 'mine' },
      coalesceMs: 1_000,
    });
    query.start();
    await fake.answer({ fixes: [] });
    fake.push('cluster:status-changed', fakeClusterStatus({ cluster: 'theirs' }));
    fake.push('cluster:status-changed', fakeClusterStatus({ cluster: 'mine' }));
    fake.push('cluster:status-changed', fakeClusterStatus({ cluster: 'mine' }));
    expect(fake.pending).toHaveLength(0);
    vi.advanceTimersByTime(1_000);
    expect(fake.pending.map((p) => p.input)).toEqual([{ cluster: 'mine' }]);
  });

  it('waits delayMs before the first read, and a stop before then reads nothing', () => {
    vi.useFakeTimers();
    const fake = createFakeClient();
    const query = new Query(fake.client, { call: 'topology:clusters', input: {}, delayMs: 200 });
    const stop = query.start();
    expect(query.getState().loading).toBe(true);
    vi.advanceTimersByTime(199);
    expect(fake.pending).toHaveLength(0);
    stop();
    vi.advanceTimersByTime(10);
    expect(fake.pending).toHaveLength(0);
    expect(query.getState().loading).toBe(false);
  });

  it('a stop unsubscribes every event and drops the late answer; a restart reads again', async () => {
    const fake = createFakeClient();
    const query = new Query(fake.client, {
      call: 'topology:clusters',
      input: {},
      patch: { 'topology:clusters-changed': (_c, payload) => payload },
      refetchOn: { 'docker:engine-changed': true },
    });
    const stop = query.start();
    expect(fake.listenerCount()).toBe(2);
    stop();
    expect(fake.listenerCount()).toBe(0);
    await fake.answer(list('late'));
    expect(query.getState().value).toBeUndefined();
    query.start();
    await fake.answer(list('again'));
    expect(query.getState().value).toEqual(list('again'));
  });

  it('load merges extra input for that read only', async () => {
    const fake = createFakeClient();
    const query = new Query(fake.client, { call: 'topology:snapshot', input: { cluster: 'mine' } });
    query.start();
    void query.load({ refresh: true });
    expect(fake.pending.map((p) => p.input)).toEqual([{ cluster: 'mine' }, { cluster: 'mine', refresh: true }]);
  });
});
