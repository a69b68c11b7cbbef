import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LabPlan, poolOf, type LabRendering } from '../../../contract';
import type { RunOptions, RunResult } from '../../tools/run-tool';
import { createMemoryLogger } from '../../util/logger';
import type { LabEnvironment } from '../environment/lab-environment';
import { defaultPlan } from '../plan/plan';
import { labArtifacts, labSteps } from '../plan/steps';
import { validatePlan } from '../plan/validate-plan';
import { createPipeline, type LabTool } from './create-pipeline';
import { collapse, labRemovers } from './cleanup';
import { PipelineRunner, type StepDefinition } from './pipeline-runner';
import { RunStore } from './run-store';
import { noEvent } from '../../util/emitter';

/**
 * A create run on an engine with no kind network: the pool is carved after `kind create`
 * and kept in the journal; a resume keeps it; cleanup removes the cluster and its context.
 * The engine here is a table (the real pipeline against the lab runs in app/lab-runs.test.ts):
 * the waits on Cilium and the sample are left out of the rendering, the pool steps are the subject.
 */
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const nodes = (name: string) => [
  { name: `${name}-control-plane`, ipv4: '172.26.0.2' },
  { name: `${name}-worker`, ipv4: '172.26.0.3' },
  // The default plan's second worker (the wizard recommends 2: issue 28).
  { name: `${name}-worker2`, ipv4: '172.26.0.4' },
];

/** An engine where kind makes the network on `kind create`; `used` is what else takes addresses on it later. */
function engine(name: string) {
  const state = {
    created: false,
    /** The kubeconfig context kind writes on create and removes on delete. */
    context: false,
    failEnvironment: 0,
    failApply: 0,
    used: [] as { cidr: string; what: string }[],
    calls: [] as { tool: LabTool; args: string[]; input?: string }[],
  };
  const ok = (stdout = ''): RunResult => ({
    exitCode: 0,
    signal: null,
    stdout,
    stderr: '',
    output: stdout,
    durationMs: 1,
  });
  const runTool = async (tool: LabTool, args: string[], options: RunOptions): Promise<RunResult> => {
    state.calls.push({ tool, args, ...(options.input ? { input: options.input.toString() } : {}) });
    if (tool === 'kind' && args[0] === 'create') state.created = state.context = true;
    if (tool === 'kind' && args[0] === 'delete') state.created = state.context = false;
    if (tool === 'kubectl' && args.join(' ') === 'config get-contexts --output name')
      return ok(state.context ? `kind-${name}\n` : '');
    if (tool === 'kubectl' && args.join(' ') === `config delete-context kind-${name}`) state.context = false;
    if (tool === 'kubectl' && args.includes('apply') && state.failApply > 0) {
      state.failApply--;
      throw new Error('the connection to the server was refused');
    }
    return ok();
  };
  const environment = async (): Promise<LabEnvironment> => {
    if (state.failEnvironment > 0) {
      state.failEnvironment--;
      throw new Error('Cannot connect to the Docker daemon');
    }
    return {
      networkName: 'kind',
      ...(state.created ? { network: { subnet: '172.26.0.0/16', gateway: '172.26.0.1' } } : {}),
      used: state.created
        ? [
            { cidr: '172.26.0.1/32', what: 'the network gateway (this machine)' },
            ...nodes(name).map((n) => ({ cidr: `${n.ipv4}/32`, what: `node ${n.name}` })),
            ...state.used,
          ]
        : [],
      clusters: new Map(),
      clustersOnNetwork: [],
      problems: [],
    };
  };
  return { state, runTool, environment };
}

/** The rendering `lab:render` makes on an engine without the kind network, without the waits. */
function rendering(plan: LabPlan): LabRendering {
  const { poolCidr, findings } = validatePlan(plan, {
    networkName: 'kind',
    used: [],
    clusters: new Map(),
    clustersOnNetwork: [],
    problems: [],
  });
  const artifacts = labArtifacts(plan, poolCidr);
  const steps = labSteps(plan, artifacts).filter((s) =>
    ['kind-create', 'carve-pool', 'apply-pool', 'apply-l2-policy'].includes(s.id),
  );
  return {
    plan,
    ...(poolCidr ? { poolCidr } : {}),
    kindConfig: artifacts.files['kind-config.yaml']!,
    helmValues: {},
    files: artifacts.files,
    manifests: artifacts.manifests,
    steps,
    labYaml: '',
    findings,
  };
}

function setup(plan: LabPlan) {
  const dir = mkdtempSync(join(tmpdir(), 'kindscope-create-'));
  dirs.push(dir);
  const store = new RunStore(dir);
  const fake = engine(plan.cluster.name);
  const render = rendering(plan);
  const record = store.create({ kind: 'create', cluster: plan.cluster.name, steps: [], facts: { rendering: render } });
  const steps = (): StepDefinition[] =>
    createPipeline(render, record.dir, {
      runTool: fake.runTool,
      preflight: async () => [],
      statusSource: () => ({ status: () => new Promise(() => undefined), onDidChange: noEvent }),
      verify: async () => undefined,
      nodeAddresses: async () => (fake.state.created ? nodes(plan.cluster.name) : []),
      environment: fake.environment,
    });
  record.steps = steps().map((s) => ({
    name: s.name,
    title: s.title,
    command: s.command,
    state: 'pending',
    logPath: join(record.dir, 'logs', `${s.name}.log`),
    attempts: 0,
  }));
  store.save(record);
  // Each attempt in a new runner, as after a restart of Kindscope.
  const attempt = () => new PipelineRunner({ store, log: createMemoryLogger() }).run(store.load(record.id), steps());
  return { store, record, fake, render, attempt };
}

const applied = (fake: ReturnType<typeof engine>) =>
  fake.state.calls.filter((c) => c.tool === 'kubectl' && c.input?.includes('CiliumLoadBalancerIPPool'));

describe('the create pipeline on an engine without the kind network', () => {
  it('carves the pool once kind made the network, keeps it in the journal and applies it', async () => {
    const { fake, render, attempt } = setup(defaultPlan('fresh'));
    expect(render.poolCidr).toBeUndefined();
    expect(render.steps.map((s) => s.id)).toEqual(['kind-create', 'carve-pool', 'apply-pool', 'apply-l2-policy']);
    const run = await attempt();
    expect(run.state, JSON.stringify(run.steps.map((s) => s.error))).toBe('done');
    expect(run.facts.poolCidr).toBe('172.26.250.0/24');
    expect(poolOf(run)).toEqual({ cidr: '172.26.250.0/24', source: 'carved at run' });
    const [pool] = applied(fake);
    expect(pool!.input).toContain('- cidr: 172.26.250.0/24');
    expect(pool!.input).not.toContain('CARVED-AT-RUN-TIME');
  });

  it('resumed after a stop between kind create and the pool step, it carves without creating the cluster again', async () => {
    const { fake, attempt } = setup(defaultPlan('crash1'));
    fake.state.failEnvironment = 1;
    const failed = await attempt();
    expect(failed.steps.map((s) => [s.name, s.state])).toEqual([
      ['preflight', 'done'],
      ['kind-create', 'done'],
      ['carve-pool', 'failed'],
      ['apply-pool', 'pending'],
      ['apply-l2-policy', 'pending'],
    ]);
    expect(failed.facts.poolCidr).toBeUndefined();
    const resumed = await attempt();
    expect(resumed.state).toBe('done');
    expect(resumed.facts.poolCidr).toBe('172.26.250.0/24');
    expect(fake.state.calls.filter((c) => c.tool === 'kind' && c.args[0] === 'create')).toHaveLength(1);
    expect(applied(fake)[0]!.input).toContain('- cidr: 172.26.250.0/24');
  });

  it('resumed after the pool was carved, it applies the same pool even when its block was taken since', async () => {
    const { fake, attempt } = setup(defaultPlan('crash2'));
    fake.state.failApply = 1;
    const failed = await attempt();
    expect(failed.steps.find((s) => s.name === 'apply-pool')?.state).toBe('failed');
    expect(failed.facts.poolCidr).toBe('172.26.250.0/24');
    // A carve now would give another block: the journal's wins, as the cluster may already hand out its IPs.
    fake.state.used.push({ cidr: '172.26.250.7/32', what: 'container late' });
    const resumed = await attempt();
    expect(resumed.state).toBe('done');
    expect(resumed.facts.poolCidr).toBe('172.26.250.0/24');
    expect(applied(fake).map((c) => /cidr: (\S+)/.exec(c.input!)?.[1])).toEqual(['172.26.250.0/24', '172.26.250.0/24']);
  });

  it('a given pool outside the network kind made stops the run at the pool step, naming the mismatch', async () => {
    const plan = LabPlan.parse({ ...defaultPlan('outside'), pool: { cidr: '172.18.255.200/29' } });
    const { fake, attempt } = setup(plan);
    const run = await attempt();
    expect(run.state).toBe('failed');
    const step = run.steps.find((s) => s.name === 'carve-pool')!;
    expect(step.state).toBe('failed');
    expect(step.error?.message).toContain('172.18.255.200/29 is outside the kind network 172.26.0.0/16');
    expect(step.error?.hint).toContain('172.26.250.0/24');
    expect(applied(fake)).toEqual([]);
    expect(run.facts.poolCidr).toBeUndefined();
  });

  it('cleanup of a run whose pool was carved mid-run removes the cluster and its context', async () => {
    const { store, fake, record, attempt } = setup(defaultPlan('clean'));
    fake.state.failApply = 1;
    await attempt();
    const loaded = store.load(record.id);
    expect(loaded.created.map((r) => `${r.kind} ${r.name}`)).toEqual([
      'kind-cluster clean',
      'kubeconfig-context kind-clean',
      'manifest CiliumLoadBalancerIPPool/lab-pool',
    ]);
    // As LabRunService cleans up: what lived inside the cluster goes with it, then the real removers.
    const cleaned = await new PipelineRunner({ store, log: createMemoryLogger() }).cleanup(
      { ...loaded, created: collapse(loaded.created) },
      labRemovers(fake.runTool),
    );
    expect(cleaned.state).toBe('cleaned');
    expect(cleaned.created).toEqual([]);
    expect(fake.state.calls.filter((c) => c.tool === 'kind').map((c) => c.args.join(' '))).toEqual([
      'create cluster --name clean --config ' + join(record.dir, 'files', 'kind-config.yaml'),
      'delete cluster --name clean',
    ]);
    expect(fake.state).toMatchObject({ created: false, context: false });
  });
});
