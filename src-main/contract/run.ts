import { z } from 'zod';
import { AppError } from './errors';

/** A step's life: pending → running → done | failed | cancelled; `skipped` when not needed. */
export const StepState = z.enum(['pending', 'running', 'done', 'failed', 'cancelled', 'skipped']);
export type StepState = z.infer<typeof StepState>;

/** What a run made, so that cleanup removes exactly that and nothing else. */
export const CreatedResource = z.object({
  kind: z.enum(['kind-cluster', 'kubeconfig-context', 'helm-release', 'manifest', 'container', 'file']),
  /** The name as the tool knows it: cluster name, context, `namespace/name` of a release or object. */
  name: z.string(),
  /** For manifests: `kind apiVersion` of the object, the kubeconfig context it lives in. */
  detail: z.string().optional(),
});
export type CreatedResource = z.infer<typeof CreatedResource>;

export const RunStep = z.object({
  name: z.string(),
  title: z.string(),
  state: StepState,
  /** The exact command or API call the step runs, shown before it runs. */
  command: z.string(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  /** Wall time of the last attempt (ms). */
  ms: z.number().optional(),
  /** 0–1 where the step can tell. */
  progress: z.number().min(0).max(1).optional(),
  /** What the step is waiting for right now (e.g. "cilium-abcde: ContainerCreating"). */
  detail: z.string().optional(),
  /** The step's own log on disk. */
  logPath: z.string(),
  error: AppError.optional(),
  /** How many times the step ran (resume runs only the failed and later steps). */
  attempts: z.number().int().min(0),
});
export type RunStep = z.infer<typeof RunStep>;

export const RunState = z.enum(['running', 'done', 'failed', 'cancelled', 'cleaned']);
export type RunState = z.infer<typeof RunState>;

/** A run's journal as stored on disk: it survives a restart of Kindscope. */
export const RunRecord = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  /** What the run does: build a lab, fix one, start or stop it. */
  kind: z.enum(['create', 'fix', 'start', 'stop', 'delete']),
  cluster: z.string(),
  state: RunState,
  createdAt: z.string(),
  updatedAt: z.string(),
  steps: z.array(RunStep),
  created: z.array(CreatedResource),
  /** Facts later steps need and the result shows (external IP, lease holder, …). */
  facts: z.record(z.string(), z.unknown()),
  /** The folder holding journal.json and the step logs. */
  dir: z.string(),
});
export type RunRecord = z.infer<typeof RunRecord>;
