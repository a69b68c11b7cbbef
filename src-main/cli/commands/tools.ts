import { ToolName } from '../../contract';
import type { CliCommand } from '../cli-command';
import { ExitCode, formatTools } from '../output';

export const toolsCommand: CliCommand = {
  name: 'tools',
  summary: 'kind, helm, kubectl, cilium, docker (and brew on macOS): path, version, status, fix',
  help: `kindscope tools [--json]
kindscope tools download NAME

Each tool's path, version, where it was found, its status and what to do when it is missing
or too old. \`download\` installs the pinned version of kind, helm, kubectl or cilium into
Kindscope's data folder after checking its published SHA-256.`,
  positionals: true,
  async run({ client, positionals, json, fail, usageError, print }) {
    const [verb, tool, ...extra] = positionals;
    if (verb === 'download') {
      const parsedTool = ToolName.safeParse(tool);
      if (!parsedTool.success || extra.length > 0) return usageError(`tools download takes one of ${ToolName.options.join(', ')}`);
      const stopProgress = json ? undefined : client.subscribe('tools:download-progress', () => undefined);
      const result = await client.invoke('tools:download', { tool: parsedTool.data });
      stopProgress?.();
      if (!result.ok) return fail(result.error);
      print(result.value, `Installed ${result.value.name} ${result.value.version} at ${result.value.path}\n`);
      return ExitCode.ok;
    }
    if (verb !== undefined) return usageError(`Unknown tools command "${verb}"`);
    const result = await client.invoke('tools:report', {});
    if (!result.ok) return fail(result.error);
    print(result.value, formatTools(result.value));
    return result.value.tools.some((t) => t.status === 'missing' || t.status === 'broken' || t.status === 'too-old') ? ExitCode.failed : ExitCode.ok;
  },
};
