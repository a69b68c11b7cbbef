import { resolve } from 'node:path';
import { ToolName } from '../../contract';
import type { CliCommand } from '../cli-command';
import { ExitCode, formatTools } from '../output';

export const toolsCommand: CliCommand = {
  name: 'tools',
  summary: 'kind, helm, kubectl, cilium, docker (and brew on macOS): path, version, status, fix',
  help: `kindscope tools [--json]
kindscope tools download NAME
kindscope tools download kind --version v0.32.0
kindscope tools set-path NAME PATH
kindscope tools set-path NAME --clear

Each tool's path, version, where it was found, its status and what to do when it is missing
or too old. \`download\` installs the pinned version of kind, helm, kubectl or cilium into
Kindscope's data folder after checking its published SHA-256; kind's release follows the lab
plan (the default plan's, or \`--version\`: the plan's cluster.kindVersion), checked against that
release's own \`.sha256sum\`. \`set-path\` makes Kindscope use
that file for the tool (as Settings → Choose… does): it must be the tool itself — its file
name and its \`version\` output are checked, anything else is refused with the reason.
\`--clear\` forgets the choice.`,
  options: { clear: { type: 'boolean', default: false }, version: { type: 'string' } },
  positionals: true,
  async run({ client, positionals, values, json, fail, usageError, print }) {
    const [verb, tool, ...extra] = positionals;
    if (verb === 'download') {
      const parsedTool = ToolName.safeParse(tool);
      if (!parsedTool.success || extra.length > 0)
        return usageError(`tools download takes one of ${ToolName.options.join(', ')}`);
      const stopProgress = json ? undefined : client.subscribe('tools:download-progress', () => undefined);
      const version = typeof values.version === 'string' ? values.version : undefined;
      const result = await client.invoke('tools:download', {
        tool: parsedTool.data,
        ...(version !== undefined ? { version } : {}),
      });
      stopProgress?.();
      if (!result.ok) return fail(result.error);
      print(result.value, `Installed ${result.value.name} ${result.value.version} at ${result.value.path}\n`);
      return ExitCode.ok;
    }
    if (verb === 'set-path') {
      const parsedTool = ToolName.safeParse(tool);
      if (!parsedTool.success)
        return usageError(`tools set-path takes a tool (${ToolName.options.join(', ')}) and a path`);
      const clear = values.clear === true;
      const [path, ...more] = extra;
      if (clear ? path !== undefined : path === undefined || more.length > 0)
        return usageError(
          clear ? 'tools set-path NAME --clear takes no path' : 'tools set-path takes one PATH (absolute), or --clear',
        );
      const result = await client.invoke('tools:set-path', {
        tool: parsedTool.data,
        path: clear ? null : resolve(path!),
      });
      if (!result.ok) return fail(result.error);
      const status = result.value;
      print(
        status,
        clear
          ? `${status.name}: the chosen path is forgotten; now ${status.path ?? 'not found'}${status.source ? ` (${status.source})` : ''}\n`
          : `${status.name} ${status.version ?? ''}: using ${status.path}\n`,
      );
      return ExitCode.ok;
    }
    if (verb !== undefined)
      return usageError(
        `Unknown tools command "${verb}"${verb ? ' (tools, tools download NAME, tools set-path NAME PATH)' : ''}`,
      );
    const result = await client.invoke('tools:report', {});
    if (!result.ok) return fail(result.error);
    print(result.value, formatTools(result.value));
    return result.value.tools.some((t) => t.status === 'missing' || t.status === 'broken' || t.status === 'too-old')
      ? ExitCode.failed
      : ExitCode.ok;
  },
};
