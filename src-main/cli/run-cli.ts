import { parseArgs, type ParseArgsOptionDescriptor } from 'node:util';
import type { AppOptions } from '../app/compose';
import { createTypedClient, type AppError } from '../contract';
import { withTimeout } from '../core/util/timeout';
import { closest, type CliCommand, type CliContext } from './cli-command';
import { commands } from './commands';
import { ExitCode, formatError, type Output } from './output';

const globalOptions: Record<string, ParseArgsOptionDescriptor> = {
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};

export const usage = `Usage: kindscope <command> [options]

Commands:
${commands.map((command) => `  ${command.name.padEnd(16)}  ${command.summary}`).join('\n')}

Options:
  --json            Machine-readable output on stdout (errors as {"error":{code,message,hint}})
  -h, --help        Show this help; \`kindscope <command> --help\` for one command

Conventions for cluster commands: --cluster NAME names an existing cluster, --name NAME
the one being created, --yes confirms a destructive action without a prompt.

Exit codes: 0 success, 1 the command failed, 2 wrong usage, 130 interrupted.
`;

function commandUsage(command: CliCommand): string {
  return (
    `Usage: ${command.help.trim()}\n\n${command.summary}.\nOptions for every command: ` +
    '--json, -h/--help. Exit codes: ' +
    `0 success, 1 the command failed, 2 wrong usage, 130 interrupted.\n`
  );
}

/** How long Ctrl-C waits for work a command asked to finish (`finishBeforeExit`). */
const finishBeforeExitMs = 30_000;

/**
 * The `kindscope` command line: a transport over the same handler table as the desktop
 * window and serve mode. Returns the exit code; never throws for an expected failure.
 * The app (Docker, Kubernetes client) is loaded only once a command is known to run, so a
 * usage error or `--help` answers at once.
 */
export async function runCli(
  argv: string[],
  output: Output,
  appOptions: Partial<AppOptions> = {},
  signal: AbortSignal = new AbortController().signal,
): Promise<number> {
  // `--json` anywhere asks for errors as JSON on stdout, usage errors included.
  const wantsJson = argv.includes('--json');
  const usageError = (message: string, hint = 'Run `kindscope --help` for the commands and options.') => {
    const error: AppError = { code: 'INVALID_INPUT', message: cliWording(message), hint };
    if (wantsJson) output.out(`${JSON.stringify({ error }, null, 2)}\n`);
    else output.err(formatError(error));
    return ExitCode.usage;
  };
  // The verb comes first, as with git and kubectl.
  const name = argv[0] === undefined || argv[0].startsWith('-') ? undefined : argv[0];
  const command = commands.find((candidate) => candidate.name === name);
  if (name !== undefined && !command) {
    const suggestion = closest(
      name,
      commands.map((c) => c.name),
    );
    return usageError(
      `Unknown command "${name}"`,
      suggestion
        ? `Did you mean \`kindscope ${suggestion}\`? Run \`kindscope --help\` for the commands.`
        : 'Run `kindscope --help` for the commands.',
    );
  }
  const options = { ...globalOptions, ...command?.options };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (error) {
    return usageError(
      describeParseError(error as Error, Object.keys(options)),
      command ? `Run \`kindscope ${command.name} --help\`.` : undefined,
    );
  }
  const { values, positionals } = parsed;
  if (!command) {
    (values.help ? output.out : output.err)(usage);
    return values.help ? ExitCode.ok : ExitCode.usage;
  }
  if (values.help) {
    output.out(commandUsage(command));
    return ExitCode.ok;
  }
  const rest = positionals.slice(1);
  if (rest.length > 0 && !command.positionals) {
    // `kindscope delete lab1` means `--cluster lab1` (and `create lab1` means `--name lab1`), as people type it.
    const flag = positionalFlag(command, values);
    if (flag) values[flag] = rest.shift();
    if (rest.length > 0)
      return usageError(`Unexpected argument "${rest[0]}"`, `Run \`kindscope ${command.name} --help\`.`);
  }

  const { createApp } = await import('../app/compose');
  const app = createApp({ transport: 'cli', live: command.live?.(values) ?? false, ...appOptions });
  const json = values.json === true;
  const finishing: Promise<unknown>[] = [];
  const context: CliContext = {
    client: createTypedClient(app.router),
    output,
    values,
    positionals: rest,
    json,
    signal,
    fail: (raw: AppError) => {
      const error = { ...raw, message: cliWording(raw.message) };
      if (json) output.out(`${JSON.stringify({ error }, null, 2)}\n`);
      else output.err(formatError(error));
      return ExitCode.failed;
    },
    usageError: (message) => usageError(message, `Run \`kindscope ${command.name} --help\`.`),
    print: (value, text) => output.out(json ? `${JSON.stringify(value, null, 2)}\n` : text),
    finishBeforeExit: (work) => void finishing.push(work.catch(() => undefined)),
  };
  // Ctrl-C: stop waiting for the command and dispose at once (helper containers go with it).
  let onAbort: (() => void) | undefined;
  const interrupted = new Promise<number>((resolve) => {
    onAbort = () => resolve(ExitCode.interrupted);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([command.run(context), interrupted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    // What the command asked to finish (Ctrl-C raced past the command itself), before the app goes.
    if (finishing.length > 0) await withTimeout(Promise.all(finishing), finishBeforeExitMs).catch(() => undefined);
    await app.dispose();
  }
}

/** The flag a lone positional word stands for: `--cluster` (an existing cluster) or `--name` (one being made). */
function positionalFlag(command: CliCommand, values: Record<string, unknown>): 'cluster' | 'name' | undefined {
  for (const flag of ['cluster', 'name'] as const)
    if (command.options?.[flag]?.type === 'string') return values[flag] === undefined ? flag : undefined;
  return undefined;
}

/** Contract fields as the command line names them. */
const flagForField: Record<string, string> = {
  cluster: '--cluster',
  namespace: '--service (its namespace)',
  service: '--service',
  tool: 'the tool name',
  path: 'PATH',
};

/**
 * The router speaks of calls and input fields (`Invalid input for topology:snapshot:
 * input.cluster: …`); a person at a terminal typed a command and flags.
 */
export function cliWording(message: string): string {
  return message
    .replace(/^Invalid input for [a-z-]+:[a-z-]+: /, 'Invalid ')
    .replace(/\binput\.([A-Za-z]+)(?:\.[\w.]+)?/g, (whole, field: string) => flagForField[field] ?? whole);
}

/** parseArgs' own messages name the option; add the closest known one. */
function describeParseError(error: Error, known: string[]): string {
  const unknown = /Unknown option '(--?[^']+)'/.exec(error.message)?.[1];
  if (!unknown) return error.message.split('. To specify')[0]!;
  const suggestion = closest(unknown.replace(/^-+/, ''), known);
  return `Unknown option ${unknown}${suggestion ? ` (did you mean --${suggestion}?)` : ''}`;
}
