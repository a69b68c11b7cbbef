import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { playwrightFileTimes, slowest, vitestFileTimes } from './slowest-files.ts';

const root = join(import.meta.dirname, '../..');

describe('the slowest test files', () => {
  it("reads vitest's per-file times and Playwright's nested suites, summed per file", () => {
    const vitest = vitestFileTimes(
      {
        testResults: [
          { name: join(root, 'src-main/a.test.ts'), startTime: 1000, endTime: 4000 },
          { name: join(root, 'src-main/b.test.ts'), startTime: 1000, endTime: 1500 },
          { name: join(root, 'src-main/broken.test.ts') },
        ],
      },
      root,
    );
    expect(vitest).toEqual([
      { file: 'src-main/a.test.ts', ms: 3000, runner: 'vitest' },
      { file: 'src-main/b.test.ts', ms: 500, runner: 'vitest' },
    ]);
    const playwright = playwrightFileTimes({
      suites: [
        {
          file: 'wizard.spec.ts',
          specs: [{ tests: [{ results: [{ duration: 1000 }, { duration: 500 }] }] }],
          suites: [{ specs: [{ tests: [{ results: [{ duration: 2000 }] }] }] }],
        },
      ],
    });
    expect(playwright).toEqual([{ file: 'e2e/wizard.spec.ts', ms: 3500, runner: 'playwright' }]);
    expect(slowest([...vitest, ...playwright], 2).map((t) => t.file)).toEqual([
      'e2e/wizard.spec.ts',
      'src-main/a.test.ts',
    ]);
  });

  it('prints at most ten, slowest first, as .ci/run calls it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'timings-'));
    try {
      writeFileSync(
        join(dir, 'vitest.json'),
        JSON.stringify({
          testResults: Array.from({ length: 12 }, (_, i) => ({
            name: join(root, `f${i}.test.ts`),
            startTime: 0,
            endTime: (i + 1) * 1000,
          })),
        }),
      );
      const result = spawnSync(process.execPath, [join(import.meta.dirname, 'slowest-files.ts'), dir], {
        encoding: 'utf8',
      });
      expect(result.status, result.stderr).toBe(0);
      const lines = result.stdout.trim().split('\n');
      expect(lines[0]).toBe('== the ten slowest test files');
      expect(lines.slice(1).map((l) => l.trim().split(/\s+/)[2])).toEqual(
        Array.from({ length: 10 }, (_, i) => `f${11 - i}.test.ts`),
      );
      expect(lines[1]!.trim()).toBe('12.0s  vitest     f11.test.ts');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
