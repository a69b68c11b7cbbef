#!/usr/bin/env node
// First: refuses an unsupported Node in one line. Everything else is imported after it.
import '../core/util/node-guard.mjs';

const { runCli } = await import('./run-cli');
const { ExitCode } = await import('./output');

// package.json "engines": an older Node fails later, deep in a dependency, with a stack trace.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(`kindscope: Node.js ${process.versions.node} is too old\n  hint: Kindscope needs Node.js 22.19 or later (24 LTS recommended); put it first on PATH (check with: node --version).\n`);
  process.exit(ExitCode.failed);
}

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
