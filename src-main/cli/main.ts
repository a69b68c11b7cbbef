#!/usr/bin/env node
import { runCli } from './run-cli';
import { ExitCode } from './output';

// Ctrl-C stops the running command (e.g. `status --watch`) so the app is disposed (the
// topology helper container removed); a second Ctrl-C, or 3 s without an answer, exits.
const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(ExitCode.interrupted);
  interrupt.abort();
  setTimeout(() => process.exit(ExitCode.interrupted), 3_000).unref();
});

const code = await runCli(
  process.argv.slice(2),
  {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  },
  {},
  interrupt.signal,
);
// Exit even when a socket is still open (a list to a hung API server): a one-shot command
// has answered, and `--watch` ends only here, on Ctrl-C. Flushed first: on macOS a piped
// stdout is asynchronous.
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
