import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LabPlan, type LabRendering } from '../../../contract';
import { defaultPlan } from '../plan/plan';
import { labArtifacts, labSteps } from '../plan/steps';
import { createPipeline, createRunOutline, type LabPipelineDeps } from './create-pipeline';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function rendering(plan: LabPlan): LabRendering {
  const artifacts = labArtifacts(plan, '172.18.250.0/28');
  return {
    plan,
    poolCidr: '172.18.250.0/28',
    kindConfig: artifacts.files['kind-config.yaml']!,
    helmValues: {},
    files: artifacts.files,
    manifests: artifacts.manifests,
    steps: labSteps(plan, artifacts),
    labYaml: '',
    findings: [],
  };
}

/** Never called: building the step list runs nothing. */
const unused = (): never => {
  throw new Error('a dependency was called while building the steps');
};
const deps: LabPipelineDeps = {
  runTool: unused,
  preflight: unused,
  statusSource: unused,
  verify: unused,
  nodeAddresses: unused,
};

describe("Review's step list (issue 28: Review listed 12 steps, the run had 11)", () => {
  it.each([
    ['the default plan', defaultPlan('i28-review')],
    ['no sample app', LabPlan.parse({ ...defaultPlan('i28-nosample'), sample: { enabled: false } })],
  ])("is the run's own list for %s", (_, plan) => {
    const r = rendering(plan);
    const dir = mkdtempSync(join(tmpdir(), 'i28-review-'));
    dirs.push(dir);
    const run = createPipeline(r, dir, deps).map((s) => [s.name, s.title]);
    const outline = createRunOutline(r);
    expect(outline.map((s) => [s.name, s.title])).toEqual(run);
    // Not the plan's script list: the run checks the machine first, folds the kubectl waits into
    // its live waits and replaces curl by the measured proof.
    expect(outline[0]!.name).toBe('preflight');
    const names = outline.map((s) => s.name);
    expect(names).not.toContain('nodes-ready');
    expect(names).not.toContain('curl-sample');
    expect(names.includes('verify')).toBe(plan.sample.enabled);
  });
});
