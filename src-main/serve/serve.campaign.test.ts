import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { callList, eventList, ServerMessage, serveTokenCookie } from '../contract';
import { createApp, type App } from '../app/compose';
import { hostileStrings, mutatedInput } from '../app/campaign/mutations';
import { loopbackOnlyFetch, refusalProblem } from '../app/campaign/campaign-guard';
import { enterSandbox } from '../app/campaign/sandbox';
import { createMemoryLogger } from '../core/util/logger';
import { requireDocker } from '../../e2e/lab/require-docker.ts';
import { startServeServer, type ServeServer } from './serve-server';

const seed = Number(process.env.KINDSCOPE_CAMPAIGN_SEED ?? 20261201);
const httpRuns = Number(process.env.KINDSCOPE_CAMPAIGN_RUNS_HTTP ?? 400);
const wsRuns = Number(process.env.KINDSCOPE_CAMPAIGN_RUNS_WS ?? 150);

let app: App;
let server: ServeServer;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const realFetch = globalThis.fetch;
const tally: Record<string, number> = {};
const count = (key: string) => (tally[key] = (tally[key] ?? 0) + 1);
let sandbox: ReturnType<typeof enterSandbox>;

beforeAll(async () => {
  requireDocker();
  sandbox = enterSandbox();
  globalThis.fetch = loopbackOnlyFetch(realFetch);
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  const staticDir = mkdtempSync(join(tmpdir(), 'kindscope-static-'));
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Kindscope</title>');
  writeFileSync(join(staticDir, 'assets/app.js'), 'export const x = 1;\n'.repeat(200));
  writeFileSync(join(staticDir, '..', 'secret.txt'), secret);
  app = createApp({
    transport: 'serve',
    live: false,
    dataDir: mkdtempSync(join(tmpdir(), 'kindscope-serve-campaign-')),
    log: createMemoryLogger(),
  });
  server = await startServeServer({ router: app.router, staticDir, log: createMemoryLogger(), port: 0 });
});

afterAll(async () => {
  await server?.close();
  await app?.dispose();
  sandbox?.leave();
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  globalThis.fetch = realFetch;
  process.stdout.write(
    `\nServe campaign (seed ${seed}): ${Object.entries(tally)
      .sort()
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}\n`,
  );
});

interface Answer {
  status: number;
  body: string;
}

/** Beside the renderer folder: no request may ever get it. */
const secret = `TOPSECRET-${process.pid}`;

function send(options: {
  method: string;
  path: string;
  headers: Record<string, string>;
}): Promise<Answer | 'refused-by-client' | 'reset'> {
  return new Promise((resolve, reject) => {
    let request;
    try {
      request = httpRequest(
        { host: '127.0.0.1', port: server.port, method: options.method, path: options.path, headers: options.headers },
        (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString('latin1')));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
    } catch {
      // node:http itself refuses some header values and paths: nothing reached the server.
      return resolve('refused-by-client');
    }
    // A request too big for the parser (431, 414) may be answered and cut before we read it.
    request.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' || error.code === 'EPIPE' ? resolve('reset') : reject(error),
    );
    request.end();
  });
}

/** Bytes that are not HTTP at all, or HTTP broken in the ways parsers have tripped over. */
function rawExchange(bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(server.port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.write(bytes);
    setTimeout(() => socket.end(), 50);
  });
}

async function appStillServes(): Promise<void> {
  const page = await send({
    method: 'GET',
    path: '/',
    headers: { host: `127.0.0.1:${server.port}`, cookie: `${serveTokenCookie}=${server.token}` },
  });
  expect(page).toMatchObject({ status: 200 });
}

/** encodeURIComponent, except that a lone surrogate (which it refuses) is sent as its raw UTF-8 bytes. */
function encodePath(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return [...Buffer.from(text)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
  }
}

const allowedStatus = new Set([200, 303, 400, 401, 403, 404, 405, 414, 421, 431]);

describe('serve campaign: HTTP', () => {
  it('answers generated requests with a known status and keeps serving', async () => {
    // Mostly the right Host and cookie, so the static files, traversal and compression paths run too.
    const host = () =>
      fc.oneof(
        { weight: 4, arbitrary: fc.constant(`127.0.0.1:${server.port}`) },
        fc.constantFrom(
          `localhost:${server.port}`,
          `evil.example:${server.port}`,
          '127.0.0.1',
          '',
          `[::1]:${server.port}`,
          'x'.repeat(5_000),
        ),
      );
    const path = fc.oneof(
      fc.constantFrom(
        '/',
        '/index.html',
        '/assets/app.js',
        '/topology',
        '/ws',
        '/../secret.txt',
        '/..%2fsecret.txt',
        '/assets/..%2f..%2fsecret.txt',
        '/%2e%2e/%2e%2e/etc/passwd',
        '/%',
        '/%zz',
        '/%00',
        '/a%00b.js',
        `/?token=${'x'.repeat(40)}`,
        '/?token=&token=',
        '//etc/passwd',
        '/\\..\\..\\x',
      ),
      fc.constantFrom(...hostileStrings()).map((s) => `/${encodePath(s)}`),
      fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => `/${encodePath(s)}`),
      fc.integer({ min: 8_000, max: 80_000 }).map((n) => `/${'a'.repeat(n)}`),
    );
    const cookie = () =>
      fc.oneof(
        { weight: 4, arbitrary: fc.constant(`${serveTokenCookie}=${server.token}`) },
        fc.constantFrom(
          `${serveTokenCookie}=wrong`,
          '',
          `${serveTokenCookie}=`,
          `;;;=;${serveTokenCookie}`,
          `${serveTokenCookie}=${'x'.repeat(4_000)}`,
          `a=1; ${serveTokenCookie}=${server.token}; b=2`,
        ),
      );
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE'),
          path,
          host: host(),
          cookie: cookie(),
          encoding: fc.constantFrom('br', 'gzip', 'br;q=0, gzip;q=0', '*', 'identity', 'bogus;q=x', ''),
        }),
        async ({ method, path, host, cookie, encoding }) => {
          const answer = await send({
            method,
            path,
            headers: { ...(host ? { host } : {}), ...(cookie ? { cookie } : {}), 'accept-encoding': encoding },
          });
          if (answer === 'refused-by-client') return void count('http:not-sendable');
          if (answer === 'reset') {
            // Allowed only for requests beyond the parser's limits (16 KiB of headers).
            if (path.length + host.length + cookie.length < 16_000)
              throw new Error(`${method} ${path.slice(0, 80)}: connection reset`);
            return void count('http:reset-oversized');
          }
          count(`http:${answer.status}`);
          if (answer.body.includes(secret))
            throw new Error(`${method} ${path.slice(0, 80)} served a file outside the renderer folder`);
          if (!allowedStatus.has(answer.status))
            throw new Error(`${method} ${path.slice(0, 80)} (Host ${host.slice(0, 40)}): status ${answer.status}`);
        },
      ),
      { seed, numRuns: httpRuns, endOnFailure: true },
    );
    for (const bytes of [
      'GET / HTTP/1.1\r\n\r\n',
      'GARBAGE\r\n\r\n',
      `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
      'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
      'GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n',
      '\x00\x01\x02\xff',
      `GET / HTTP/1.1\r\n${'X: y\r\n'.repeat(5_000)}\r\n`,
    ]) {
      count('http:raw');
      await rawExchange(bytes);
    }
    await appStillServes();
    expect(unhandled).toEqual([]);
  });
});

function openSocket(): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, {
      headers: { cookie: `${serveTokenCookie}=${server.token}`, origin: `http://127.0.0.1:${server.port}` },
      maxPayload: 64 * 1024 * 1024,
    });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

type Frame =
  | { kind: 'invoke'; seq: number; call: string; input: unknown }
  | { kind: 'text'; data: string }
  | { kind: 'binary'; data: string }
  | { kind: 'subscribe'; event: string }
  | { kind: 'unsubscribe'; event: string };

function frame(): fc.Arbitrary<Frame> {
  const invoke = fc
    .constantFrom(...callList)
    .chain((call) =>
      fc
        .tuple(fc.nat(1_000_000), mutatedInput(call.input))
        .map(([seq, { input }]): Frame => ({ kind: 'invoke', seq, call: call.id, input })),
    );
  return fc.oneof(
    { weight: 4, arbitrary: invoke },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.nat(), fc.constantFrom('nosuch:call', '', '__proto__', ...hostileStrings()))
        .map(([seq, call]): Frame => ({ kind: 'invoke', seq, call, input: {} })),
    },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.constantFrom(
            'not json',
            '{',
            '[]',
            'null',
            '{"type":"invoke"}',
            '{"type":"invoke","seq":-1,"call":"app:info"}',
            '{"type":"subscribe"}',
            '{"type":"nope"}',
            '"x"',
            '1e999',
          ),
          fc.json(),
        )
        .map((data): Frame => ({ kind: 'text', data })),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 64 }).map((data): Frame => ({ kind: 'binary', data })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.boolean(), fc.constantFrom(...eventList.map((e) => e.id), 'nosuch:event', ...hostileStrings()))
        .map(([on, event]): Frame => (on ? { kind: 'subscribe', event } : { kind: 'unsubscribe', event })),
    },
  );
}

function collect(ws: WebSocket): Map<number, unknown> {
  const results = new Map<number, unknown>();
  ws.on('message', (data) => {
    const parsed = ServerMessage.safeParse(JSON.parse(data.toString()));
    if (!parsed.success)
      throw new Error(`the server sent a message outside its contract: ${data.toString().slice(0, 200)}`);
    if (parsed.data.type === 'result') results.set(parsed.data.seq, parsed.data.result);
  });
  return results;
}

describe('serve campaign: WebSocket', () => {
  it('answers every well-formed invoke with a result or a structured error, ignores the rest, and stays open', async () => {
    const ws = await openSocket();
    const results = collect(ws);
    let nextSeq = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(frame(), { minLength: 1, maxLength: 8 }), async (frames) => {
        const expected: number[] = [];
        for (const f of frames) {
          count(`ws:${f.kind}`);
          if (f.kind === 'invoke') {
            const seq = nextSeq++;
            const text = JSON.stringify({ type: 'invoke', seq, call: f.call, input: f.input });
            // Frames over the 1 MiB limit close the socket: that case has its own test below.
            if (text.length > 1024 * 1024) {
              count('ws:invoke-over-limit-skipped');
              continue;
            }
            expected.push(seq);
            ws.send(text);
          } else if (f.kind === 'subscribe' || f.kind === 'unsubscribe')
            ws.send(JSON.stringify({ type: f.kind, event: f.event }));
          else if (f.kind === 'binary') ws.send(Buffer.from(f.data));
          else ws.send(f.data);
        }
        const deadline = Date.now() + 30_000;
        while (!expected.every((seq) => results.has(seq)) && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 20));
        const missing = expected.filter((seq) => !results.has(seq));
        if (missing.length > 0)
          throw new Error(
            `no answer to ${missing.length} of ${expected.length} invokes (socket ${ws.readyState === WebSocket.OPEN ? 'open' : 'closed'}; unhandled: ${String(unhandled[0])}): ${JSON.stringify(frames).slice(0, 600)}`,
          );
        for (const seq of expected) {
          const result = results.get(seq) as { ok: boolean; error?: Parameters<typeof refusalProblem>[0] };
          if (!result.ok) {
            const problem = refusalProblem(result.error);
            if (problem && !(result.error?.code === 'UNKNOWN_CALL')) throw new Error(`seq ${seq}: ${problem}`);
          }
        }
        expect(ws.readyState).toBe(WebSocket.OPEN);
      }),
      { seed, numRuns: wsRuns, endOnFailure: true },
    );
    ws.close();
    expect(unhandled).toEqual([]);
  });

  it('an oversized frame closes that socket (1009) and nothing else', async () => {
    const ws = await openSocket();
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    ws.send('x'.repeat(2 * 1024 * 1024));
    count('ws:oversized');
    expect(await closed).toBe(1009);
    await appStillServes();
    const other = await openSocket();
    const results = collect(other);
    other.send(JSON.stringify({ type: 'invoke', seq: 1, call: 'app:info', input: {} }));
    await expect.poll(() => results.get(1), { timeout: 10_000 }).toMatchObject({ ok: true });
    other.close();
    expect(unhandled).toEqual([]);
  });

  it('a flood of 3000 frames is bounded: calls beyond the limit are refused at once, and the socket keeps answering', async () => {
    const ws = await openSocket();
    const results = collect(ws);
    for (let seq = 0; seq < 3_000; seq++)
      ws.send(seq % 3 === 0 ? 'not json' : JSON.stringify({ type: 'invoke', seq, call: 'tools:report', input: {} }));
    count('ws:flood-frames');
    const invoked = Array.from({ length: 3_000 }, (_, seq) => seq).filter((seq) => seq % 3 !== 0);
    await expect.poll(() => invoked.every((seq) => results.has(seq)), { timeout: 60_000 }).toBe(true);
    const refused = invoked.filter(
      (seq) => (results.get(seq) as { ok: boolean; error?: { code: string } }).error?.code === 'TRANSPORT',
    );
    tally['ws:flood-refused'] = refused.length;
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length).toBeLessThan(invoked.length);
    ws.send(JSON.stringify({ type: 'invoke', seq: 99_999, call: 'app:info', input: {} }));
    await expect.poll(() => results.get(99_999), { timeout: 30_000 }).toMatchObject({ ok: true });
    ws.close();
    expect(unhandled).toEqual([]);
  });
});
