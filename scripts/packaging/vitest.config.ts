import { defineConfig } from 'vitest/config';

/**
 * The packaging tests (fuse policy, signing decisions, checksums): cheap and CI-safe, run by
 * `npm run package:check`. Kept out of the root vitest.config.ts until the lead adds them.
 */
export default defineConfig({
  test: { root: import.meta.dirname, include: ['**/*.test.ts'], pool: 'forks' },
});
