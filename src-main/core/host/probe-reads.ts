import { request } from 'node:http';
import { connect } from 'node:net';
import type { HttpProbe } from '../../contract';
import { runTool } from '../tools/run-tool';
import { withDeadline } from '../util/timeout';

/**
 * The probe module's raw reads (core/host/probe.ts is the one door): HTTP, TCP and ICMP from
 * this machine to a node or a LoadBalancer IP.
 */

// ---------------------------------------------------------------------------------------------
// HTTP, TCP, ICMP
// ---------------------------------------------------------------------------------------------

/**
 * `curl http://IP:PORT/` from this machine: status, the first 200 characters, or the socket
 * error's code. A fresh connection per probe (`agent: false`): a kept-alive socket would
 * hide a takeover, since it still points at the old holder.
 */
export function probeHttp(ip: string, port: number, timeoutMs = 3_000): Promise<HttpProbe> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    const req = request({ host: ip, port, path: '/', agent: false, timeout: timeoutMs }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body = (body + chunk).slice(0, 200)));
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        resolve({ ok: status >= 200 && status < 300, status, body, ms: ms() });
      });
      response.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ ok: false, status: response.statusCode ?? 0, error: error.code ?? error.message, ms: ms() }),
      );
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ ok: false, error: error.code ?? error.message, ms: ms() }),
    );
    req.end();
  });
}

/** A TCP connect to IP:PORT (what proves a LoadBalancer IP reachable, since its VIP does not answer ICMP). */
export function probeTcp(
  ip: string,
  port: number,
  timeoutMs = 3_000,
): Promise<{ ok: boolean; ms: number; error?: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host: ip, port, timeout: timeoutMs });
    const done = (result: { ok: boolean; error?: string }) => {
      socket.destroy();
      resolve({ ...result, ms: Math.round(performance.now() - started) });
    };
    socket.once('connect', () => done({ ok: true }));
    socket.once('timeout', () => done({ ok: false, error: 'ETIMEDOUT' }));
    socket.once('error', (error: NodeJS.ErrnoException) => done({ ok: false, error: error.code ?? error.message }));
  });
}

export interface IcmpResult {
  sent: number;
  received: number;
  rttMs: number[];
  error?: string;
}

/** `ping -c COUNT -W 1 IP` through the run policy; parses iputils' and macOS's reply lines. */
export async function probeIcmp(ip: string, count = 3, intervalS?: number): Promise<IcmpResult> {
  try {
    // -n: no reverse lookups; -W: per-reply wait (s on Linux, ms on macOS — 1 and 1000 both mean a second);
    // -i: the gap between echoes (1 s by default). Linux (iputils) allows 0.2 s without privileges;
    // the BSD ping of macOS refuses less than a second to a user ("-i interval too short"), so it keeps its default.
    const wait = process.platform === 'darwin' ? '1000' : '1';
    const interval = intervalS !== undefined && process.platform === 'linux' ? ['-i', String(intervalS)] : [];
    const args = ['-n', '-c', String(count), ...interval, '-W', wait, ip];
    const result = await withDeadline((count + 3) * 1_000, undefined, (signal) =>
      runTool('ping', 'ping', args, { allowFailure: true, signal }),
    );
    return parsePing(result.stdout, count, result.exitCode === 0 ? undefined : result.stderr.trim() || undefined);
  } catch (error) {
    return { sent: count, received: 0, rttMs: [], error: (error as Error).message };
  }
}

export function parsePing(stdout: string, count: number, error?: string): IcmpResult {
  const rttMs = [...stdout.matchAll(/time[=<]([\d.]+) ?ms/g)].map((m) => Number(m[1]));
  const summary = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(stdout);
  return {
    sent: summary ? Number(summary[1]) : count,
    received: summary ? Number(summary[2]) : rttMs.length,
    rttMs,
    ...(error ? { error } : {}),
  };
}
