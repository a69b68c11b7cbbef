import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryLogger } from '../util/logger';
import type { KubeHttp, ListResult, WatchEvent } from './kube-http';
import { KubeInformer } from './kube-informer';

type Item = { metadata: { name: string } };

/**
 * A scripted API server for one resource: every list and watch the informer makes is
 * recorded, and the test drives each watch's events and its close. (The end-to-end fault
 * test runs the same recovery against the lab's API server; this one pins which request
 * follows which answer, which the end state alone cannot show.)
 */
function scriptedServer() {
  const requests: string[] = [];
  const watches: {
    from: string;
    emit(event: WatchEvent): void;
    close(error?: unknown): void;
    abort: AbortController;
  }[] = [];
  let version = 10;
  const http = {
    server: 'https://127.0.0.1:6443',
    list: async (): Promise<ListResult> => {
      version += 1;
      requests.push(`list@${version}`);
      return { items: [{ metadata: { name: 'a' } }], resourceVersion: String(version) };
    },
    watch: async (
      _path: string,
      from: string,
      _inactivityMs: number,
      onEvent: (event: WatchEvent) => void,
      done: (error: unknown) => void,
    ) => {
      requests.push(`watch from ${from}`);
      const abort = new AbortController();
      watches.push({ from, emit: onEvent, close: (error = null) => done(error), abort });
      return abort;
    },
  } as unknown as KubeHttp;
  return { http, requests, watches, last: () => watches.at(-1)! };
}

describe('KubeInformer recovery', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const start = async (server: ReturnType<typeof scriptedServer>) => {
    const informer = new KubeInformer<Item>({
      name: 'things',
      path: '/api/v1/things',
      http: server.http,
      parse: (raw) => raw as Item,
      log: createMemoryLogger(),
    });
    informer.start();
    await vi.advanceTimersByTimeAsync(0);
    return informer;
  };

  it('a 410 in the stream relists at once and never watches from the expired version again', async () => {
    const server = scriptedServer();
    const informer = await start(server);
    expect(server.requests).toEqual(['list@11', 'watch from 11']);
    await vi.advanceTimersByTimeAsync(5_000);
    // What a real server sends when the version was compacted away, then it ends the stream.
    server.last().emit({
      type: 'ERROR',
      object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 11 (40)' },
    });
    server.last().close();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.requests).toEqual(['list@11', 'watch from 11', 'list@12', 'watch from 12']);
    expect(informer.state).toEqual({ state: 'live' });
    informer.dispose();
  });

  it('an HTTP 410 on the watch (some proxies) relists too', async () => {
    const server = scriptedServer();
    const informer = await start(server);
    await vi.advanceTimersByTimeAsync(5_000);
    server.last().close(Object.assign(new Error('Gone'), { statusCode: 410 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(server.requests).toEqual(['list@11', 'watch from 11', 'list@12', 'watch from 12']);
    informer.dispose();
  });

  it('a clean close resumes from the last version at once; a server that keeps closing at once gets a backed-off relist, not a tight loop', async () => {
    const server = scriptedServer();
    const informer = await start(server);
    await vi.advanceTimersByTimeAsync(5_000);
    server.last().emit({ type: 'MODIFIED', object: { metadata: { name: 'a', resourceVersion: '17' } } });
    server.last().close();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.requests).toEqual(['list@11', 'watch from 11', 'watch from 17']);
    // Closed again right after opening: the first quick close still resumes…
    server.last().close();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.requests.slice(3)).toEqual(['watch from 17']);
    // …a second one in a row waits for a relist after a backoff.
    server.last().close();
    await vi.advanceTimersByTimeAsync(0);
    expect(server.requests.slice(4)).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.requests.slice(4)).toEqual(['list@12', 'watch from 12']);
    // Still closing at once after that list: the backoff keeps growing (250–500 ms now), not reset by the list.
    server.last().close();
    await vi.advanceTimersByTimeAsync(249);
    expect(server.requests.slice(6)).toEqual([]);
    await vi.advanceTimersByTimeAsync(251);
    expect(server.requests.slice(6)).toEqual(['list@13', 'watch from 13']);
    // Then the server streams again: the burst is over, and the next failure is retried at the first backoff step (≤ 250 ms).
    server.last().emit({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '20' } } });
    await vi.advanceTimersByTimeAsync(60_000);
    server.last().close(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    await vi.advanceTimersByTimeAsync(250);
    expect(server.requests.slice(8)).toEqual(['list@14', 'watch from 14']);
    informer.dispose();
  });

  it('an error event other than 410: offline, and the end of that stream does not resume it — one relist, after the backoff', async () => {
    const server = scriptedServer();
    const informer = await start(server);
    await vi.advanceTimersByTimeAsync(5_000);
    server
      .last()
      .emit({ type: 'ERROR', object: { kind: 'Status', code: 500, message: 'etcdserver: request timed out' } });
    server.last().close();
    await vi.advanceTimersByTimeAsync(0);
    expect(informer.state).toEqual({
      state: 'offline',
      reason: 'things: watch error 500 etcdserver: request timed out',
    });
    expect(server.requests).toEqual(['list@11', 'watch from 11']);
    expect(server.watches[0]!.abort.signal.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.requests).toEqual(['list@11', 'watch from 11', 'list@12', 'watch from 12']);
    expect(informer.state).toEqual({ state: 'live' });
    informer.dispose();
  });
});
