import type { Command, CommandContext } from './command';

/** Asks the engine again now (the status also updates by itself). */
export const refreshEngineCommand: Command = {
  id: 'engine.refresh',
  label: 'Check again',
  isEnabled: (state) => !state.engineLoading,
  async run({ client, store }: CommandContext) {
    const { setEngine, setEngineError, setEngineLoading } = store.getState();
    setEngineLoading(true);
    try {
      const result = await client.invoke('docker:engine', { refresh: true });
      if (result.ok) setEngine(result.value);
      else setEngineError(result.error);
    } finally {
      setEngineLoading(false);
    }
  },
};

/** Loads the engine status once and follows its changes; returns the unsubscribe. */
export function followEngine({ client, store }: CommandContext): () => void {
  const unsubscribe = client.subscribe('docker:engine-changed', (status) => store.getState().setEngine(status));
  void client.invoke('docker:engine', {}).then((result) => {
    if (result.ok) store.getState().setEngine(result.value);
    else store.getState().setEngineError(result.error);
  });
  return unsubscribe;
}
