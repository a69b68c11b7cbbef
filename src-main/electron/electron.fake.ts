/**
 * A fake `electron` module for testing the built main bundle's wiring (`main-wiring.test.ts`):
 * it records what main registers (listeners, handlers, window options), then drives each
 * hardening hook as Electron would and writes what happened to KINDSCOPE_WIRING_REPORT.
 * Loaded in place of electron by `electron.fake-hooks.ts`; plain erasable TypeScript so Node
 * runs it without a build.
 */
import { writeFileSync } from 'node:fs';

type Listener = (...args: unknown[]) => unknown;

class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(name: string, listener: Listener): this {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
    return this;
  }
  once(name: string, listener: Listener): this {
    return this.on(name, listener);
  }
  emit(name: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(name) ?? []) listener(...args);
  }
}

const record = {
  enableSandbox: false,
  privilegedSchemes: [] as unknown[],
  windows: [] as { options: unknown; loaded: string[] }[],
  openedExternally: [] as string[],
  protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
  permissionRequestHandler: undefined as
    undefined | ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void),
  permissionCheckHandler: undefined as undefined | ((contents: unknown, permission: string) => boolean),
  ipcHandlers: new Map<string, Listener>(),
};

class FakeApp extends Emitter {
  enableSandbox(): void {
    record.enableSandbox = true;
  }
  whenReady(): Promise<void> {
    setTimeout(() => void probe(), 50);
    return Promise.resolve();
  }
  quit(): void {}
}

export const app = new FakeApp();
export const ipcMain = Object.assign(new Emitter(), {
  handle(channel: string, handler: Listener) {
    record.ipcHandlers.set(channel, handler);
  },
  removeHandler(channel: string) {
    record.ipcHandlers.delete(channel);
  },
  removeAllListeners(channel: string) {
    ipcMain.listeners.delete(channel);
  },
});
export const protocol = {
  registerSchemesAsPrivileged(schemes: unknown[]) {
    record.privilegedSchemes.push(...schemes);
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response>) {
    record.protocolHandlers.set(scheme, handler);
  },
};
export const session = {
  defaultSession: {
    setPermissionRequestHandler(handler: typeof record.permissionRequestHandler) {
      record.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: typeof record.permissionCheckHandler) {
      record.permissionCheckHandler = handler;
    },
  },
};
export const shell = {
  openExternal(url: string): Promise<void> {
    record.openedExternally.push(url);
    return Promise.resolve();
  },
};
export class BrowserWindow extends Emitter {
  private readonly entry: { options: unknown; loaded: string[] };
  constructor(options: unknown) {
    super();
    this.entry = { options, loaded: [] };
    record.windows.push(this.entry);
  }
  loadURL(url: string): Promise<void> {
    this.entry.loaded.push(url);
    return Promise.resolve();
  }
  show(): void {}
}
/** The close-during-a-run question: answered "keep the window" unless a test says otherwise. */
export const dialog = {
  showMessageBox: async () => ({ response: 0 }),
};

export default { app, ipcMain, protocol, session, shell, BrowserWindow, dialog };

const appUrl = 'kindscope://app/index.html';

/** A WebContents as `web-contents-created` hands it over; records the window-open handler. */
function fakeContents() {
  const contents = Object.assign(new Emitter(), {
    windowOpenHandler: undefined as undefined | ((details: { url: string }) => { action: string }),
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      contents.windowOpenHandler = handler;
    },
  });
  return contents;
}

function prevented(contents: Emitter, name: string, ...args: unknown[]): boolean | undefined {
  if (!contents.listeners.has(name)) return undefined;
  let value = false;
  contents.emit(name, { preventDefault: () => (value = true) }, ...args);
  return value;
}

function fakeSender() {
  const sender = Object.assign(new Emitter(), {
    sent: [] as unknown[],
    isDestroyed: () => false,
    send: (...args: unknown[]) => sender.sent.push(args),
  });
  return sender;
}

async function probeIpc() {
  const invoke = record.ipcHandlers.get('kindscope:invoke');
  const untrustedInvoke = invoke
    ? await invoke({ senderFrame: { url: 'https://evil.example/invoke' }, sender: fakeSender() }, 'app:info', {})
    : undefined;
  const subFrameInvoke = invoke
    ? await invoke({ senderFrame: { url: appUrl, parent: {} }, sender: fakeSender() }, 'app:info', {})
    : undefined;
  const trustedInvoke = invoke
    ? await invoke({ senderFrame: { url: appUrl }, sender: fakeSender() }, 'app:info', {})
    : undefined;
  // A subscription registers a `destroyed` listener on its sender; a refused one does not.
  const untrustedSender = fakeSender();
  ipcMain.emit(
    'kindscope:subscribe',
    { senderFrame: { url: 'https://evil.example/subscribe' }, sender: untrustedSender },
    'docker:engine-changed',
  );
  const trustedSender = fakeSender();
  ipcMain.emit('kindscope:subscribe', { senderFrame: { url: appUrl }, sender: trustedSender }, 'docker:engine-changed');
  ipcMain.emit(
    'kindscope:unsubscribe',
    { senderFrame: { url: 'https://evil.example/unsubscribe' }, sender: trustedSender },
    'docker:engine-changed',
  );
  return {
    channels: [...record.ipcHandlers.keys(), ...ipcMain.listeners.keys()],
    untrustedInvoke,
    subFrameInvoke,
    trustedInvoke,
    untrustedSubscribeRegistered: untrustedSender.listeners.has('destroyed'),
    trustedSubscribeRegistered: trustedSender.listeners.has('destroyed'),
  };
}

async function probeProtocol() {
  const handler = record.protocolHandlers.get('kindscope');
  if (!handler) return undefined;
  const index = await handler(new Request('kindscope://app/index.html'));
  const outside = await handler(new Request('kindscope://app/..%2F..%2Fmain%2Findex.js'));
  const otherHost = await handler(new Request('kindscope://elsewhere/index.html'));
  return {
    index: { status: index.status, csp: index.headers.get('content-security-policy') },
    outside: outside.status,
    otherHost: otherHost.status,
  };
}

async function probe(): Promise<void> {
  const contents = fakeContents();
  app.emit('web-contents-created', {}, contents);
  let granted: boolean | undefined;
  record.permissionRequestHandler?.(contents, 'media', (value) => (granted = value));
  const report = {
    enableSandbox: record.enableSandbox,
    privilegedSchemes: record.privilegedSchemes,
    windows: record.windows,
    navigation: {
      foreignPrevented: prevented(contents, 'will-navigate', 'https://evil.example/'),
      appPrevented: prevented(contents, 'will-navigate', appUrl),
      redirectPrevented: prevented(contents, 'will-redirect', 'https://evil.example/'),
      webviewPrevented: prevented(contents, 'will-attach-webview', {}, {}),
      windowOpenHttps: contents.windowOpenHandler?.({ url: 'https://docs.cilium.io/' }),
      windowOpenFile: contents.windowOpenHandler?.({ url: 'file:///etc/passwd' }),
      openedExternally: record.openedExternally,
    },
    permissions: {
      requestGranted: granted,
      checkGranted: record.permissionCheckHandler?.(contents, 'notifications'),
    },
    ipc: await probeIpc(),
    protocol: await probeProtocol(),
  };
  writeFileSync(process.env.KINDSCOPE_WIRING_REPORT!, JSON.stringify(report, null, 2));
  process.exit(0);
}
