import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

// .ci/run sets it: each spec's time goes to playwright.json there (scripts/ci/slowest-files.ts prints the slowest).
const timings = process.env.KINDSCOPE_TEST_TIMINGS_DIR;

/**
 * E2E runs Debian's Chromium through playwright-core (no browser download here).
 * CHROMIUM_PATH overrides the binary on other machines.
 */
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  timeout: 60_000,
  // The whole run (~6 min in CI): a hook that never returns fails the run instead of holding CI.
  globalTimeout: 25 * 60_000,
  expect: { timeout: 20_000 },
  workers: 1,
  // The lab images, built once before the specs start.
  globalSetup: './e2e/lab/global-setup.ts',
  reporter: timings ? [['list'], ['json', { outputFile: join(timings, 'playwright.json') }]] : [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
