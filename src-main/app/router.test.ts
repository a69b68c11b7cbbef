import { describe, expect, it, vi } from 'vitest';
import { callList, calls, createTypedClient, eventList, KindscopeError, type CallKey } from '../contract';
import { toDisposable } from '../core/util/emitter';
import { createMemoryLogger } from '../core/util/logger';
import { createRouter, type EventSources, type Handlers } from './router';
import { fakeEventSources, fakeHandlers } from './router.fake';

/** Handlers that fail the test if they ever run. */
function untouchableHandlers(): { handlers: Handlers; called: CallKey[] } {
  const called: CallKey[] = [];
  const untouchable = (key: CallKey) =>
    vi.fn(async (): Promise<never> => {
      called.push(key);
      throw new Error(`handler ${key} must not run for malformed input`);
    });
  const handlers = fakeHandlers(
    Object.fromEntries((Object.keys(calls) as CallKey[]).map((key) => [key, untouchable(key)])),
  );
  expect(Object.keys(handlers).sort()).toEqual(Object.keys(calls).sort());
  return { handlers, called };
}

const noSources: EventSources = fakeEventSources();

/** Inputs that no call's schema may accept. */
const malformedInputs: unknown[] = [
  42,
  'text',
  true,
  [],
  { unexpectedField: 1 },
  { refresh: 'yes', unexpectedField: null },
  { cluster: 'x; rm -rf ~', refresh: 'yes' },
  { tool: 'rm', path: 'relative' },
];

describe('every contract call rejects malformed input before any handler runs', () => {
  it.each(callList.map((call) => [call.id, call] as const))('%s', async (id) => {
    const { handlers, called } = untouchableHandlers();
    const router = createRouter(handlers, noSources, createMemoryLogger());
    for (const input of malformedInputs) {
      const result = await router.invoke(id, input);
      expect(result.ok, `${id} accepted ${JSON.stringify(input)}`).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('INVALID_INPUT');
        expect(result.error.message).toContain(id);
        expect(result.error.message).toMatch(/input/);
        expect(result.error.hint).not.toBe('');
      }
    }
    expect(called).toEqual([]);
  });
});

describe('router', () => {
  const log = createMemoryLogger();
  const baseHandlers = (): Handlers =>
    fakeHandlers({
      appInfo: async () => ({ name: 'Kindscope', version: '1.2.3', transport: 'test' }),
      dockerEngine: async () => {
        throw new KindscopeError('DOCKER_UNREACHABLE', 'engine gone', 'start it');
      },
      topologyClusters: async () => ({ clusters: [] }),
      topologySnapshot: async () => {
        throw new KindscopeError('CLUSTER_NOT_FOUND', 'no such cluster', 'list them');
      },
    });

  it('answers a valid call with the value its handler returned', async () => {
    const router = createRouter(baseHandlers(), noSources, log);
    await expect(router.invoke('app:info', {})).resolves.toEqual({
      ok: true,
      value: { name: 'Kindscope', version: '1.2.3', transport: 'test' },
    });
  });

  it('names the offending field when the input is wrong', async () => {
    const router = createRouter(baseHandlers(), noSources, log);
    const result = await router.invoke('docker:engine', { refresh: 'yes' });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(!result.ok && result.error.message).toContain('input.refresh');
  });

  it('reports an unknown call as data', async () => {
    const router = createRouter(baseHandlers(), noSources, log);
    await expect(router.invoke('nope:nothing', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_CALL' },
    });
  });

  it('carries a KindscopeError across as code, message and hint', async () => {
    const router = createRouter(baseHandlers(), noSources, log);
    await expect(router.invoke('docker:engine', {})).resolves.toEqual({
      ok: false,
      error: { code: 'DOCKER_UNREACHABLE', message: 'engine gone', hint: 'start it' },
    });
  });

  it('turns an unexpected throw into INTERNAL without leaking the stack', async () => {
    const handlers = { ...baseHandlers(), appInfo: async () => Promise.reject(new TypeError('boom')) };
    const router = createRouter(handlers, noSources, createMemoryLogger());
    const result = await router.invoke('app:info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'boom' } });
    expect(JSON.stringify(result)).not.toMatch(/at .*router/);
  });

  it('refuses a handler output outside the contract', async () => {
    // Deliberately outside the contract: `never` lets the wrong shape through the types.
    const bad: Handlers = { ...baseHandlers(), appInfo: async () => ({ name: 'Other', version: 1 }) as never };
    const memory = createMemoryLogger();
    const router = createRouter(bad, noSources, memory);
    await expect(router.invoke('app:info', {})).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(memory.entries.some((entry) => entry.level === 'error')).toBe(true);
  });

  it('delivers events that match their schema and drops the rest', () => {
    let emit: (payload: unknown) => void = () => undefined;
    const sources: EventSources = {
      ...noSources,
      dockerEngineChanged: (listener) => {
        emit = listener as (payload: unknown) => void;
        return toDisposable(() => (emit = () => undefined));
      },
    };
    const memory = createMemoryLogger();
    const router = createRouter(baseHandlers(), sources, memory);
    const received: unknown[] = [];
    const unsubscribe = router.subscribe('docker:engine-changed', (payload) => received.push(payload));
    const good = {
      state: 'offline',
      endpoint: { host: 'unix:///x', source: 'default', tls: false },
      updatedAt: new Date(0).toISOString(),
    };
    emit(good);
    emit({ state: 'exploded' });
    unsubscribe();
    emit(good);
    expect(received).toEqual([good]);
    expect(memory.entries.filter((entry) => entry.level === 'warn')).toHaveLength(1);
  });

  it('rejects a cluster name that is not a kind name before anything runs', async () => {
    const router = createRouter(baseHandlers(), noSources, log);
    const result = await router.invoke('topology:snapshot', { cluster: '$(id)' });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(!result.ok && result.error.message).toContain('input.cluster: must be a kind cluster name');
  });

  it('throws a KindscopeError for an unknown event id', () => {
    const router = createRouter(baseHandlers(), noSources, log);
    expect(() => router.subscribe('nope', () => undefined)).toThrow(KindscopeError);
  });

  it('has every event of the contract wired to a source', () => {
    const router = createRouter(baseHandlers(), noSources, log);
    for (const event of eventList) expect(() => router.subscribe(event.id, () => undefined)()).not.toThrow();
  });

  it('serves the typed client used by the CLI and the renderer', async () => {
    const client = createTypedClient(createRouter(baseHandlers(), noSources, log));
    const info = await client.invoke('app:info', {});
    expect(info.ok && info.value.version).toBe('1.2.3');
  });
});
