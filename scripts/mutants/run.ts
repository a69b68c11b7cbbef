/**
 * `npm run mutants`: applies each listed targeted break (mutants.ts) one at a time, runs only the
 * test files that guard it, restores the file, and prints a table — caught or missed, and whether
 * only a timeout caught it. A break whose search text is no longer in its file fails loudly, so
 * the list stays true as code moves.
 *
 *   npm run mutants                    every break
 *   npm run mutants -- --only pcap     the breaks whose id contains "pcap"
 *   npm run mutants -- --list          the list (every search text and guard file checked), nothing run
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import { mutants, type Mutant } from './mutants.ts';

const root = join(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    list: { type: 'boolean' },
    timeout: { type: 'string', default: '600' },
  },
});

interface Outcome {
  mutant: Mutant;
  caught: boolean;
  /** Only a test's (or the whole run's) deadline noticed the break. */
  byTimeout: boolean;
  seconds: number;
  detail: string;
}

/** The exact search text must occur exactly once: a missing or doubled text means the list is out of date. */
function mutate(mutant: Mutant): { original: string; path: string } {
  const path = join(root, mutant.file);
  const original = readFileSync(path, 'utf8');
  const count = original.split(mutant.search).length - 1;
  if (count !== 1)
    throw new Error(
      `mutant ${mutant.id}: the search text occurs ${count} times in ${mutant.file} ` +
        `(must be exactly once) — update scripts/mutants/mutants.ts:\n${mutant.search}`,
    );
  writeFileSync(
    path,
    original.replace(mutant.search, () => mutant.replace),
  );
  return { original, path };
}

function runGuards(
  guards: readonly string[],
  timeoutSeconds: number,
): Promise<{ code: number | null; output: string; killed: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...guards], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, timeoutSeconds * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: stripVTControlCharacters(output), killed });
    });
  });
}

async function main(): Promise<number> {
  const selected = mutants.filter((m) => !values.only || m.id.includes(values.only));
  // Check every search text first: a stale list fails before anything is changed.
  for (const m of selected) {
    const text = readFileSync(join(root, m.file), 'utf8');
    if (text.split(m.search).length - 1 !== 1) mutate(m);
    for (const guard of m.guards) readFileSync(join(root, guard));
  }
  if (values.list) {
    for (const m of selected) console.log(`${m.id}\t${m.file}\t${m.guards.join(' ')}`);
    return 0;
  }
  const outcomes: Outcome[] = [];
  let restore: (() => void) | undefined;
  const onSignal = () => {
    restore?.();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  for (const mutant of selected) {
    const { original, path } = mutate(mutant);
    restore = () => writeFileSync(path, original);
    const started = Date.now();
    try {
      const { code, output, killed } = await runGuards(mutant.guards, Number(values.timeout));
      const timedOut = killed || /Test timed out in|Hook timed out in/.test(output);
      // A failing test is named "FAIL  file > suite > test"; a file that did not even load
      // (the break made it unparsable) is no catch at all.
      const failedTests = output.split('\n').filter((line) => /^\s*FAIL\s+\S+ > /.test(line));
      const caught = code !== 0 && (failedTests.length > 0 || killed);
      const errors = output.match(/Test timed out in|Hook timed out in/g)?.length ?? 0;
      // Caught "by timeout" when nothing but a deadline failed.
      const byTimeout = caught && (killed || (timedOut && errors >= failedTests.length));
      if (code !== 0 && !caught) console.error(output.slice(-3000));
      outcomes.push({
        mutant,
        caught,
        byTimeout,
        seconds: Math.round((Date.now() - started) / 1000),
        detail: failedTests[0]?.trim() ?? '',
      });
      console.error(
        `${caught ? (byTimeout ? 'timeout' : 'caught ') : 'MISSED '} ${mutant.id}  ${failedTests[0]?.trim() ?? ''}`,
      );
    } finally {
      restore();
      restore = undefined;
    }
  }
  const rows = outcomes.map((o) => [
    o.mutant.id,
    o.mutant.guards.map((g) => g.split('/').at(-1)).join(', '),
    o.caught ? 'caught' : 'MISSED',
    o.byTimeout ? 'yes' : 'no',
    `${o.seconds}s`,
  ]);
  const header = ['break', 'guard files', 'result', 'only by timeout?', 'time'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  const missed = outcomes.filter((o) => !o.caught || o.byTimeout);
  console.log(
    `\n${outcomes.length - missed.length} of ${outcomes.length} caught by a failing ` +
      `assertion${missed.length ? `; not: ${missed.map((o) => o.mutant.id).join(', ')}` : ''}`,
  );
  return missed.length === 0 ? 0 : 1;
}

process.exitCode = await main();
