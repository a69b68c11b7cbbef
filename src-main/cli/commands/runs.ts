import type { CliCommand } from '../cli-command';
import { ExitCode } from '../output';

export const runsCommand: CliCommand = {
  name: 'runs',
  summary: 'The lab runs on this machine: state, steps, where their logs are',
  help: `kindscope runs [--json]

Every run Kindscope journaled on this machine (create, fix, stop, start, delete), newest first: its state, the step it
stopped at, and its folder (journal.json and one log per step).`,
  async run({ client, fail, print }) {
    const result = await client.invoke('lab:runs', {});
    if (!result.ok) return fail(result.error);
    const rows = result.value.runs.map((run) => {
      const stopped = run.steps.find((s) => s.state === 'failed' || s.state === 'cancelled' || s.state === 'running');
      return (
        `${run.id}  ${run.cluster.padEnd(16)} ${run.state.padEnd(9)} ` +
        `${stopped ? `${stopped.state} at ${stopped.name}` : `${run.steps.filter((s) => s.state === 'done').length}/${run.steps.length} steps`}\n ` +
        `   ${run.dir}`
      );
    });
    print(
      result.value,
      rows.length ? `${rows.join('\n')}\n` : 'No runs yet. Build a lab with `kindscope create --name demo`.\n',
    );
    return ExitCode.ok;
  },
};
