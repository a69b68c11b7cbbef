import type { AppError, DockerEngineStatus, ToolsReport } from '../contract';

/** Exit codes, documented in `kindscope --help` and the README. */
export const ExitCode = {
  ok: 0,
  /** The command ran and failed (engine unreachable, cluster missing, …). */
  failed: 1,
  /** The command line is wrong. */
  usage: 2,
  /** Interrupted (Ctrl-C). */
  interrupted: 130,
} as const;

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/**
 * Service texts mark commands and names with Markdown backticks (the window renders them
 * as code). A terminal shows them plain: `kind get clusters` → kind get clusters.
 */
export function plain(text: string): string {
  return text.replace(/`([^`\n]+)`/g, '$1');
}

export function formatError(error: AppError): string {
  return `kindscope: ${plain(error.message)}\n  hint: ${plain(error.hint)}\n`;
}

export function formatDockerStatus(status: DockerEngineStatus): string {
  const endpoint = `${status.endpoint.host} (${status.endpoint.source}${status.endpoint.context ? `: ${status.endpoint.context}` : ''})`;
  const rows: [string, string][] = [['Endpoint', endpoint]];
  const engine = status.engine;
  if (status.state === 'live' && engine) {
    rows.push(
      ['Flavour', engine.flavour],
      [
        'Version',
        `${engine.version} (API ${engine.apiVersion}${engine.minApiVersion ? `, min ${engine.minApiVersion}` : ''})`,
      ],
      ['OS/Arch', `${engine.os}/${engine.arch}, ${engine.operatingSystem}, kernel ${engine.kernelVersion}`],
      ['Name', engine.name],
      [
        'Containers',
        `${engine.containers.total} (${engine.containers.running} running, ${engine.containers.paused} paused, ${engine.containers.stopped} stopped)`,
      ],
    );
  } else if (status.problem) {
    rows.push(['Problem', plain(status.problem.message)], ['Fix', plain(status.problem.hint)]);
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  return `Docker engine: ${status.state === 'live' ? 'reachable' : status.state}\n${rows
    .map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)
    .join('\n')}\n`;
}

export function formatTools(report: ToolsReport): string {
  const rows = report.tools
    .filter((tool) => tool.status !== 'not-applicable')
    .map((tool) => [tool.name, tool.status, tool.version ?? '-', tool.path ?? '-', tool.source ?? '-']);
  const header = ['TOOL', 'STATUS', 'VERSION', 'PATH', 'FOUND IN'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const table = [header, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
  const problems = report.tools
    .filter((t) => t.problem)
    .map((t) => `  ${t.name}: ${plain(t.problem ?? '')}\n    fix: ${plain(t.fix ?? '')}`);
  const shell = report.environment.loginShell.problem ? `\nLogin shell: ${report.environment.loginShell.problem}` : '';
  return `${table}\n${problems.length ? `\n${problems.join('\n')}\n` : ''}${shell}${shell ? '\n' : ''}`;
}
