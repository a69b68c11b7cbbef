import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { bridgeGlobal, bridgeMethods, ipcChannels } from '../contract/ipc';
import { parseCsp } from '../core/security/csp';
import {
  allowNavigation,
  allowPermission,
  appEntryUrl,
  isTrustedSender,
  mainWindowOptions,
  rendererCsp,
  windowOpenDecision,
} from './security';

const root = join(import.meta.dirname, '../..');

describe('main window options', () => {
  const prefs = mainWindowOptions('/app/preload.cjs').webPreferences ?? {};
  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['webviewTag', false],
    ['experimentalFeatures', false],
  ] as const)('%s is %s', (name, value) => {
    expect(prefs[name]).toBe(value);
  });

  it('loads only the given preload', () => {
    expect(prefs.preload).toBe('/app/preload.cjs');
  });
});

function expectStrictCsp(policy: string) {
  const csp = parseCsp(policy);
  const all = [...csp.values()].flat();
  expect(all).not.toContain("'unsafe-eval'");
  expect(all).not.toContain("'unsafe-inline'");
  expect(all).not.toContain('*');
  expect(csp.get('default-src')).toEqual(["'self'"]);
  expect(csp.get('script-src')).toEqual(["'self'"]);
  expect(csp.get('object-src')).toEqual(["'none'"]);
  expect(csp.get('base-uri')).toEqual(["'none'"]);
}

describe('content security policy', () => {
  it('the app protocol serves a strict CSP', () => expectStrictCsp(rendererCsp));

  it('index.html carries the same strict CSP in a meta tag', () => {
    const html = readFileSync(join(root, 'src-renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta).not.toBeNull();
    expectStrictCsp(meta![1]!);
  });
});

describe('navigation and new windows', () => {
  it('stays inside the app', () => {
    expect(allowNavigation(appEntryUrl)).toBe(true);
    expect(allowNavigation('kindscope://app/#/topology')).toBe(true);
    expect(allowNavigation('https://example.com/')).toBe(false);
    expect(allowNavigation('file:///etc/passwd')).toBe(false);
    expect(allowNavigation('kindscope://elsewhere/index.html')).toBe(false);
    expect(allowNavigation('not a url')).toBe(false);
  });

  it('allows the dev server only when it is the configured one', () => {
    expect(allowNavigation('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(allowNavigation('http://localhost:5173/')).toBe(false);
    expect(allowNavigation('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
  });

  it('denies every new window; only https links go to the browser', () => {
    expect(windowOpenDecision('https://docs.cilium.io/')).toEqual({ action: 'deny', openExternally: true });
    expect(windowOpenDecision('http://example.com/')).toEqual({ action: 'deny', openExternally: false });
    expect(windowOpenDecision('http://web.default.demo.kind.internal/')).toEqual({
      action: 'deny',
      openExternally: true,
    });
    expect(windowOpenDecision('http://kind.internal.example.com/')).toEqual({ action: 'deny', openExternally: false });
    expect(windowOpenDecision('file:///etc/passwd')).toEqual({ action: 'deny', openExternally: false });
    expect(windowOpenDecision('javascript:alert(1)')).toEqual({ action: 'deny', openExternally: false });
  });

  it('grants no permission', () => {
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal'])
      expect(allowPermission(permission)).toBe(false);
  });
});

describe('IPC sender check', () => {
  it('trusts only the app top-level frame', () => {
    expect(isTrustedSender({ url: appEntryUrl })).toBe(true);
    expect(isTrustedSender({ url: appEntryUrl, parent: {} })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/' })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
    expect(isTrustedSender(undefined)).toBe(false);
    expect(isTrustedSender({ url: 'http://localhost:5173/' }, 'http://localhost:5173')).toBe(true);
  });
});

describe('built preload', () => {
  const preloadFile = join(root, 'out/preload/index.cjs');
  const preloadSource = join(root, 'src-main/electron/preload.ts');

  beforeAll(() => {
    if (!existsSync(preloadFile) || statSync(preloadFile).mtimeMs < statSync(preloadSource).mtimeMs) {
      const build = spawnSync(
        process.execPath,
        [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
        { cwd: root, encoding: 'utf8' },
      );
      if (build.status !== 0) throw new Error(`electron-vite build failed: ${build.stderr}`);
    }
  });

  function loadPreload() {
    const exposed: { name: string; api: Record<string, unknown> }[] = [];
    const sent: unknown[][] = [];
    const invoked: unknown[][] = [];
    const handlers = new Map<string, (...args: unknown[]) => void>();
    const electron = {
      contextBridge: { exposeInMainWorld: (name: string, api: Record<string, unknown>) => exposed.push({ name, api }) },
      ipcRenderer: {
        invoke: (...args: unknown[]) => {
          invoked.push(args);
          return Promise.resolve({ ok: true, value: null });
        },
        send: (...args: unknown[]) => sent.push(args),
        on: (channel: string, handler: (...args: unknown[]) => void) => handlers.set(channel, handler),
      },
    };
    const required: string[] = [];
    const sandbox = {
      require: (name: string) => {
        required.push(name);
        if (name === 'electron') return electron;
        throw new Error(`a sandboxed preload cannot require ${name}`);
      },
      module: { exports: {} },
      exports: {},
      console,
    };
    runInContext(readFileSync(preloadFile, 'utf8'), createContext(sandbox), { filename: preloadFile });
    return { exposed, sent, invoked, handlers, required };
  }

  it('requires only electron and exposes exactly the named API', () => {
    const { exposed, required } = loadPreload();
    expect(required).toEqual(['electron']);
    expect(exposed).toHaveLength(1);
    expect(exposed[0]!.name).toBe(bridgeGlobal);
    expect(Object.keys(exposed[0]!.api).sort()).toEqual([...bridgeMethods].sort());
    for (const value of Object.values(exposed[0]!.api)) expect(typeof value).toBe('function');
  });

  it('invokes over the invoke channel and counts subscriptions per event', async () => {
    const { exposed, sent, invoked, handlers } = loadPreload();
    const api = exposed[0]!.api as {
      invoke: (id: string, input: unknown) => Promise<unknown>;
      subscribe: (id: string, l: (p: unknown) => void) => () => void;
    };
    await api.invoke('app:info', {});
    expect(invoked).toEqual([[ipcChannels.invoke, 'app:info', {}]]);

    const received: unknown[] = [];
    const stopA = api.subscribe('docker:engine-changed', (p) => received.push(['a', p]));
    const stopB = api.subscribe('docker:engine-changed', (p) => received.push(['b', p]));
    expect(sent).toEqual([[ipcChannels.subscribe, 'docker:engine-changed']]);
    handlers.get(ipcChannels.event)?.({}, 'docker:engine-changed', 1);
    handlers.get(ipcChannels.event)?.({}, 'other', 2);
    expect(received).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
    stopA();
    expect(sent).toHaveLength(1);
    stopB();
    expect(sent).toEqual([
      [ipcChannels.subscribe, 'docker:engine-changed'],
      [ipcChannels.unsubscribe, 'docker:engine-changed'],
    ]);
  });
});
