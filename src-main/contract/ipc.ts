/** Electron IPC channel names: declared once, used by main and preload. */
export const ipcChannels = {
  invoke: 'kindscope:invoke',
  subscribe: 'kindscope:subscribe',
  unsubscribe: 'kindscope:unsubscribe',
  event: 'kindscope:event',
} as const;

/** The global the preload exposes in the renderer's main world. */
export const bridgeGlobal = 'kindscope';

/** The names the preload's bridge object carries, and nothing else. */
export const bridgeMethods = ['invoke', 'subscribe'] as const;
