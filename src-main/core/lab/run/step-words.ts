/**
 * A plan step's words as the create run uses them: the command line shown (step log, run view),
 * its arguments resolved to the run's files, and the objects a manifest creates (the cleanup record).
 */
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KindscopeError, type LabStep, type StepArg } from '../../../contract';
import { shellQuote } from '../plan/script';

/** The exact command line, as the step log and the run view show it. */
export function displayCommand(step: LabStep, workDir: string): string {
  const words = step.command.map((arg) =>
    typeof arg === 'string'
      ? shellQuote(arg)
      : 'file' in arg
        ? shellQuote(join(workDir, arg.file))
        : `$(${arg.output})`,
  );
  return `${words.join(' ')}${step.stdin ? ` < ${step.stdin}.yaml` : ''}`;
}

export function resolveArg(arg: StepArg, fileDir: string): string {
  if (typeof arg === 'string') return arg;
  if ('file' in arg) return join(fileDir, arg.file);
  throw new KindscopeError(
    'INTERNAL',
    `A step argument needs the output of ${arg.output}`,
    'The pipeline resolves these itself: report this.',
  );
}

/** `Kind/namespace/name` of each object in a multi-document manifest, for the cleanup record. */
export function manifestObjects(manifest: string): string[] {
  return parseAllDocuments(manifest).flatMap((document) => {
    const object = document.toJS() as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
    const { kind, metadata } = object ?? {};
    if (typeof kind !== 'string' || typeof metadata?.name !== 'string') return [];
    return [`${kind}/${typeof metadata.namespace === 'string' ? `${metadata.namespace}/` : ''}${metadata.name}`];
  });
}
