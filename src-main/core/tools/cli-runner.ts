import { spawn } from 'node:child_process';

/** A finished command whose exit code said it failed (or that was cancelled). */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly command: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderrTail: string,
    readonly cancelled: boolean,
  ) {
    super(
      cancelled
        ? `${command} was cancelled`
        : `${command} ${args.join(' ')} failed` +
            `${exitCode !== null ? ` with exit code ${exitCode}` : ` (${signal})`}` +
            `${stderrTail ? `: ${stderrTail.split('\n').slice(-3).join(' ').trim()}` : ''}`,
    );
  }
}

export interface RunOptions {
  /** Merged over the runner's base environment (explicitly: no implicit inheritance surprises). */
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string | Buffer;
  signal?: AbortSignal;
  /** Each line of stdout/stderr as it arrives (kind writes progress to stderr). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** After an abort: ms between SIGTERM to the process group and SIGKILL. */
  graceMs?: number;
  /** Resolve instead of throwing on a non-zero exit. */
  allowFailure?: boolean;
}

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived, for the log. */
  output: string;
  durationMs: number;
}

/**
 * The one way Kindscope runs a program: `spawn(bin, args[])` without a shell, in its own
 * process group so cancelling ends the whole tree (SIGTERM, a grace period, then SIGKILL),
 * lines streamed from both pipes, failure decided by the exit code.
 */
export function runCli(
  bin: string,
  args: readonly string[],
  options: RunOptions = {},
  baseEnv: NodeJS.ProcessEnv = process.env,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    if (options.signal?.aborted) {
      reject(new CliError(bin, args, null, null, '', true));
      return;
    }
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...baseEnv, ...options.env }))
      if (value !== undefined) env[key] = value;
    const child = spawn(bin, [...args], {
      shell: false,
      env,
      cwd: options.cwd,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let output = '';
    const pending = { stdout: '', stderr: '' };
    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;

    const emitLines = (stream: 'stdout' | 'stderr', text: string, flush = false) => {
      pending[stream] += text;
      const lines = pending[stream].split(/\r?\n/);
      pending[stream] = flush ? '' : (lines.pop() ?? '');
      for (const line of flush ? lines.filter((l, i) => l !== '' || i < lines.length - 1) : lines)
        options.onLine?.(line, stream);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stdout += text;
      output += text;
      emitLines('stdout', text);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr += text;
      output += text;
      emitLines('stderr', text);
    });

    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // The group is gone already.
      }
    };
    const onAbort = () => {
      cancelled = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), options.graceMs ?? 3_000);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.once('error', (error) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(
        Object.assign(new CliError(bin, args, null, null, error.message, false), {
          cause: error,
          code: (error as NodeJS.ErrnoException).code,
        }),
      );
    });
    child.once('close', (exitCode, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      // Children that outlived their parent on cancel are ended with it.
      if (cancelled) killGroup('SIGKILL');
      emitLines('stdout', '', true);
      emitLines('stderr', '', true);
      const result = { exitCode, signal, stdout, stderr, output, durationMs: performance.now() - started };
      if (cancelled) reject(new CliError(bin, args, exitCode, signal, tail(stderr), true));
      else if (exitCode !== 0 && !options.allowFailure)
        reject(new CliError(bin, args, exitCode, signal, tail(stderr), false));
      else resolve(result);
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
