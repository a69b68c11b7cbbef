import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { ipcChannels, toAppError, type Result } from '../contract';
import type { Router } from '../app/router';
import type { Logger } from '../core/util/logger';
import { isTrustedSender } from './security';

/**
 * Electron's transport over the handler table. Every message's sender frame is checked
 * before anything runs; subscriptions are per WebContents and dropped when it goes.
 */
export function registerIpc(router: Router, log: Logger, devServerUrl?: string): () => void {
  const subscriptions = new Map<WebContents, Map<string, () => void>>();
  const trusted = (event: IpcMainEvent | IpcMainInvokeEvent) => {
    const ok = isTrustedSender(event.senderFrame, devServerUrl);
    if (!ok) log.warn(`Refused IPC from ${event.senderFrame?.url ?? 'a destroyed frame'}`);
    return ok;
  };

  ipcMain.handle(ipcChannels.invoke, async (event, id: unknown, input: unknown): Promise<Result<unknown>> => {
    if (!trusted(event)) {
      return {
        ok: false,
        error: {
          code: 'TRANSPORT',
          message: 'Refused a call from an untrusted frame',
          hint: 'Only Kindscope’s own window may call it.',
        },
      };
    }
    return router.invoke(String(id), input);
  });

  ipcMain.on(ipcChannels.subscribe, (event, id: unknown) => {
    if (!trusted(event) || typeof id !== 'string') return;
    const sender = event.sender;
    let perSender = subscriptions.get(sender);
    if (!perSender) {
      perSender = new Map();
      subscriptions.set(sender, perSender);
      sender.once('destroyed', () => {
        for (const unsubscribe of subscriptions.get(sender)?.values() ?? []) unsubscribe();
        subscriptions.delete(sender);
      });
    }
    if (perSender.has(id)) return;
    try {
      perSender.set(
        id,
        router.subscribe(id, (payload) => {
          if (!sender.isDestroyed()) sender.send(ipcChannels.event, id, payload);
        }),
      );
    } catch (error) {
      log.warn(`Refused a subscription: ${toAppError(error).message}`);
    }
  });

  ipcMain.on(ipcChannels.unsubscribe, (event, id: unknown) => {
    if (!trusted(event) || typeof id !== 'string') return;
    subscriptions.get(event.sender)?.get(id)?.();
    subscriptions.get(event.sender)?.delete(id);
  });

  return () => {
    ipcMain.removeHandler(ipcChannels.invoke);
    ipcMain.removeAllListeners(ipcChannels.subscribe);
    ipcMain.removeAllListeners(ipcChannels.unsubscribe);
    for (const perSender of subscriptions.values()) for (const unsubscribe of perSender.values()) unsubscribe();
    subscriptions.clear();
  };
}
