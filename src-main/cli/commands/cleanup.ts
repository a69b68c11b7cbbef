import type { CliCommand } from '../cli-command';
import { ExitCode } from '../output';

export const cleanupCommand: CliCommand = {
  name: 'cleanup',
  summary: 'Remove exactly what a run created (asks first; --yes to confirm)',
  help: `kindscope cleanup RUN [--yes] [--json]

Lists what the run created — its kind cluster (node containers), kubeconfig context, Helm
release, objects — and removes exactly those. Nothing else is touched (the kind network stays,
as kind leaves it). Without --yes it only lists them and exits 1.`,
  options: { yes: { type: 'boolean', default: false } },
  positionals: true,
  async run({ client, positionals, values, output, fail, usageError, print }) {
    const [id, ...extra] = positionals;
    if (!id || extra.length) return usageError('cleanup takes one run id (see `kindscope runs`)');
    const planned = await client.invoke('lab:cleanup-plan', { id });
    if (!planned.ok) return fail(planned.error);
    const list = planned.value.remove.map((r) => `  ${r.kind} ${r.name}`).join('\n') || '  (nothing left)';
    if (values.yes !== true) {
      output.err(`Cleanup of ${id} would remove:\n${list}\nRun again with --yes to remove them.\n`);
      return ExitCode.failed;
    }
    output.err(`Removing:\n${list}\n`);
    const result = await client.invoke('lab:cleanup', { id, confirm: true });
    if (!result.ok) return fail(result.error);
    const step = result.value.steps.find((s) => s.name === 'cleanup');
    print(
      result.value,
      result.value.state === 'cleaned'
        ? `Cleaned up ${id}.\n`
        : `Cleanup of ${id} is incomplete: ${step?.error?.message ?? ''}\n  log: ${step?.logPath ?? ''}\n`,
    );
    return result.value.state === 'cleaned' ? ExitCode.ok : ExitCode.failed;
  },
};
