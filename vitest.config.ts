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
    // The lab images, built once before the files start (not by each parallel file on a fresh engine).
    globalSetup: ['e2e/lab/global-setup.ts'],
    // Files run in a shuffled order, so no file leans on what an earlier one left behind (a
    // network, an image, a context). The log says `Running tests with seed "N"`; the same
    // order again: `npx vitest run --sequence.seed=N` (or KINDSCOPE_TEST_SEED=N bash .ci/run).
    // Tests inside a file keep their order: some build on the one before by design.
    sequence: { shuffle: { files: true, tests: false } },
    reporters: timings ? ['default', ['json', { outputFile: join(timings, 'vitest.json') }]] : ['default'],
  },
});
