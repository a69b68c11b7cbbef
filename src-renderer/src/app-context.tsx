import { createContext, useContext } from 'react';
import { useStore as useZustandStore } from 'zustand';
import type { CommandContext } from './commands/command';
import type { StoreState } from './store';

export const AppContext = createContext<CommandContext | undefined>(undefined);

export function useAppContext(): CommandContext {
  const context = useContext(AppContext);
  if (!context) throw new Error('AppContext is missing: render inside <AppContext.Provider>.');
  return context;
}

/** A narrow selector on the app's store; combine with `useShallow` for objects. */
export function useAppStore<T>(selector: (state: StoreState) => T): T {
  return useZustandStore(useAppContext().store, selector);
}
