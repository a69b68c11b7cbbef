import type { CallId, CallInput, CallOutput, EventId, EventPayload } from './calls';
import type { Result } from './errors';
import type { StreamState } from './docker';

/**
 * What every transport offers the renderer (and tests): typed calls and subscriptions.
 * Electron's preload, the serve-mode WebSocket and the in-process router all implement it.
 */
export interface KindscopeClient {
  invoke<Id extends CallId>(id: Id, input: CallInput<Id>): Promise<Result<CallOutput<Id>>>;
  /** Returns the unsubscribe function. */
  subscribe<Id extends EventId>(id: Id, listener: (payload: EventPayload<Id>) => void): () => void;
  /** The transport's own connection state (serve mode can lose its server). */
  onDidChangeConnection?(listener: (state: StreamState) => void): () => void;
}

/** The untyped shape the Electron preload exposes on `window.kindscope`. */
export interface KindscopeBridge {
  invoke(id: string, input: unknown): Promise<unknown>;
  subscribe(id: string, listener: (payload: unknown) => void): () => void;
}
