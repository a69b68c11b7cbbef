import type { CallId, CallInput, CallOutput, EventId, EventPayload, KindscopeClient, Result } from '@contract';

interface Pending {
  id: CallId;
  input: unknown;
  resolve(result: Result<unknown>): void;
}

/**
 * A client whose answers the test hands out one by one, in any order, and whose events the
 * test pushes: the transport's two halves without a main process (STYLE: a fake bridge).
 */
export function createFakeClient() {
  const pending: Pending[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const client: KindscopeClient = {
    invoke<Id extends CallId>(id: Id, input: CallInput<Id>) {
      return new Promise<Result<CallOutput<Id>>>((resolve) =>
        pending.push({ id, input, resolve: resolve as (r: Result<unknown>) => void }),
      );
    },
    subscribe<Id extends EventId>(id: Id, listener: (payload: EventPayload<Id>) => void) {
      const set = listeners.get(id) ?? new Set();
      listeners.set(id, set);
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
  };
  return {
    client,
    /** Calls asked and not answered yet, oldest first. */
    pending,
    /** Answers the `index`-th pending call (default: the oldest) and lets its continuation run. */
    async answer(value: unknown, index = 0) {
      const [call] = pending.splice(index, 1);
      if (!call) throw new Error('no pending call to answer');
      call.resolve({ ok: true, value });
      await Promise.resolve();
      await Promise.resolve();
    },
    async fail(message: string, index = 0) {
      const [call] = pending.splice(index, 1);
      if (!call) throw new Error('no pending call to fail');
      call.resolve({ ok: false, error: { code: 'INTERNAL', message, hint: 'try again' } });
      await Promise.resolve();
      await Promise.resolve();
    },
    push<Id extends EventId>(id: Id, payload: EventPayload<Id>) {
      for (const listener of [...(listeners.get(id) ?? [])]) listener(payload);
    },
    listenerCount: () => [...listeners.values()].reduce((n, set) => n + set.size, 0),
  };
}
