#!/usr/bin/env node
// First: refuses an unsupported Node in one line. Everything else is imported after it.
import '../core/util/node-guard.mjs';

const { runCli } = await import('./run-cli');
const { ExitCode } = await import('./output');

process.on('SIGINT', () => process.exit(ExitCode.interrupted));

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
process.exitCode = code;
