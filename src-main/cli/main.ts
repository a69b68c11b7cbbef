#!/usr/bin/env node
import { runCli } from './run-cli';
import { ExitCode } from './output';

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
// An interrupted command may still have requests in flight: they answer nobody now.
if (controller.signal.aborted) process.exit(ExitCode.interrupted);
process.exitCode = code;
