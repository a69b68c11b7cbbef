import { describe, expect, it } from 'vitest';
import type { RunRecord, RunStep } from '../../../contract';
import { Emitter } from '../../util/emitter';
import { settleAfterSteps } from './settle-after-steps';

const step = (name: string, state: RunStep['state'], progress?: number): RunStep => ({
  name,
  title: name,
  state,
  command: name,
  logPath: `/tmp/${name}.log`,
  attempts: 0,
  ...(progress !== undefined ? { progress } : {}),
});

const record = (kind: RunRecord['kind'], state: RunRecord['state'], steps: RunStep[]): RunRecord => ({
  id: `${kind}-1`,
  kind,
  cluster: 'lab',
  state,
  createdAt: '',
  updatedAt: '',
  steps,
  created: [],
  facts: {},
  dir: '/tmp/run',
});

describe('settleAfterSteps', () => {
  it('asks for a re-read when a step of a build, start, stop or fix ends and when the run ends — not on progress', () => {
    const runs = new Emitter<RunRecord>();
    const asked: string[] = [];
    const subscription = settleAfterSteps(runs.event, (cluster) => asked.push(cluster));
    runs.fire(record('create', 'running', [step('kind', 'running'), step('cilium', 'pending')]));
    runs.fire(record('create', 'running', [step('kind', 'running', 0.5), step('cilium', 'pending')]));
    expect(asked).toEqual([]);
    runs.fire(record('create', 'running', [step('kind', 'done'), step('cilium', 'running')]));
    runs.fire(record('create', 'running', [step('kind', 'done'), step('cilium', 'running', 0.3)]));
    expect(asked).toEqual(['lab']);
    runs.fire(record('create', 'done', [step('kind', 'done'), step('cilium', 'done')]));
    expect(asked).toEqual(['lab', 'lab']);
    runs.fire(record('delete', 'done', [step('kind-delete', 'done')]));
    expect(asked).toEqual(['lab', 'lab']);
    runs.fire(record('start', 'running', [step('start-nodes', 'done'), step('cilium-ready', 'running')]));
    expect(asked).toEqual(['lab', 'lab', 'lab']);
    subscription.dispose();
    runs.fire(record('stop', 'done', [step('stop-nodes', 'done')]));
    expect(asked).toHaveLength(3);
  });
});
