/**
 * Vitest's globalSetup: the built `kindscope` (out/main/cli.js) up to date before any test file
 * starts, so the tests that run the CLI as a user does run the file `npm run cli`, the package's
 * bin and the single executable run — not the sources through tsx, which took 2.7–3.3 s to start
 * where the bundle takes ~1 s (issue 31). Builds only when the sources changed (scripts/built.mjs).
 */
import { ensureBuilt } from './built.mjs';

export default function buildCli(): void {
  const started = Date.now();
  if (ensureBuilt()) process.stdout.write(`kindscope built for the tests in ${Date.now() - started} ms\n`);
}
