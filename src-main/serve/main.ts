#!/usr/bin/env node
// First: refuses an unsupported Node in one line. Everything else is imported after it.
import '../core/util/node-guard.mjs';
import { useCompileCache } from '../core/util/compile-cache';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

useCompileCache();

const { createApp } = await import('../app/compose');
const { appDataDir } = await import('../core/settings/app-paths');
const { createStderrLogger } = await import('../core/util/logger');
const { exposureWarning } = await import('./loopback');
const { chooseServeToken } = await import('./serve-token');
const { startServeServer } = await import('./serve-server');

const usage = `Usage: npm run serve -- [--port N] [--host ADDRESS] [--new-token]

Serves Kindscope's UI to a browser (for headless lab servers).
  --port N          Port to listen on (default 7420; 0 picks a free one)
  --host ADDRESS    Address to bind (default 127.0.0.1). Anything else exposes your
                    Docker engine to whoever gets the token: prefer an SSH tunnel.
  --new-token       Make a new access token (every open tab must use the new URL).
                    Otherwise the token is kept across restarts, in serve-token in
                    Kindscope's data folder (owner-only), so open tabs reconnect.
Environment: KINDSCOPE_TOKEN sets the token instead; KINDSCOPE_HOME the data folder.
`;

const log = createStderrLogger('serve');
let values: { port?: string; host?: string; help?: boolean; 'new-token'?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      'new-token': { type: 'boolean' },
    },
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
const warning = exposureWarning(host);
if (warning) log.warn(warning);

const dataDir = appDataDir();
const tokenChoice = chooseServeToken(dataDir, { rotate: values['new-token'] === true });
const app = createApp({ transport: 'serve', live: true, log, dataDir });
// The single-executable CLI (`kindscope serve`) unpacks its embedded renderer and says where.
const staticDir = process.env.KINDSCOPE_SERVE_STATIC_DIR ?? resolve(import.meta.dirname, '../renderer');
try {
  const server = await startServeServer({ router: app.router, staticDir, log, host, port, token: tokenChoice.token });
  const tokenNote = {
    KINDSCOPE_TOKEN: 'The token is KINDSCOPE_TOKEN.',
    kept: `The token is kept from the last run (${tokenChoice.file}); --new-token makes a new one.`,
    new: `A new token, kept in ${tokenChoice.file} for the next run.`,
  }[tokenChoice.source];
  process.stdout.write(
    `Kindscope is serving at ${server.url}\nOpen that URL in a browser (it carries the access token). ${tokenNote} Press Ctrl-C to stop.\n`,
  );
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
