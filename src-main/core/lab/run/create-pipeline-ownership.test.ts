import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LabRendering, RunRecord } from '../../../contract';
import type { RunOptions, RunResult } from '../../tools/run-tool';
import { createMemoryLogger } from '../../util/logger';
import { collapse, labRemovers } from './cleanup';
import { createPipeline, type LabPipelineDeps, type LabTool } from './create-pipeline';
import { PipelineRunner } from './pipeline-runner';
import { RunStore } from './run-store';

/**
 * A scripted engine: the kind clusters that exist (and who made them), and every command the
 * pipeline and the removers run. `kind create` makes a cluster (or fails after making its
 * containers, as a killed create does); `kind delete` removes one. Nothing real runs.
 */
class ScriptedEngine {
  readonly clusters = new Map<string, { madeBy: 'run' | 'someone else' }>();
  readonly calls: string[] = [];
  failNextCreate = false;

  runTool = async (name: LabTool, args: string[], options: RunOptions): Promise<RunResult> => {
    const line = [name, ...args].join(' ');
    this.calls.push(line);
    const result = (stdout = '', exitCode = 0): RunResult => ({
      exitCode,
      signal: null,
      stdout,
      stderr: '',
      output: stdout,
      durationMs: 1,
    });
    if (name === 'kind' && args[0] === 'create') {
      const cluster = args[args.indexOf('--name') + 1]!;
      if (this.clusters.has(cluster))
        throw new Error(
          `ERROR: failed to create cluster: node(s) already exist for a cluster with the name "${cluster}"`,
        );
      this.clusters.set(cluster, { madeBy: 'run' });
      if (this.failNextCreate) {
        this.failNextCreate = false;
        throw new Error('ERROR: failed to create cluster: timed out waiting for the control plane');
      }
      return result();
    }
    if (name === 'kind' && args[0] === 'delete') {
      this.clusters.delete(args[args.indexOf('--name') + 1]!);
      return result();
    }
    if (name === 'kubectl' && args.includes('get-contexts')) return result('');
    if (options.allowFailure) return result('', 1);
    return result();
  };
}

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** The smallest rendering the pipeline builds from: a preflight and `kind create`. */
function rendering(name: string): LabRendering {
  return {
    plan: {
      cluster: { name, controlPlanes: 1, workers: 0, nodeImage: 'kindest/node:v1.33.1' },
      sample: { namespace: 'default', name: 'web' },
    },
    files: { 'kind.yaml': 'kind: Cluster\n' },
    manifests: {},
    steps: [
      {
        id: 'kind-create',
        title: 'Create the kind cluster',
        command: ['kind', 'create', 'cluster', '--name', name, '--config', { file: 'kind.yaml' }],
      },
    ],
  } as unknown as LabRendering;
}

function setup(name: string, preflight: () => void = () => undefined) {
  const dir = mkdtempSync(join(tmpdir(), 'kindscope-create-'));
  dirs.push(dir);
  const store = new RunStore(dir);
  const runner = new PipelineRunner({ store, log: createMemoryLogger() });
  const engine = new ScriptedEngine();
  const deps: LabPipelineDeps = {
    runTool: engine.runTool,
    preflight: async () => {
      preflight();
      return [];
    },
    statusSource: () => ({ status: () => Promise.reject(new Error('not followed here')) }) as never,
    verify: async () => undefined,
    nodeAddresses: async () =>
      engine.clusters.has(name) ? [{ name: `${name}-control-plane`, ipv4: '172.18.0.2' }] : [],
  };
  const record = store.create({ kind: 'create', cluster: name, steps: [], facts: {} });
  /** The steps built again from the journal, as LabRunService.resume does. */
  const steps = () => createPipeline(rendering(name), record.dir, deps);
  record.steps = steps().map((s) => ({
    name: s.name,
    title: s.title,
    command: s.command,
    state: 'pending',
    logPath: join(record.dir, 'logs', `${s.name}.log`),
    attempts: 0,
  })) as RunRecord['steps'];
  store.save(record);
  /** Cleanup as LabRunService.cleanup does it: the journal, collapsed, through the lab removers. */
  const cleanup = () => {
    record.created = collapse(record.created);
    return runner.cleanup(record, labRemovers(engine.runTool));
  };
  return { store, runner, engine, record, steps, cleanup };
}

describe('the create pipeline never deletes what the run did not make', () => {
  it('a same-named cluster made after the preflight is neither recorded nor deleted, on the run, its retry or cleanup', async () => {
    const name = 'lab';
    const { runner, engine, record, steps, cleanup } = setup(name, () => {
      // Someone makes a cluster of the same name between the preflight and `kind create`.
      if (!engine.clusters.has(name)) engine.clusters.set(name, { madeBy: 'someone else' });
    });

    const first = await runner.run(record, steps());
    expect(first.state).toBe('failed');
    const failed = first.steps.find((s) => s.name === 'kind-create')!;
    expect(failed.error?.message).toBe('A kind cluster named "lab" appeared since the preflight');
    expect(first.created).toEqual([]);

    // The retry (resume) refuses again: the run never made it, whatever the journal's facts say now.
    const retried = await runner.run(first, steps());
    expect(retried.state).toBe('failed');
    expect(retried.created).toEqual([]);

    const cleaned = await cleanup();
    expect(cleaned.state).toBe('cleaned');
    expect(engine.calls.filter((c) => c.startsWith('kind '))).toEqual([]);
    expect(engine.clusters.get(name)).toEqual({ madeBy: 'someone else' });
  });

  it("the run's own partial cluster (a failed create) is removed on retry, then made again, and cleanup removes exactly the journal", async () => {
    const name = 'mine';
    const { runner, engine, record, steps, cleanup } = setup(name);
    engine.clusters.set('other', { madeBy: 'someone else' });
    engine.failNextCreate = true;

    const first = await runner.run(record, steps());
    expect(first.state).toBe('failed');
    // Recorded before `kind create` ran: a failed or cancelled create still leaves containers to clean up.
    expect(first.created.map((r) => `${r.kind} ${r.name}`)).toEqual([
      'kind-cluster mine',
      'kubeconfig-context kind-mine',
    ]);
    expect(engine.clusters.get(name)).toEqual({ madeBy: 'run' });

    engine.calls.length = 0;
    const retried = await runner.run(first, steps());
    expect(retried.state).toBe('done');
    expect(engine.calls.filter((c) => c.startsWith('kind '))).toEqual([
      'kind delete cluster --name mine',
      expect.stringMatching(/^kind create cluster --name mine --config \/.*\/kind\.yaml$/),
    ]);

    engine.calls.length = 0;
    const cleaned = await cleanup();
    expect(cleaned.state).toBe('cleaned');
    // Newest first, each journal entry once, nothing else; the other cluster untouched.
    expect(engine.calls).toEqual(['kubectl config get-contexts --output name', 'kind delete cluster --name mine']);
    expect([...engine.clusters.keys()]).toEqual(['other']);
  });
});
