import type { KindscopeClient } from '@contract';
import { createElectronClient, findElectronBridge } from './electron-transport';
import { createWebSocketClient } from './websocket-transport';

/** Electron's preload bridge when present, else serve mode's WebSocket. */
export function createClient(): KindscopeClient {
  const bridge = findElectronBridge();
  return bridge ? createElectronClient(bridge) : createWebSocketClient(window.location);
}
