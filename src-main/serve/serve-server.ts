import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ClientMessage,
  describeZodError,
  serveTokenCookie,
  serveWsPath,
  toAppError,
  type ServerMessage,
} from '../contract';
import type { Router } from '../app/router';
import type { Logger } from '../core/util/logger';
import { contentSecurityPolicy } from '../core/security/csp';
import { hostAllowed } from './loopback';
import { misdirectedPage, pagesCsp, unauthorizedPage } from './serve-pages';
import { isFile, StaticFiles } from './static-files';

export { hostAllowed } from './loopback';

export interface ServeOptions {
  router: Router;
  /** Folder of the built renderer (index.html and assets). */
  staticDir: string;
  log: Logger;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Random when absent. */
  token?: string;
}

export interface ServeServer {
  /** The URL to open, carrying the token. */
  url: string;
  host: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const maxMessageBytes = 1024 * 1024; // 1 MiB
/** Calls one tab may have running at once; a flood beyond it is answered at once, not queued. */
const maxInFlight = 64;

/**
 * Serve mode: the built renderer over HTTP and the handler table over a WebSocket, for
 * headless lab servers. Loopback by default; every request needs the token (from the
 * printed URL, then an HttpOnly SameSite=Strict cookie); the WebSocket also needs a
 * same-origin `Origin`, and `Host` must name this server (no DNS rebinding).
 */
export async function startServeServer(options: ServeOptions): Promise<ServeServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const staticRoot = resolve(options.staticDir);
  const { log, router } = options;
  let port = options.port ?? 0;

  const isAuthorized = (request: IncomingMessage, url: URL) =>
    tokenMatches(url.searchParams.get('token'), token) || tokenMatches(readCookie(request, serveTokenCookie), token);

  const files = new StaticFiles(staticRoot, (type) => ({
    // The page's own origin ('self') covers its WebSocket; the names are for older engines.
    'Content-Security-Policy': contentSecurityPolicy({
      connectSrc: [...new Set([`ws://${urlHostOf(host)}:${port}`, `ws://127.0.0.1:${port}`, `ws://localhost:${port}`])],
    }),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cache-Control': type.startsWith('text/html') ? 'no-store' : 'max-age=3600',
  }));

  const server = createServer((request, response) => {
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://placeholder');
    } catch {
      return plain(response, 400, 'Bad request URL');
    }
    if (!hostAllowed(request.headers.host, host, port)) return html(response, 421, misdirectedPage());
    if (!isAuthorized(request, url)) return html(response, 401, unauthorizedPage());
    if (url.searchParams.has('token')) {
      // Trade the token in the URL for a cookie, and take it out of the address bar.
      url.searchParams.delete('token');
      response.writeHead(303, {
        'Set-Cookie': `${serveTokenCookie}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: `${url.pathname}${url.search}`,
        'Cache-Control': 'no-store',
      });
      return response.end();
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(response, 405, 'Only GET is served here.');
    serveStatic(request, response, files, url.pathname).catch((error: unknown) => {
      log.warn('Serving a file failed', error);
      if (!response.headersSent) plain(response, 500, 'Could not read that file');
      else response.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://placeholder');
    } catch {
      return rejectUpgrade(socket, 400, 'Bad Request');
    }
    if (url.pathname !== serveWsPath) return rejectUpgrade(socket, 404, 'Not Found');
    if (!hostAllowed(request.headers.host, host, port)) return rejectUpgrade(socket, 421, 'Misdirected Request');
    if (!isAuthorized(request, url)) return rejectUpgrade(socket, 401, 'Unauthorized');
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${request.headers.host}`)
      return rejectUpgrade(socket, 403, 'Forbidden');
    wss.handleUpgrade(request, socket, head, (ws) => attachSocket(ws, router, log));
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(port, host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${urlHostOf(host)}:${port}/?token=${token}`,
    host,
    port,
    token,
    close: () =>
      new Promise<void>((resolveClose) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

function attachSocket(ws: WebSocket, router: Router, log: Logger): void {
  const subscriptions = new Map<string, () => void>();
  let inFlight = 0;
  // Without a listener, one oversized or malformed frame (ws emits 'error', then closes
  // with 1009/1002) was an uncaught exception that ended the whole server (found by the
  // serve campaign). The socket closes; the server stays.
  ws.on('error', (error) => log.warn(`Closed a WebSocket: ${error.message}`));
  const send = (message: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  ws.on('message', (data, isBinary) => {
    if (isBinary) return log.warn('Ignored a binary WebSocket message');
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      return log.warn('Ignored a WebSocket message that is not JSON');
    }
    const parsed = ClientMessage.safeParse(json);
    if (!parsed.success) {
      // A call that can be answered is answered (its caller would wait for ever otherwise):
      // e.g. an invoke without `input`, which zod 4 does not treat as optional.
      const seq = invokeSeq(json);
      if (seq !== undefined)
        send({
          type: 'result',
          seq,
          result: {
            ok: false,
            error: {
              code: 'INVALID_INPUT',
              message: `Malformed call: ${describeZodError(parsed.error, 'message')}`,
              hint: 'Send {type: "invoke", seq, call, input}.',
            },
          },
        });
      return log.warn('Ignored a malformed WebSocket message', parsed.error.issues[0]);
    }
    const message = parsed.data;
    switch (message.type) {
      case 'invoke':
        if (inFlight >= maxInFlight) {
          send({
            type: 'result',
            seq: message.seq,
            result: {
              ok: false,
              error: {
                code: 'TRANSPORT',
                message: `Too many calls at once on this connection (${maxInFlight} are running)`,
                hint: 'Wait for the answers before sending more; reload the page if this persists.',
              },
            },
          });
          break;
        }
        inFlight += 1;
        void router
          .invoke(message.call, message.input)
          .then((result) => send({ type: 'result', seq: message.seq, result }))
          .finally(() => (inFlight -= 1));
        break;
      case 'subscribe':
        if (subscriptions.has(message.event)) return;
        try {
          subscriptions.set(
            message.event,
            router.subscribe(message.event, (payload) => send({ type: 'event', event: message.event, payload })),
          );
        } catch (error) {
          log.warn(`Refused a subscription: ${toAppError(error).message}`);
        }
        break;
      case 'unsubscribe':
        subscriptions.get(message.event)?.();
        subscriptions.delete(message.event);
        break;
    }
  });
  ws.on('close', () => {
    for (const unsubscribe of subscriptions.values()) unsubscribe();
    subscriptions.clear();
  });
}

async function serveStatic(
  request: IncomingMessage,
  response: ServerResponse,
  files: StaticFiles,
  pathname: string,
): Promise<void> {
  let file = files.resolve(pathname);
  if (!file) return plain(response, 403, 'Forbidden');
  if (!(await isFile(file))) {
    // Client-side routes fall back to the app; missing assets stay 404.
    if (extname(file)) return plain(response, 404, 'Not found');
    file = files.resolve('/index.html')!;
    if (!(await isFile(file))) return plain(response, 500, 'The renderer is not built: run `npm run build` first.');
  }
  await files.send(request, response, file);
}

/** The seq of a frame that claims to be an invoke, if it carries a usable one. */
function invokeSeq(json: unknown): number | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const { type, seq } = json as { type?: unknown; seq?: unknown };
  return type === 'invoke' && typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 0 ? seq : undefined;
}

function urlHostOf(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function html(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': pagesCsp,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
  });
  response.end(body);
}

function plain(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  response.end(`${text}\n`);
}

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

function tokenMatches(candidate: string | null | undefined, token: string): boolean {
  if (!candidate) return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readCookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
