import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { serveTokenCookie, type DockerEngineStatus, type ServerMessage } from '../contract';
import { parseCsp } from '../core/security/csp';
import { toDisposable } from '../core/util/emitter';
import { createMemoryLogger } from '../core/util/logger';
import { createRouter, type EventSources } from '../app/router';
import { fakeEventSources, fakeHandlers } from '../app/router.fake';
import { hostAllowed, startServeServer, type ServeServer } from './serve-server';

let server: ServeServer;
let emitEngine: (status: DockerEngineStatus) => void;
const engine: DockerEngineStatus = {
  state: 'live',
  endpoint: { host: 'unix:///x.sock', source: 'default', tls: false },
  updatedAt: new Date(0).toISOString(),
};

beforeEach(async () => {
  const staticDir = mkdtempSync(join(tmpdir(), 'kindscope-static-'));
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Kindscope test</title>');
  writeFileSync(join(staticDir, 'assets/app.js'), 'console.log(1)');
  writeFileSync(join(staticDir, '..', 'secret.txt'), 'secret');
  const listeners = new Set<(status: DockerEngineStatus) => void>();
  emitEngine = (status) => listeners.forEach((listener) => listener(status));
  const sources: EventSources = fakeEventSources({
    dockerEngineChanged: (listener) => {
      listeners.add(listener);
      return toDisposable(() => listeners.delete(listener));
    },
  });
  const router = createRouter(
    fakeHandlers({
      appInfo: async () => ({ name: 'Kindscope', version: '9.9.9', transport: 'serve' }),
      dockerEngine: async () => engine,
      topologyClusters: async () => ({ clusters: [] }),
    }),
    sources,
    createMemoryLogger(),
  );
  server = await startServeServer({ router, staticDir, log: createMemoryLogger(), port: 0 });
});

afterEach(async () => {
  await server.close();
});

const base = () => `http://127.0.0.1:${server.port}`;

describe('serve mode HTTP', () => {
  it('binds loopback by default and prints a URL with a long random token', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`${base()}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('answers 401 without the token, and with a wrong one', async () => {
    expect((await fetch(`${base()}/`)).status).toBe(401);
    expect((await fetch(`${base()}/assets/app.js`)).status).toBe(401);
    expect((await fetch(`${base()}/?token=wrong`)).status).toBe(401);
    expect((await fetch(`${base()}/`, { headers: { cookie: `${serveTokenCookie}=wrong` } })).status).toBe(401);
  });

  it('trades the URL token for an HttpOnly SameSite=Strict cookie and strips it from the address', async () => {
    const response = await fetch(server.url, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/');
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`${serveTokenCookie}=${server.token}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await fetch(`${base()}/`, { headers: { cookie: `${serveTokenCookie}=${server.token}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Kindscope test');
    const csp = parseCsp(page.headers.get('content-security-policy') ?? '');
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses a Host that is not this server (DNS rebinding)', async () => {
    // fetch() may not set Host; node:http sends what a rebinding browser would.
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpGet(
        {
          host: '127.0.0.1',
          port: server.port,
          path: `/?token=${server.token}`,
          headers: { host: `evil.example:${server.port}` },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
    });
    expect(status).toBe(421);
  });

  it('does not serve files outside the renderer folder', async () => {
    const cookie = { cookie: `${serveTokenCookie}=${server.token}` };
    const response = await fetch(`${base()}/..%2Fsecret.txt`, { headers: cookie });
    expect([403, 404]).toContain(response.status);
    expect(await response.text()).not.toContain('secret');
    expect((await fetch(`${base()}/assets/missing.js`, { headers: cookie })).status).toBe(404);
    expect((await fetch(`${base()}/topology`, { headers: cookie })).status).toBe(200);
  });
});

function openSocket(options: { token?: string; origin?: string; host?: string } = {}) {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.cookie = `${serveTokenCookie}=${options.token}`;
  if (options.origin !== undefined) headers.origin = options.origin;
  if (options.host !== undefined) headers.host = options.host;
  return new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { headers });
}

function upgradeStatus(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => {
    ws.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    ws.on('open', () => resolve(101));
    ws.on('error', () => undefined);
  });
}

function nextMessage(ws: WebSocket, predicate: (message: ServerMessage) => boolean): Promise<ServerMessage> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (predicate(message)) {
        ws.off('message', onMessage);
        resolve(message);
      }
    };
    ws.on('message', onMessage);
  });
}

describe('serve mode WebSocket', () => {
  it('refuses a socket without the token (401) and from a foreign Origin (403)', async () => {
    await expect(upgradeStatus(openSocket())).resolves.toBe(401);
    await expect(upgradeStatus(openSocket({ token: server.token, origin: 'http://evil.example' }))).resolves.toBe(403);
    await expect(
      upgradeStatus(openSocket({ token: server.token, host: 'evil.example', origin: 'http://evil.example' })),
    ).resolves.toBe(421);
  });

  it('answers calls and pushes events to a same-origin socket with the token', async () => {
    const ws = openSocket({ token: server.token, origin: `http://127.0.0.1:${server.port}` });
    await expect(upgradeStatus(ws)).resolves.toBe(101);

    const answer = nextMessage(ws, (m) => m.type === 'result' && m.seq === 7);
    ws.send(JSON.stringify({ type: 'invoke', seq: 7, call: 'app:info', input: {} }));
    expect(await answer).toEqual({
      type: 'result',
      seq: 7,
      result: { ok: true, value: { name: 'Kindscope', version: '9.9.9', transport: 'serve' } },
    });

    const rejected = nextMessage(ws, (m) => m.type === 'result' && m.seq === 8);
    ws.send(JSON.stringify({ type: 'invoke', seq: 8, call: 'docker:engine', input: { refresh: 'no' } }));
    expect(await rejected).toMatchObject({ result: { ok: false, error: { code: 'INVALID_INPUT' } } });

    // A malformed frame is ignored; the socket lives on.
    ws.send('not json');
    ws.send(JSON.stringify({ type: 'subscribe', event: 'docker:engine-changed' }));
    const pushed = nextMessage(ws, (m) => m.type === 'event');
    // Subscriptions are processed in order: a round trip makes sure ours is registered.
    const ping = nextMessage(ws, (m) => m.type === 'result' && m.seq === 9);
    ws.send(JSON.stringify({ type: 'invoke', seq: 9, call: 'app:info', input: {} }));
    await ping;
    emitEngine({ ...engine, state: 'offline', problem: { message: 'gone', hint: 'start it' } });
    expect(await pushed).toMatchObject({
      type: 'event',
      event: 'docker:engine-changed',
      payload: { state: 'offline' },
    });
    ws.close();
  });
});

describe('hostAllowed', () => {
  it('accepts loopback names with our port only', () => {
    expect(hostAllowed('127.0.0.1:7420', '127.0.0.1', 7420)).toBe(true);
    expect(hostAllowed('localhost:7420', '127.0.0.1', 7420)).toBe(true);
    expect(hostAllowed('[::1]:7420', '::1', 7420)).toBe(true);
    expect(hostAllowed('127.0.0.1:7421', '127.0.0.1', 7420)).toBe(false);
    expect(hostAllowed('rebind.evil.example:7420', '127.0.0.1', 7420)).toBe(false);
    expect(hostAllowed(undefined, '127.0.0.1', 7420)).toBe(false);
    expect(hostAllowed('lab-server.lan:7420', '0.0.0.0', 7420)).toBe(true);
  });
});
