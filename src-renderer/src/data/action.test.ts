import { describe, expect, it } from 'vitest';
import { Action } from './action';
import { createFakeClient } from './fake-client';

describe('Action', () => {
  it('is busy while the call runs, then keeps the answer; a failure keeps the last answer beside the error', async () => {
    const fake = createFakeClient();
    const action = new Action(fake.client, 'capture:ping');
    const done = action.run({ cluster: 'c', node: 'n' });
    expect(action.getState().busy).toBe(true);
    await fake.answer({ verdict: 'reachable' });
    await expect(done).resolves.toMatchObject({ ok: true });
    expect(action.getState()).toMatchObject({ busy: false, value: { verdict: 'reachable' }, error: undefined });
    const again = action.run({ cluster: 'c', node: 'n' });
    await fake.fail('no route');
    await expect(again).resolves.toMatchObject({ ok: false });
    expect(action.getState()).toMatchObject({ busy: false, value: { verdict: 'reachable' } });
    expect(action.getState().error?.message).toBe('no route');
  });

  it('refuses a second run while one is in flight, without calling the main process', async () => {
    const fake = createFakeClient();
    const action = new Action(fake.client, 'lab:stop');
    void action.run({ cluster: 'c' });
    await expect(action.run({ cluster: 'c' })).resolves.toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(fake.pending).toHaveLength(1);
  });

  it('reset forgets the answer and the error', async () => {
    const fake = createFakeClient();
    const action = new Action(fake.client, 'capture:ping');
    void action.run({ cluster: 'c', node: 'n' });
    await fake.fail('x');
    action.reset();
    expect(action.getState()).toEqual({ busy: false, value: undefined, error: undefined });
  });
});
