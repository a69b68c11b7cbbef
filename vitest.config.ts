import { join, resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// .ci/run sets it: each file's time goes to vitest.json there (scripts/ci/slowest-files.ts prints the slowest).
const timings = process.env.KINDSCOPE_TEST_TIMINGS_DIR;

export default defineConfig({
  resolve: { alias: { '@contract': resolve(import.meta.dirname, 'src-main/contract') } },
  test: {
    include: [
      'src-main/**/*.test.ts',
      'src-renderer/**/*.test.{ts,tsx}',
      'e2e/lab/**/*.test.ts',
      'scripts/**/*.test.ts',
    ],
    // Integration tests share one real Docker engine; generous deadlines, no timing asserts.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most of a lab test's time is spent waiting on the engine and the lab's API server, not on a
    // core: on a 2-core CI machine vitest's default (cores - 1 = one file at a time) left the
    // machine idle and the run near 20 minutes. Two files at once; the lab tests make their
    // own clusters, networks and ports, so they do not meet. KINDSCOPE_TEST_WORKERS overrides.
    maxWorkers: Number(process.env.KINDSCOPE_TEST_WORKERS ?? 2),
    // The lab images, built once before the files start (not by each parallel file on a fresh
    // engine), and the built CLI the tests run as users do (scripts/built-for-tests.ts).
    globalSetup: ['e2e/lab/global-setup.ts', 'scripts/built-for-tests.ts'],
    // Files run in a shuffled order, so no file leans on what an earlier one left behind (a
    // network, an image, a context). The log says `Running tests with seed "N"`; the same
    // order again: `npx vitest run --sequence.seed=N` (or KINDSCOPE_TEST_SEED=N bash .ci/run).
    // Tests inside a file keep their order: some build on the one before by design.
    sequence: { shuffle: { files: true, tests: false } },
    reporters: timings ? ['default', ['json', { outputFile: join(timings, 'vitest.json') }]] : ['default'],
  },
});
