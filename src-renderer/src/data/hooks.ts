import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { CallId, CallInput, CallOutput, EventId, EventPayload, Result } from '@contract';
import { useAppContext } from '../app-context';
import { Action, type ActionState } from './action';
import { Query, type QuerySpec, type QueryState } from './query';

export type QueryOptions<Id extends CallId> = Omit<QuerySpec<Id>, 'call' | 'input'> & {
  /** Values besides the input that make it a different read (a step's state: read its log again). */
  deps?: readonly unknown[];
  /**
   * Show the previous input's value until the new one's answer arrives (a plan re-checked
   * as the user types keeps its findings on screen), as react-query's `keepPreviousData`.
   */
  keepPrevious?: boolean;
};

const idle: QueryState<never> = { value: undefined, error: undefined, loading: false };
const noStore = { subscribe: () => () => undefined, getState: () => idle };

/**
 * Reads `call` with `input` and keeps it current (see {@link Query}); `input` undefined reads
 * nothing (no cluster selected yet). A new input (by value) is a new read; the old one's late
 * answer is dropped. Options are read when the input changes, not on every render.
 */
export function useQuery<Id extends CallId>(
  call: Id,
  input: CallInput<Id> | undefined,
  options: QueryOptions<Id> = {},
): QueryState<CallOutput<Id>> & { reload(extra?: Partial<CallInput<Id>>): Promise<void> } {
  const { client } = useAppContext();
  const key = input === undefined ? undefined : JSON.stringify([input, options.deps ?? []]);
  const latest = useRef(options);
  latest.current = options;
  const query = useMemo(
    () =>
      key === undefined || input === undefined ? undefined : new Query(client, { ...latest.current, call, input }),
    // `key` stands for `input` and `deps` by value.
    [client, call, key],
  );
  useEffect(() => query?.start(), [query]);
  const store = query ?? noStore;
  const state = useSyncExternalStore(store.subscribe, store.getState) as QueryState<CallOutput<Id>>;
  const previous = useRef<CallOutput<Id> | undefined>(undefined);
  if (state.value !== undefined) previous.current = state.value;
  const value = state.value ?? (options.keepPrevious ? previous.current : undefined);
  const reload = useCallback((extra?: Partial<CallInput<Id>>) => query?.load(extra) ?? Promise.resolve(), [query]);
  return { ...state, value, reload };
}

/**
 * A user operation with its busy flag and last answer (see {@link Action}). `run` resolves to
 * the result, so the caller decides what a failure means (a notice, a consent prompt).
 */
export function useAction<Id extends CallId>(
  call: Id,
): ActionState<CallOutput<Id>> & { run(input: CallInput<Id>): Promise<Result<CallOutput<Id>>>; reset(): void } {
  const { client } = useAppContext();
  const action = useMemo(() => new Action(client, call), [client, call]);
  const state = useSyncExternalStore(action.subscribe, action.getState);
  const run = useCallback((input: CallInput<Id>) => action.run(input), [action]);
  const reset = useCallback(() => action.reset(), [action]);
  return { ...state, run, reset };
}

/**
 * Follows one pushed event while mounted, for streams that must stay out of React state
 * (STYLE rule 10: high-frequency log lines). The listener may change between renders.
 */
export function useEvent<Id extends EventId>(event: Id, listener: (payload: EventPayload<Id>) => void): void {
  const { client } = useAppContext();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => client.subscribe(event, (payload) => latest.current(payload)), [client, event]);
}
