#!/usr/bin/env node
import { runCli } from './run-cli';
import { ExitCode } from './output';

process.on('SIGINT', () => process.exit(ExitCode.interrupted));

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
process.exitCode = code;
