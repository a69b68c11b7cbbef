import type { CliCommand } from '../cli-command';
import { ExitCode } from '../output';

export const versionCommand: CliCommand = {
  name: 'version',
  summary: "Print Kindscope's version",
  help: 'kindscope version [--json]',
  async run({ client, fail, print }) {
    const result = await client.invoke('app:info', {});
    if (!result.ok) return fail(result.error);
    print(result.value, `Kindscope ${result.value.version}\n`);
    return ExitCode.ok;
  },
};
