import { contextBridge, ipcRenderer } from 'electron';
import { bridgeGlobal, ipcChannels } from '../contract/ipc';

/**
 * The whole preload: two named functions on `window.kindscope`, never `ipcRenderer`
 * itself. Subscriptions are counted per event so the main process holds one per id.
 */
const listeners = new Map<string, Set<(payload: unknown) => void>>();

ipcRenderer.on(ipcChannels.event, (_event, id: unknown, payload: unknown) => {
  if (typeof id !== 'string') return;
  for (const listener of listeners.get(id) ?? []) listener(payload);
});

contextBridge.exposeInMainWorld(bridgeGlobal, {
  invoke: (id: string, input: unknown): Promise<unknown> => ipcRenderer.invoke(ipcChannels.invoke, String(id), input),
  subscribe: (id: string, listener: (payload: unknown) => void): (() => void) => {
    const key = String(id);
    let set = listeners.get(key);
    if (!set) {
      set = new Set();
      listeners.set(key, set);
      ipcRenderer.send(ipcChannels.subscribe, key);
    }
    set.add(listener);
    return () => {
      const current = listeners.get(key);
      if (!current?.delete(listener) || current.size > 0) return;
      listeners.delete(key);
      ipcRenderer.send(ipcChannels.unsubscribe, key);
    };
  },
});
