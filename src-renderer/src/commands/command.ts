import type { KindscopeClient } from '@contract';
import type { Store, StoreState } from '../store';

export interface CommandContext {
  client: KindscopeClient;
  store: Store;
}

/**
 * A user operation (Excalidraw's actions): buttons, shortcuts and tests call the same
 * object, so "enabled" and "what it does" are decided in one place.
 */
export interface Command {
  id: string;
  label: string;
  isEnabled(state: StoreState): boolean;
  run(context: CommandContext): Promise<void>;
}
