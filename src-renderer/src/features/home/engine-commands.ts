import type { Command, CommandContext } from '../../commands/command';

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
