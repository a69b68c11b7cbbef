import { describe, expect, it } from 'vitest';
import { defaultPlan, loadPlanYaml } from './plan';

describe('the plan a lab.yaml gives', () => {
  it('a file naming only the cluster builds what the wizard and `--name` build: two workers', () => {
    const minimal = loadPlanYaml('cluster:\n  name: minimal\n');
    expect(minimal.cluster.workers).toBe(2);
    expect(minimal.cluster).toEqual(defaultPlan('minimal').cluster);
  });

  it('an explicit count is kept, the article one worker included', () => {
    expect(loadPlanYaml('cluster:\n  name: article\n  workers: 1\n').cluster.workers).toBe(1);
  });
});
