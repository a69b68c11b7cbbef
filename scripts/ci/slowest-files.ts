/**
 * The ten slowest test files of a CI run, from the JSON the test runners wrote into
 * KINDSCOPE_TEST_TIMINGS_DIR (vitest.json from vitest's json reporter, playwright.json from
 * Playwright's): `node scripts/ci/slowest-files.ts DIR`. .ci/run prints it at the end of
 * every run, with each phase's time, so a file that makes CI slow is named where it shows.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface FileTime {
  file: string;
  ms: number;
  runner: 'vitest' | 'playwright';
}

interface VitestJson {
  testResults?: { name?: string; startTime?: number; endTime?: number }[];
}

/** vitest's json reporter: one result per file, with its start and end. */
export function vitestFileTimes(json: VitestJson, root: string): FileTime[] {
  return (json.testResults ?? []).flatMap((result) =>
    result.name && typeof result.startTime === 'number' && typeof result.endTime === 'number'
      ? [{ file: relative(root, result.name), ms: result.endTime - result.startTime, runner: 'vitest' as const }]
      : [],
  );
}

interface PlaywrightSuite {
  file?: string;
  specs?: { tests?: { results?: { duration?: number }[] }[] }[];
  suites?: PlaywrightSuite[];
}

/** Playwright's json reporter: suites nest (describe blocks); every result's duration, summed per file. */
export function playwrightFileTimes(json: { suites?: PlaywrightSuite[] }): FileTime[] {
  const totals = new Map<string, number>();
  const walk = (suite: PlaywrightSuite, file: string | undefined) => {
    const at = suite.file ?? file;
    for (const spec of suite.specs ?? [])
      for (const test of spec.tests ?? [])
        for (const result of test.results ?? []) if (at) totals.set(at, (totals.get(at) ?? 0) + (result.duration ?? 0));
    for (const child of suite.suites ?? []) walk(child, at);
  };
  for (const suite of json.suites ?? []) walk(suite, undefined);
  return [...totals].map(([file, ms]) => ({ file: join('e2e', file), ms, runner: 'playwright' as const }));
}

export function slowest(times: readonly FileTime[], count = 10): FileTime[] {
  return [...times].sort((a, b) => b.ms - a.ms).slice(0, count);
}

export function formatSlowest(times: readonly FileTime[]): string {
  if (times.length === 0) return 'No test timings were written (the test phases did not run).\n';
  return `${times.map((t) => `${(t.ms / 1000).toFixed(1).padStart(7)}s  ${t.runner.padEnd(10)} ${t.file}`).join('\n')}\n`;
}

function read(path: string): unknown {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

if (import.meta.main) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: node scripts/ci/slowest-files.ts TIMINGS_DIR\n');
    process.exit(2);
  }
  const root = join(import.meta.dirname, '../..');
  const vitest = read(join(dir, 'vitest.json')) as VitestJson | undefined;
  const playwright = read(join(dir, 'playwright.json')) as { suites?: PlaywrightSuite[] } | undefined;
  const times = [
    ...(vitest ? vitestFileTimes(vitest, root) : []),
    ...(playwright ? playwrightFileTimes(playwright) : []),
  ];
  process.stdout.write(`\n== the ten slowest test files\n${formatSlowest(slowest(times))}`);
}
