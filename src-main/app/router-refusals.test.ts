import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { noEvent } from '../core/util/emitter';
import { createMemoryLogger } from '../core/util/logger';
import { createRouter, type EventSources, type Handlers } from './router';

/** A handler table where only the given handlers exist (robust to calls added later). */
function handlers(overrides: Partial<Handlers>): Handlers {
  return new Proxy({} as Handlers, {
    get: (_target, key: string) =>
      overrides[key as keyof Handlers] ?? (async () => Promise.reject(new Error('not in this test'))),
  });
}
const sources = new Proxy({} as EventSources, { get: () => noEvent });

describe('router refusals stay readable and structured', () => {
  it('clips an echoed huge value (a refusal of 2 MB input is not a 2 MB message)', async () => {
    const huge = 'a'.repeat(2_000_000);
    const router = createRouter(
      handlers({
        toolsSetPath: async ({ path }) => Promise.reject(new Error(`kind path: ${path} is not an executable file`)),
      }),
      sources,
      createMemoryLogger(),
    );
    const result = await router.invoke('tools:set-path', { tool: 'kind', path: `/${huge}` });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message.length).toBeLessThanOrEqual(1_000);
    expect(result.error.message).toMatch(/^kind path: \/a+… \(\d+ more characters\)$/);
  });

  it('turns a zod error thrown inside a handler into INVALID_INPUT naming the field, not INTERNAL', async () => {
    const Plan = z.object({ name: z.string().min(1, 'must not be empty') });
    const router = createRouter(
      handlers({ toolsSetPath: async () => Plan.parse({ name: '' }) as never }),
      sources,
      createMemoryLogger(),
    );
    await expect(router.invoke('tools:set-path', { tool: 'kind', path: null })).resolves.toEqual({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        message: 'Invalid input for tools:set-path: input.name: must not be empty',
        hint: 'Correct the named field and try again.',
      },
    });
  });
});
