#!/usr/bin/env node
// First: refuses an unsupported Node in one line. Everything else is imported after it.
import '../core/util/node-guard.mjs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { createApp } = await import('../app/compose');
const { createStderrLogger } = await import('../core/util/logger');
const { startServeServer } = await import('./serve-server');

const usage = `Usage: npm run serve -- [--port N] [--host ADDRESS]

Serves Kindscope's UI to a browser (for headless lab servers).
  --port N          Port to listen on (default 7420; 0 picks a free one)
  --host ADDRESS    Address to bind (default 127.0.0.1). Anything else exposes your
                    Docker engine to whoever gets the token: prefer an SSH tunnel.
Environment: KINDSCOPE_TOKEN sets the token instead of a random one.
`;

const log = createStderrLogger('serve');
let values: { port?: string; host?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: { port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  }));
} catch (error) {
  process.stderr.write(`kindscope serve: ${(error as Error).message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(usage);
  process.exit(0);
}
const port = Number(values.port ?? 7420);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`kindscope serve: --port must be a number from 0 to 65535, not "${values.port}"\n`);
  process.exit(2);
}
const host = values.host ?? '127.0.0.1';
// The whole 127.0.0.0/8 range and ::1 stay on this machine; anything else does not.
if (!(host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host))) {
  log.warn(`Binding ${host}: Kindscope can be reached from other machines. Anyone with the token controls your Docker engine and clusters. Prefer --host 127.0.0.1 with an SSH tunnel.`);
}

const app = createApp({ transport: 'serve', live: true, log });
// The single-executable CLI (`kindscope serve`) unpacks its embedded renderer and says where.
const staticDir = process.env.KINDSCOPE_SERVE_STATIC_DIR ?? resolve(import.meta.dirname, '../renderer');
try {
  const server = await startServeServer({ router: app.router, staticDir, log, host, port, ...(process.env.KINDSCOPE_TOKEN ? { token: process.env.KINDSCOPE_TOKEN } : {}) });
  process.stdout.write(`Kindscope is serving at ${server.url}\nOpen that URL in a browser (it carries the access token). Press Ctrl-C to stop.\n`);
  const stop = () => {
    void server
      .close()
      .then(() => app.dispose())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (error) {
  const code = (error as { code?: string }).code;
  process.stderr.write(
    code === 'EADDRINUSE'
      ? `kindscope serve: port ${port} is in use.\n  hint: choose another with --port N (0 picks a free one).\n`
      : `kindscope serve: cannot listen on ${host}:${port}: ${(error as Error).message}\n`,
  );
  await app.dispose();
  process.exit(1);
}
