import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callList, callsWithEffects, type AppError } from '../contract';
import { requireDocker } from '../../e2e/lab/require-docker.ts';
import { createApp, type App } from './compose';
import { loopbackOnlyFetch, namesTheField, newCounts, refusalProblem } from './campaign/campaign-guard';
import { mutatedInput } from './campaign/mutations';
import { enterSandbox } from './campaign/sandbox';

/** Fixed in CI so a failure replays; `KINDSCOPE_CAMPAIGN_SEED` explores further. */
const seed = Number(process.env.KINDSCOPE_CAMPAIGN_SEED ?? 20261201);
const runsPerCall = Number(process.env.KINDSCOPE_CAMPAIGN_RUNS ?? 200);
/**
 * Calls added later may be slow with valid input (a curl with its own timeout, a kind run):
 * each call gets a time budget so the campaign stays bounded, and the table says when a call
 * stopped early. A single invocation that does not answer at all is a failure (a hang).
 */
const budgetPerCallMs = 25_000;
const hangMs = 15_000;

let app: App;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const realFetch = globalThis.fetch;
const counts = new Map<string, ReturnType<typeof newCounts>>();
let sandbox: ReturnType<typeof enterSandbox>;

beforeAll(() => {
  requireDocker();
  sandbox = enterSandbox();
  globalThis.fetch = loopbackOnlyFetch(realFetch);
  process.on('unhandledRejection', onUnhandled);
  // The real services on the real engine, with a throwaway data folder (settings, tools).
  app = createApp({
    transport: 'test',
    live: false,
    dataDir: mkdtempSync(join(tmpdir(), 'kindscope-campaign-')),
    log: { debug() {}, info() {}, warn() {}, error() {} } as never,
  });
});

afterAll(async () => {
  await app.dispose();
  sandbox.leave();
  process.off('unhandledRejection', onUnhandled);
  globalThis.fetch = realFetch;
  const table = [...counts].map(
    ([id, c]) =>
      `${id.padEnd(28)} ${String(c.runs).padStart(4)} runs${c.budgetReached ? ' (time budget reached)' : ''}  ${String(c.ok).padStart(4)} ok  ${Object.entries(
        c.refused,
      )
        .map(([code, n]) => `${code} ${n}`)
        .join(', ')}`,
  );
  process.stdout.write(`\nRouter campaign (seed ${seed}):\n${table.join('\n')}\n`);
});

describe('router campaign: generated and mutated input for every contract call', () => {
  // callList, not a list of our own: calls other engineers add are covered automatically.
  it.each(callList.map((call) => [call.id, call] as const))(
    '%s: no crash, every refusal structured and naming the field',
    { timeout: budgetPerCallMs + hangMs + 5_000 },
    async (id, call) => {
      const count = newCounts();
      counts.set(id, count);
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(mutatedInput(call.input), async ({ input, mutation, baseValid }) => {
          // A call with effects (a lab built or deleted, the resolver rewired) gets only input its schema refuses.
          if (callsWithEffects.has(id) && call.input.safeParse(input ?? {}).success) {
            count.runs += 1;
            count.refused['not sent (valid, has effects)'] = (count.refused['not sent (valid, has effects)'] ?? 0) + 1;
            return;
          }
          const result = await app.router.invoke(id, input);
          count.runs += 1;
          if (result.ok) {
            count.ok += 1;
            return;
          }
          const error: AppError = result.error;
          count.refused[error.code] = (count.refused[error.code] ?? 0) + 1;
          const problem = refusalProblem(error);
          if (problem) throw new Error(`${id} with ${JSON.stringify(input)?.slice(0, 300)}: ${problem}`);
          if (!namesTheField(error, mutation, baseValid))
            throw new Error(
              `${id}: the refusal of a bad "${mutation}" does not name it: ${error.message.slice(0, 300)}`,
            );
        }),
        {
          seed,
          numRuns: runsPerCall,
          endOnFailure: true,
          timeout: hangMs,
          interruptAfterTimeLimit: budgetPerCallMs,
          markInterruptAsFailure: false,
        },
      );
      count.budgetReached = count.runs < runsPerCall && performance.now() - started >= budgetPerCallMs;
      // Every call gets its 200 unless it used up its time budget (then the table says so).
      expect(count.runs).toBeGreaterThanOrEqual(Math.min(runsPerCall, 20));
      expect(unhandled).toEqual([]);
    },
  );
});
