import type { CliLink, WelcomeState } from '@contract';
import type { CommandContext } from '../../commands/command';

/** The welcome's state, or undefined when the call failed (then the app simply goes on). */
export async function loadWelcome({ client, store }: CommandContext): Promise<WelcomeState | undefined> {
  const result = await client.invoke('welcome:state', {});
  if (result.ok) return result.value;
  store.getState().showError(result.error);
  return undefined;
}

/** Remembers the welcome as seen; true when it was stored. */
export async function dismissWelcome({ client, store }: CommandContext): Promise<boolean> {
  const result = await client.invoke('welcome:dismiss', {});
  if (!result.ok) store.getState().showError(result.error);
  return result.ok;
}

export async function linkCommandLine({ client, store }: CommandContext): Promise<CliLink | undefined> {
  const result = await client.invoke('cli:link', {});
  if (result.ok) return result.value;
  store.getState().showError(result.error);
  return undefined;
}
