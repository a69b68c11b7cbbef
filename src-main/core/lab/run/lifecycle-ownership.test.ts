import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../contract';
import type { RunOptions, RunResult } from '../../tools/run-tool';
import { createMemoryLogger } from '../../util/logger';
import { collapse, labRemovers } from './cleanup';
import type { LabTool } from './create-pipeline';
import { deleteSteps, startSteps, stopSteps, type LifecycleDeps } from './lifecycle-pipelines';
import { PipelineRunner, type StepDefinition } from './pipeline-runner';
import { RunStore } from './run-store';

const clusterLabel = 'io.x-k8s.kind.cluster';
const roleLabel = 'io.x-k8s.kind.role';

interface Box {
  id: string;
  name: string;
  labels: Record<string, string>;
  state: 'running' | 'exited';
}

/**
 * A scripted engine: containers with kind's labels (and some without), what `docker stop` /
 * `docker start` did to which, and every tool command. `listContainers` honours a label
 * filter as Docker does (exact `key=value`), and lists everything without one. Nothing real runs.
 */
class ScriptedEngine {
  readonly boxes: Box[] = [];
  readonly dockerCalls: string[] = [];
  readonly toolCalls: string[] = [];

  node(cluster: string, role: 'control-plane' | 'worker', name: string, state: Box['state'] = 'running') {
    this.boxes.push({
      id: `id-${name}`,
      name,
      labels: { [clusterLabel]: cluster, [roleLabel]: role },
      state,
    });
  }

  docker = {
    // No Docker networks labelled for a router here (BGP mode's `<cluster>-lb`): delete finds none to remove.
    listNetworks: async () => [],
    listContainers: async (options: { all?: boolean; filters?: { label?: string[] } }) =>
      this.boxes
        .filter((box) => options.all || box.state === 'running')
        .filter((box) =>
          (options.filters?.label ?? []).every((filter) => {
            const [key, value] = filter.split('=');
            return box.labels[key!] === value;
          }),
        )
        .map((box) => ({ Id: box.id, Names: [`/${box.name}`], Labels: box.labels, State: box.state })),
    getContainer: (id: string) => {
      const box = this.boxes.find((b) => b.id === id)!;
      return {
        stop: async () => {
          this.dockerCalls.push(`stop ${box.name}`);
          box.state = 'exited';
        },
        start: async () => {
          this.dockerCalls.push(`start ${box.name}`);
          box.state = 'running';
        },
        remove: async () => {
          this.dockerCalls.push(`remove ${box.name}`);
          this.boxes.splice(this.boxes.indexOf(box), 1);
        },
        // Start reads the node's network (keep-addresses.ts): one network, no address while stopped.
        inspect: async () => ({ Image: 'sha256:node', NetworkSettings: { Networks: { kind: { IPAddress: '' } } } }),
      };
    },
    getNetwork: () => ({
      inspect: async () => ({ IPAM: { Config: [{ Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }] }, Containers: {} }),
    }),
  };

  runTool = async (name: LabTool, args: string[], _options: RunOptions): Promise<RunResult> => {
    this.toolCalls.push([name, ...args].join(' '));
    if (name === 'kind' && args[0] === 'delete') {
      const cluster = args[args.indexOf('--name') + 1]!;
      for (const box of this.boxes.filter((b) => b.labels[clusterLabel] === cluster))
        this.boxes.splice(this.boxes.indexOf(box), 1);
    }
    return { exitCode: 0, signal: null, stdout: '', stderr: '', output: '', durationMs: 1 };
  };

  /** Who exists now, and in which state: `name state`. */
  get snapshot(): string[] {
    return this.boxes.map((b) => `${b.name} ${b.state}`);
  }
}

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/**
 * An engine with the lab `lab` (a control plane, two workers), a cluster whose name has
 * `lab` as its prefix, another one, and a user's container named like a node of `lab` but
 * without kind's labels — none of those three is `lab`'s.
 */
function engineWithNeighbours(labState: Box['state'] = 'running'): ScriptedEngine {
  const engine = new ScriptedEngine();
  engine.node('lab', 'control-plane', 'lab-control-plane', labState);
  engine.node('lab', 'worker', 'lab-worker', labState);
  engine.node('lab', 'worker', 'lab-worker2', labState);
  engine.node('lab-b', 'control-plane', 'lab-b-control-plane', labState);
  engine.node('other', 'control-plane', 'other-control-plane', labState);
  engine.boxes.push({ id: 'id-users', name: 'lab-worker3', labels: {}, state: labState });
  return engine;
}

function setup(
  engine: ScriptedEngine,
  kind: 'stop' | 'start' | 'delete',
  build: (deps: LifecycleDeps) => StepDefinition[],
) {
  const dir = mkdtempSync(join(tmpdir(), 'kindscope-lifecycle-'));
  dirs.push(dir);
  const store = new RunStore(dir);
  const runner = new PipelineRunner({ store, log: createMemoryLogger() });
  const deps: LifecycleDeps = {
    docker: engine.docker as never,
    runTool: engine.runTool,
    statusSource: () => ({ status: () => Promise.reject(new Error('not followed here')) }) as never,
    verify: async () => undefined,
    environment: async () => undefined,
  };
  const steps = build(deps);
  const record = store.create({ kind, cluster: 'lab', steps: [], facts: {} });
  record.steps = steps.map((s) => ({
    name: s.name,
    title: s.title,
    command: s.command,
    state: 'pending',
    logPath: join(record.dir, 'logs', `${s.name}.log`),
    attempts: 0,
  })) as RunRecord['steps'];
  store.save(record);
  /** Cleanup as LabRunService.cleanup does it: the journal, collapsed, through the lab removers. */
  const cleanup = (done: RunRecord) => {
    done.created = collapse(done.created);
    return runner.cleanup(done, labRemovers(engine.runTool));
  };
  return { runner, record, steps, cleanup };
}

describe('the lifecycle runs never touch or remove what is not the named lab', () => {
  it('stop stops only the labelled nodes of the lab, workers first; it records nothing, so its cleanup removes nothing', async () => {
    const engine = engineWithNeighbours();
    const { runner, record, steps, cleanup } = setup(engine, 'stop', (deps) => stopSteps('lab', deps));
    const done = await runner.run(record, steps);
    expect(done.state).toBe('done');
    expect(engine.dockerCalls).toEqual(['stop lab-worker2', 'stop lab-worker', 'stop lab-control-plane']);
    expect(engine.snapshot).toEqual([
      'lab-control-plane exited',
      'lab-worker exited',
      'lab-worker2 exited',
      'lab-b-control-plane running',
      'other-control-plane running',
      'lab-worker3 running',
    ]);
    expect(done.created).toEqual([]);

    engine.dockerCalls.length = 0;
    const cleaned = await cleanup(done);
    expect(cleaned.state).toBe('cleaned');
    expect(engine.toolCalls).toEqual([]);
    expect(engine.dockerCalls).toEqual([]);
    expect(engine.boxes).toHaveLength(6);
  });

  it('start starts only the labelled nodes of the lab, control plane first; it records nothing, so its cleanup removes nothing', async () => {
    const engine = engineWithNeighbours('exited');
    // Only the first step: the waits after it need a live cluster (lab-runs.test.ts runs them on the lab).
    const { runner, record, steps, cleanup } = setup(engine, 'start', (deps) => startSteps('lab', deps).slice(0, 1));
    const done = await runner.run(record, steps);
    expect(done.state).toBe('done');
    expect(engine.dockerCalls).toEqual(['start lab-control-plane', 'start lab-worker', 'start lab-worker2']);
    expect(engine.snapshot.filter((s) => s.endsWith('running'))).toEqual([
      'lab-control-plane running',
      'lab-worker running',
      'lab-worker2 running',
    ]);
    expect(done.created).toEqual([]);

    engine.dockerCalls.length = 0;
    const cleaned = await cleanup(done);
    expect(cleaned.state).toBe('cleaned');
    expect(engine.toolCalls).toEqual([]);
    expect(engine.dockerCalls).toEqual([]);
    expect(engine.boxes).toHaveLength(6);
  });

  it('delete runs `kind delete` for the named lab only; the neighbours stay; it records nothing for cleanup', async () => {
    const engine = engineWithNeighbours();
    const { runner, record, steps, cleanup } = setup(engine, 'delete', (deps) => deleteSteps('lab', deps));
    const done = await runner.run(record, steps);
    expect(done.state).toBe('done');
    expect(engine.toolCalls).toEqual(['kind delete cluster --name lab']);
    expect(engine.dockerCalls).toEqual([]);
    expect(engine.snapshot).toEqual([
      'lab-b-control-plane running',
      'other-control-plane running',
      'lab-worker3 running',
    ]);
    expect(done.created).toEqual([]);

    engine.toolCalls.length = 0;
    const cleaned = await cleanup(done);
    expect(cleaned.state).toBe('cleaned');
    expect(engine.toolCalls).toEqual([]);
    expect(engine.boxes).toHaveLength(3);
  });

  it('stop, start and delete of a name with no labelled nodes fail "not found" and touch nothing — not the look-alike container', async () => {
    const engine = new ScriptedEngine();
    engine.node('lab-b', 'control-plane', 'lab-b-control-plane');
    engine.boxes.push({ id: 'id-users', name: 'lab-control-plane', labels: {}, state: 'running' });
    for (const [kind, build] of [
      ['stop', (deps: LifecycleDeps) => stopSteps('lab', deps)],
      ['start', (deps: LifecycleDeps) => startSteps('lab', deps).slice(0, 1)],
      ['delete', (deps: LifecycleDeps) => deleteSteps('lab', deps)],
    ] as const) {
      const { runner, record, steps } = setup(engine, kind, build);
      const done = await runner.run(record, steps);
      expect(done.state, kind).toBe('failed');
      expect(done.steps[0]!.error?.message, kind).toBe('No kind cluster named "lab" on this engine');
      expect(done.created, kind).toEqual([]);
    }
    expect(engine.toolCalls).toEqual([]);
    expect(engine.dockerCalls).toEqual([]);
    expect(engine.snapshot).toEqual(['lab-b-control-plane running', 'lab-control-plane running']);
  });
});
