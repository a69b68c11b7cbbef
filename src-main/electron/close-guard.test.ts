import { describe, expect, it } from 'vitest';
import { createTypedClient, type RunRecord } from '../contract';
import { createRouter } from '../app/router';
import { fakeEventSources, fakeHandlers } from '../app/router.fake';
import { toDisposable } from '../core/util/emitter';
import { createMemoryLogger } from '../core/util/logger';
import { closeQuestion, runningRuns, whenRunsEnd } from './close-guard';

const run = (over: Partial<RunRecord>): RunRecord => ({
  id: 'r1',
  kind: 'create',
  cluster: 'demo',
  state: 'running',
  createdAt: '2026-12-01T09:00:00Z',
  updatedAt: '2026-12-01T09:00:00Z',
  steps: [],
  created: [],
  facts: {},
  dir: '/tmp/r1',
  ...over,
});

describe('closing the window during a run', () => {
  it('closes without asking when nothing runs', () => {
    expect(closeQuestion([])).toBeUndefined();
  });

  it('asks first, naming the run, with "keep open" as the default answer', () => {
    const question = closeQuestion([run({ cluster: 'i16-lab' })])!;
    expect(question.message).toBe('Kindscope is still building i16-lab.');
    expect(question.detail).toContain('does not stop it');
    expect(question.buttons[0]).toBe('Keep the window open');
  });

  it('names every run in flight', () => {
    expect(closeQuestion([run({}), run({ id: 'r2', kind: 'fix', cluster: 'hand' })])!.message).toBe(
      'Kindscope is still running 2 runs: building demo, fixing hand.',
    );
  });
});

describe('the runs in flight, through the router', () => {
  it('lists only running runs, and resolves when the last one ends', async () => {
    let runs = [run({}), run({ id: 'r2', state: 'done' })];
    let push: ((record: RunRecord) => void) | undefined;
    const router = createRouter(
      fakeHandlers({ labRuns: async () => ({ runs }) }),
      fakeEventSources({ labRunChanged: (listener) => ((push = listener), toDisposable(() => (push = undefined))) }),
      createMemoryLogger(),
    );
    const client = createTypedClient(router);
    expect((await runningRuns(client)).map((r) => r.id)).toEqual(['r1']);
    let ended = false;
    const waiting = whenRunsEnd(client).then(() => (ended = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ended).toBe(false);
    runs = [run({ state: 'done' }), run({ id: 'r2', state: 'done' })];
    push?.(runs[0]!);
    await waiting;
    expect(ended).toBe(true);
  });
});
