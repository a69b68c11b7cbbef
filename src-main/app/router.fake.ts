import { calls, events, type CallKey } from '../contract';
import { noEvent } from '../core/util/emitter';
import type { EventSources, Handlers } from './router';

/** The same value computed for every key of an object (typed by those keys). */
function mapKeys<T extends object, V>(object: T, make: (key: keyof T) => V): Record<keyof T, V> {
  const out: Partial<Record<keyof T, V>> = {};
  for (const key of Object.keys(object) as (keyof T)[]) out[key] = make(key);
  return out as Record<keyof T, V>;
}

/**
 * A full handler table for tests: every call rejects ("not in this test") unless
 * overridden. New calls need no edit here, so tests of the router and the transports do not
 * have to list every call (the composition root's `Handlers` type still does).
 */
export function fakeHandlers(overrides: Partial<Handlers> = {}, onCall?: (key: CallKey) => void): Handlers {
  const table: Handlers = mapKeys(calls, (key) => async (): Promise<never> => {
    onCall?.(key);
    throw new Error(`${key} is not in this test`);
  });
  return { ...table, ...overrides };
}

/** Event sources that never fire unless overridden. */
export function fakeEventSources(overrides: Partial<EventSources> = {}): EventSources {
  const table: EventSources = mapKeys(events, () => noEvent);
  return { ...table, ...overrides };
}
