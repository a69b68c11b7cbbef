import type { CliCommand } from '../cli-command';
import { ExitCode } from '../output';
import { renderFromCli } from './plan';

export const scriptCommand: CliCommand = {
  name: 'script',
  summary: 'A standalone bash script that builds the lab (the same commands the pipeline runs)',
  help: `kindscope script [--name N] [-f lab.yaml] [--json]

Prints a bash script (set -euo pipefail) that builds the plan's lab with docker, kind,
helm, kubectl and curl — no Kindscope needed: the kind config and values as heredocs,
helm install with an explicit timeout, waits, the pool, L2 policy and sample app, then
curl of the sample's LoadBalancer IP. Exit 1 when the plan is refused.`,
  options: { name: { type: 'string' }, file: { type: 'string', short: 'f' } },
  async run(context) {
    const { rendering, exit } = await renderFromCli(context, true);
    if (!rendering?.script) return exit ?? ExitCode.failed;
    context.print({ script: rendering.script }, rendering.script);
    return ExitCode.ok;
  },
};
