/**
 * The `kindscope` CLI as a Node single executable (scripts/packaging/build-sea.ts): the same
 * runCli as `out/main/cli.js`, bundled into one CommonJS file, because Node's SEA runs one
 * CommonJS script (https://nodejs.org/api/single-executable-applications.html) and a
 * CommonJS bundle cannot use main.ts's top-level await. The embedded Node is the one that
 * built it, so no version guard is needed here.
 */
import { ExitCode } from './output';
import { runCli } from './run-cli';

process.on('SIGINT', () => process.exit(ExitCode.interrupted));

void runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}).then((code) => {
  process.exitCode = code;
});
