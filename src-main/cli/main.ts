#!/usr/bin/env node
// First: refuses an unsupported Node in one line. Everything else is imported after it.
import '../core/util/node-guard.mjs';
import { useCompileCache } from '../core/util/compile-cache';

useCompileCache();

const { runCli } = await import('./run-cli');
const { ExitCode } = await import('./output');

/**
 * Ctrl-C (or SIGTERM) aborts the running command and waits while the app disposes, so the
 * helper container a topology read started is removed before the process ends. A second
 * Ctrl-C quits at once (a new run removes what is left: helpers carry their owner's PID).
 */
const controller = new AbortController();
const interrupt = () => {
  if (controller.signal.aborted) process.exit(ExitCode.interrupted);
  process.stderr.write('\nkindscope: interrupted; cleaning up (Ctrl-C again to quit at once)\n');
  controller.abort();
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

const code = await runCli(
  process.argv.slice(2),
  {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  },
  {},
  controller.signal,
);
// Exit even when a socket is still open (a list to a hung API server): a one-shot command
// has answered, and `--watch` ends only here, on Ctrl-C. Flushed first: on macOS a piped
// stdout is asynchronous.
const exitCode = controller.signal.aborted ? ExitCode.interrupted : code;
process.stdout.write('', () => process.stderr.write('', () => process.exit(exitCode)));
