import type { CommandContext } from '../../commands/command';
import { bindQuery, Query } from '../../data/query';

/** Loads the engine status once and follows its changes into the store; returns the stop. */
export function followEngine({ client, store }: CommandContext): () => void {
  const query = new Query(client, {
    call: 'docker:engine',
    input: {},
    patch: { 'docker:engine-changed': (_current, status) => status },
  });
  return bindQuery(query, ({ value, error }) => {
    if (error) store.getState().setEngineError(error);
    else if (value) store.getState().setEngine(value);
  });
}

/** The app's own version and transport (the sidebar footer); read once. */
export function followAppInfo({ client, store }: CommandContext): () => void {
  return bindQuery(new Query(client, { call: 'app:info', input: {} }), ({ value }) => {
    if (value) store.getState().setAppInfo(value);
  });
}

/** The transport's own link (serve mode can lose its server) into the store; returns the stop. */
export function followConnection({ client, store }: CommandContext): () => void {
  return client.onDidChangeConnection?.((state) => store.getState().setConnection(state)) ?? (() => undefined);
}
