import { bridgeGlobal, bridgeMethods, createTypedClient, type KindscopeBridge, type KindscopeClient } from '@contract';

/** The preload's bridge, when running in Kindscope's Electron window. */
export function findElectronBridge(): KindscopeBridge | undefined {
  const candidate = (globalThis as Record<string, unknown>)[bridgeGlobal];
  if (!candidate || typeof candidate !== 'object') return undefined;
  const bridge = candidate as Record<string, unknown>;
  return bridgeMethods.every((name) => typeof bridge[name] === 'function') ? (candidate as KindscopeBridge) : undefined;
}

export function createElectronClient(bridge: KindscopeBridge): KindscopeClient {
  return createTypedClient(bridge);
}
