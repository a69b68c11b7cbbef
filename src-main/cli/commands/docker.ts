import type { CliCommand } from '../cli-command';
import { ExitCode, formatDockerStatus } from '../output';

export const dockerCommand: CliCommand = {
  name: 'docker',
  summary: 'The Docker engine Kindscope (and kind) use: endpoint, version, flavour',
  help: `kindscope docker [--json]

The engine the docker CLI would use (DOCKER_HOST, DOCKER_CONTEXT, the current context, the
default socket), whether it answers, its version and flavour. Exit 1 when it does not answer.`,
  async run({ client, fail, print }) {
    const result = await client.invoke('docker:engine', { refresh: true });
    if (!result.ok) return fail(result.error);
    print(result.value, formatDockerStatus(result.value));
    return result.value.state === 'live' ? ExitCode.ok : ExitCode.failed;
  },
};
