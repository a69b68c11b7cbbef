import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { groupAlive } from '../../../../e2e/lab/processes.ts';
import { runCli } from '../../tools/cli-runner';
import { createMemoryLogger } from '../../util/logger';
import { PipelineRunner, type StepDefinition } from './pipeline-runner';
import { RunStore } from './run-store';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'kindscope-runs-'));
  dirs.push(dir);
  const store = new RunStore(dir);
  return { store, runner: new PipelineRunner({ store, log: createMemoryLogger() }) };
}

const shape = (names: string[]) => names.map((name) => ({ name, title: name, command: `step ${name}` }));

describe('PipelineRunner', () => {
  it('resumes at the failed step: finished steps are skipped, not rerun; logs of both attempts stay on disk', async () => {
    const { store, runner } = setup();
    const calls: string[] = [];
    let failSecond = true;
    const steps: StepDefinition[] = [
      { name: 'one', title: 'One', command: 'echo one', run: async (c) => void (calls.push('one'), c.log('one ran')) },
      {
        name: 'two',
        title: 'Two',
        command: 'echo two',
        run: async (c) => {
          calls.push('two');
          c.log('two ran');
          if (failSecond) throw new Error('helm was killed');
        },
      },
      { name: 'three', title: 'Three', command: 'echo three', run: async () => void calls.push('three') },
    ];
    const record = store.create({ kind: 'create', cluster: 'demo', steps: shape(['one', 'two', 'three']) });
    const failed = await runner.run(record, steps);
    expect(failed.state).toBe('failed');
    expect(failed.steps.map((s) => s.state)).toEqual(['done', 'failed', 'pending']);
    expect(failed.steps[1]!.error?.message).toBe('helm was killed');

    failSecond = false;
    const resumed = await runner.run(store.load(record.id), steps);
    expect(resumed.state).toBe('done');
    expect(calls).toEqual(['one', 'two', 'two', 'three']);
    expect(resumed.steps.map((s) => s.attempts)).toEqual([1, 2, 1]);
    const log = readFileSync(resumed.steps[1]!.logPath, 'utf8');
    expect(log).toContain('failed: helm was killed');
    expect(log.match(/two ran/g)).toHaveLength(2);
  });

  it('steps the journal does not have are refused before the run is marked running: it stays resumable as it was', async () => {
    const { store, runner } = setup();
    const record = store.create({
      kind: 'fix',
      cluster: 'demo',
      steps: shape(['apply-l2-policy', 'leases', 'verify']),
    });
    record.state = 'failed';
    store.save(record);
    const steps: StepDefinition[] = ['apply-pool', 'leases', 'verify'].map((name) => ({
      name,
      title: name,
      command: name,
      run: async () => undefined,
    }));
    await expect(runner.run(store.load(record.id), steps)).rejects.toThrow(
      'has no step "apply-pool" (its steps: apply-l2-policy, leases, verify)',
    );
    // Untouched: not claimed by this process, not marked interrupted.
    const after = store.load(record.id, runner.activeIds());
    expect(after).toMatchObject({ state: 'failed' });
    expect(after.owner).toBeUndefined();
    expect(after.steps.map((s) => s.state)).toEqual(['pending', 'pending', 'pending']);
  });

  it("cancel ends the running step's process tree and leaves the run resumable", async () => {
    const { store, runner } = setup();
    let pid: number | undefined;
    const steps: StepDefinition[] = [
      {
        name: 'sleep',
        title: 'Sleep',
        command: 'sh -c "sleep 600 & sleep 600"',
        run: async (c) => {
          const pending = runCli('sh', ['-c', 'echo $$; sleep 600 & sleep 600'], {
            signal: c.signal,
            graceMs: 200,
            onLine: (line) => (pid ??= Number(line)),
          });
          await pending;
        },
      },
    ];
    const record = store.create({ kind: 'create', cluster: 'demo', steps: shape(['sleep']) });
    const done = runner.run(record, steps);
    try {
      await expect.poll(() => pid, { timeout: 30_000 }).toBeGreaterThan(0);
      expect(runner.cancel(record.id)).toBe(true);
      // Bounded: the whole group (the shell and both sleeps) is gone within a second of the
      // 200 ms grace period; a cancel that kills only the pid fails here, not by a hang.
      await expect.poll(() => groupAlive(pid!), { timeout: 1_200, interval: 50 }).toBe(false);
    } finally {
      try {
        if (pid) process.kill(-pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    const result = await done;
    expect(result.state).toBe('cancelled');
    expect(result.steps[0]).toMatchObject({ state: 'cancelled', error: { code: 'CANCELLED' } });
  });

  it('a run left running by a Kindscope that stopped loads as interrupted, resumable', () => {
    const { store } = setup();
    const record = store.create({ kind: 'create', cluster: 'demo', steps: shape(['one']) });
    record.steps[0]!.state = 'running';
    store.save(record);
    const loaded = new RunStore(join(record.dir, '../..')).load(record.id);
    expect(loaded.state).toBe('failed');
    expect(loaded.steps[0]).toMatchObject({
      state: 'failed',
      error: { message: expect.stringContaining('Interrupted') },
    });
    // The same run, still active in this process, is not marked.
    expect(store.load(record.id, new Set([record.id])).state).toBe('running');
  });

  it('cleanup removes exactly what the run recorded, newest first, and keeps a failure for a retry', async () => {
    const { store, runner } = setup();
    const steps: StepDefinition[] = [
      {
        name: 'make',
        title: 'Make',
        command: 'kind create cluster',
        run: async (c) => {
          c.created({ kind: 'kind-cluster', name: 'demo' });
          c.created({ kind: 'kubeconfig-context', name: 'kind-demo' });
          c.created({ kind: 'manifest', name: 'demo-pool', detail: 'CiliumLoadBalancerIPPool' });
          throw new Error('later failure');
        },
      },
    ];
    const record = await runner.run(store.create({ kind: 'create', cluster: 'demo', steps: shape(['make']) }), steps);
    const removed: string[] = [];
    let contextFails = true;
    const removers = {
      'kind-cluster': async (r: { name: string }) => void removed.push(`cluster ${r.name}`),
      'kubeconfig-context': async (r: { name: string }) => {
        if (contextFails) throw new Error('kubeconfig is locked');
        removed.push(`context ${r.name}`);
      },
      manifest: async (r: { name: string }) => void removed.push(`manifest ${r.name}`),
    };
    const first = await runner.cleanup(record, removers);
    expect(first.state).toBe('failed');
    expect(first.created).toEqual([{ kind: 'kubeconfig-context', name: 'kind-demo' }]);
    expect(removed).toEqual(['manifest demo-pool', 'cluster demo']);
    contextFails = false;
    const second = await runner.cleanup(store.load(record.id), removers);
    expect(second.state).toBe('cleaned');
    expect(second.created).toEqual([]);
    expect(removed).toEqual(['manifest demo-pool', 'cluster demo', 'context kind-demo']);
    expect(readFileSync(join(record.dir, 'logs', 'cleanup.log'), 'utf8')).toContain('failed: kubeconfig is locked');
    await expect(runner.run(second, steps)).rejects.toThrow(/cleaned up/);
  });

  it('lists runs newest first, skipping folders that are not runs', () => {
    const { store } = setup();
    const a = store.create({ kind: 'create', cluster: 'a', steps: [] }, new Date('2026-12-01T08:00:00Z'));
    const b = store.create({ kind: 'fix', cluster: 'b', steps: [] }, new Date('2026-12-01T09:00:00Z'));
    expect(existsSync(join(store.root, a.id, 'journal.json'))).toBe(true);
    expect(store.list().map((r) => r.id)).toEqual([b.id, a.id]);
    expect(() => store.load('../etc')).toThrow(/not a run id/);
  });
});
