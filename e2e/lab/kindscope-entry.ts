import { join } from 'node:path';

/**
 * The built `kindscope` (what `npm run cli`, the package's bin and the single executable run),
 * brought up to date before the files start by vitest's globalSetup (scripts/built-for-tests.ts):
 * tests run the CLI as users do. `[process.execPath, ...kindscopeEntry, ...args]`.
 */
export const kindscopeEntry = [join(import.meta.dirname, '../../out/main/cli.js')];
