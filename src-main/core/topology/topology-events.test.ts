import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DockerEvent } from '../docker/docker-event-stream';
import { Emitter } from '../util/emitter';
import { meaningOf, TopologyEvents } from './topology-events';

const container = (Action: string, ID: string, attributes: Record<string, string> = {}): DockerEvent => ({
  Type: 'container',
  Action,
  Actor: { ID, Attributes: attributes },
});
const network = (Action: string, containerId: string): DockerEvent => ({
  Type: 'network',
  Action,
  Actor: { ID: 'net1', Attributes: { container: containerId, name: 'kind' } },
});
const kindNode = (cluster: string, name: string) => ({ 'io.x-k8s.kind.cluster': cluster, name });

describe('meaningOf: which cluster an engine event concerns', () => {
  const known = new Map([['c-old', 'lab']]);
  const clusterOf = (id: string) => known.get(id);
  it.each<[string, DockerEvent, ReturnType<typeof meaningOf>]>([
    [
      'a labelled node stops',
      container('die', 'c1', kindNode('lab', 'lab-worker')),
      { cluster: 'lab', clustersChanged: true },
    ],
    [
      'a labelled node starts: its routes are re-read until they settle',
      container('start', 'c1', kindNode('lab', 'lab-worker')),
      { cluster: 'lab', clustersChanged: true, startedNode: 'lab-worker' },
    ],
    [
      'a restart too',
      container('restart', 'c1', kindNode('lab', 'lab-worker')),
      { cluster: 'lab', clustersChanged: true, startedNode: 'lab-worker' },
    ],
    [
      'our own exec (would loop)',
      container('exec_die', 'c1', kindNode('lab', 'lab-worker')),
      { clustersChanged: false },
    ],
    ['a container that is no kind node', container('start', 'c9', { name: 'web' }), { clustersChanged: false }],
    [
      'a destroyed node without labels, known from an earlier snapshot',
      container('destroy', 'c-old'),
      { cluster: 'lab', clustersChanged: true },
    ],
    [
      'a network (dis)connect of a known node',
      network('disconnect', 'c-old'),
      { cluster: 'lab', clustersChanged: false },
    ],
    ['a network event of an unknown container', network('connect', 'c9'), { clustersChanged: false }],
    ['an image event', { Type: 'image', Action: 'pull', Actor: { ID: 'x' } }, { clustersChanged: false }],
  ])('%s', (_name, event, meaning) => {
    expect(meaningOf(event, clusterOf)).toEqual(meaning);
  });
});

describe('TopologyEvents: routing and coalescing', () => {
  let events: Emitter<DockerEvent>;
  let reconnects: Emitter<void>;
  let router: TopologyEvents;
  const refreshed: string[] = [];
  const settled: string[] = [];
  let relists = 0;
  const followed = new Set(['lab', 'other']);

  beforeEach(() => {
    vi.useFakeTimers();
    refreshed.length = 0;
    settled.length = 0;
    relists = 0;
    events = new Emitter();
    reconnects = new Emitter();
    router = new TopologyEvents({
      onDidReceiveEvent: events.event,
      onDidReconnect: reconnects.event,
      coalesceMs: 100,
      followed: () => followed,
      isFollowed: (cluster) => followed.has(cluster),
      clusterOfContainer: () => undefined,
      refresh: (cluster) => refreshed.push(cluster),
      relist: () => (relists += 1),
      settle: (cluster, node) => settled.push(`${cluster}/${node}`),
    });
  });
  afterEach(() => {
    router.dispose();
    vi.useRealTimers();
  });

  it('a burst of events about one cluster is one refresh of it and one re-list, after the window', () => {
    for (const action of ['kill', 'die', 'stop', 'start'])
      events.fire(container(action, 'c1', kindNode('lab', 'lab-worker')));
    expect(refreshed).toEqual([]);
    vi.advanceTimersByTime(99);
    expect(refreshed).toEqual([]);
    vi.advanceTimersByTime(2);
    expect(refreshed).toEqual(['lab']);
    expect(relists).toBe(1);
    expect(settled).toEqual(['lab/lab-worker']);
  });

  it('clusters are coalesced separately; an unfollowed cluster changes only the list', () => {
    events.fire(container('die', 'c1', kindNode('lab', 'lab-worker')));
    events.fire(container('die', 'c2', kindNode('other', 'other-worker')));
    events.fire(container('start', 'c3', kindNode('unfollowed', 'unfollowed-worker')));
    vi.advanceTimersByTime(150);
    expect(refreshed.sort()).toEqual(['lab', 'other']);
    expect(relists).toBe(1);
    expect(settled).toEqual([]);
  });

  it('ignores its own execs', () => {
    events.fire(container('exec_start', 'c1', kindNode('lab', 'lab-worker')));
    vi.advanceTimersByTime(150);
    expect(refreshed).toEqual([]);
    expect(relists).toBe(0);
  });

  it('a reconnect refreshes every followed cluster once and re-lists', () => {
    reconnects.fire();
    reconnects.fire();
    vi.advanceTimersByTime(150);
    expect(refreshed.sort()).toEqual(['lab', 'other']);
    expect(relists).toBe(1);
  });

  it('after dispose nothing is scheduled and no timer is left', () => {
    events.fire(container('die', 'c1', kindNode('lab', 'lab-worker')));
    router.dispose();
    events.fire(container('die', 'c1', kindNode('lab', 'lab-worker')));
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(150);
    expect(refreshed).toEqual([]);
    expect(events.listenerCount).toBe(0);
    expect(reconnects.listenerCount).toBe(0);
  });
});
