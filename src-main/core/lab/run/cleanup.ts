/**
 * What cleanup removes: exactly what a run recorded as created (`StepContext.created`),
 * newest first, nothing else — never a thing the user made.
 */
import { toAppError, type CreatedResource, type RunRecord, type RunStep } from '../../../contract';
import type { RunOptions, RunResult } from '../../tools/run-tool';
import type { LabTool } from './create-pipeline';
import type { RunStore } from './run-store';

export type Remover = (resource: CreatedResource, log: (line: string) => void, signal: AbortSignal) => Promise<void>;
export type Removers = Partial<Record<CreatedResource['kind'], Remover>>;

/** With the cluster itself to remove, what lived inside it goes with it. */
export function collapse(created: CreatedResource[]): CreatedResource[] {
  const clusters = new Set(created.filter((r) => r.kind === 'kind-cluster').map((r) => `kind-${r.name}`));
  return created.filter(
    (r) => !((r.kind === 'manifest' || r.kind === 'helm-release') && r.detail && clusters.has(r.detail)),
  );
}

/** How each kind of thing a lab run makes is removed: through the tools, tolerating absence. */
export function labRemovers(run: (name: LabTool, args: string[], options: RunOptions) => Promise<RunResult>): Removers {
  return {
    'kind-cluster': async (resource, log, signal) => {
      await run('kind', ['delete', 'cluster', '--name', resource.name], { signal, onLine: log });
    },
    'kubeconfig-context': async (resource, log, signal) => {
      // kind delete removes its context; one left behind (a failed create) goes here.
      const contexts = await run('kubectl', ['config', 'get-contexts', '--output', 'name'], { signal });
      if (contexts.stdout.split('\n').includes(resource.name))
        await run('kubectl', ['config', 'delete-context', resource.name], { signal, onLine: log });
    },
    'helm-release': async (resource, log, signal) => {
      const [namespace, release] = resource.name.split('/');
      await run('helm', ['uninstall', release!, '--namespace', namespace!, '--kube-context', resource.detail!], {
        signal,
        onLine: log,
      });
    },
    // BGP mode's router and the pool's network: removed by name, absence tolerated.
    container: async (resource, log, signal) => {
      await run('docker', ['rm', '--force', resource.name], { signal, onLine: log, allowFailure: true });
    },
    'docker-network': async (resource, log, signal) => {
      const found = await run('docker', ['network', 'inspect', resource.name], { signal, allowFailure: true });
      if (found.exitCode === 0) await run('docker', ['network', 'rm', resource.name], { signal, onLine: log });
    },
    manifest: async (resource, log, signal) => {
      const [kind, ...rest] = resource.name.split('/');
      const name = rest.pop()!;
      await run(
        'kubectl',
        [
          '--context',
          resource.detail!,
          'delete',
          kind!,
          name,
          ...(rest[0] ? ['--namespace', rest[0]] : []),
          '--ignore-not-found',
        ],
        { signal, onLine: log },
      );
    },
  };
}

/**
 * Removes what the run recorded as created, newest first, journaling each removal. A
 * removal that fails is logged and the run stays un-cleaned, so cleanup can be tried again.
 */
export async function removeCreated(record: RunRecord, removers: Removers, store: RunStore): Promise<RunRecord> {
  const step = cleanupStep(record);
  const log = (line: string) => store.appendLog(step, line);
  const failures: string[] = [];
  for (const resource of [...record.created].reverse()) {
    const remover = removers[resource.kind];
    if (!remover) {
      failures.push(`${resource.kind} ${resource.name}: Kindscope cannot remove this kind of thing`);
      continue;
    }
    log(`removing ${resource.kind} ${resource.name}`);
    try {
      await remover(resource, log, new AbortController().signal);
      record.created = record.created.filter((r) => r !== resource);
    } catch (error) {
      const message = toAppError(error).message;
      failures.push(`${resource.kind} ${resource.name}: ${message}`);
      log(`failed: ${message}`);
    }
    store.save(record);
  }
  step.state = failures.length ? 'failed' : 'done';
  if (failures.length)
    step.error = {
      code: 'INTERNAL',
      message: `Could not remove ${failures.join('; ')}`,
      hint: 'See the cleanup log, fix the cause, and clean up again.',
    };
  else record.state = 'cleaned';
  return record;
}

function cleanupStep(record: RunRecord): RunStep {
  let step = record.steps.find((s) => s.name === 'cleanup');
  if (!step) {
    step = {
      name: 'cleanup',
      title: 'Clean up',
      state: 'running',
      command: 'remove what this run created',
      logPath: `${record.dir}/logs/cleanup.log`,
      attempts: 0,
    };
    record.steps.push(step);
  }
  step.state = 'running';
  step.attempts += 1;
  return step;
}
