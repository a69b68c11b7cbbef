import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { runTool } from './run-tool';

/** Where a value came from, shown next to it in the UI and `kindscope tools`. */
export type ValueSource = 'process' | 'login shell' | 'common location' | 'settings' | 'managed';

export interface EnvironmentValue {
  value: string | undefined;
  source: ValueSource | undefined;
}

/** What the shell sets that a GUI app launched from the Finder or a menu does not get. */
const takenFromShell = ['PATH', 'KUBECONFIG', 'DOCKER_HOST', 'DOCKER_CONTEXT'] as const;
type TakenName = (typeof takenFromShell)[number];

/** Where people install these tools, prepended at once (before the login shell answers). */
export function commonLocations(home: string = homedir()): string[] {
  return [
    '/opt/homebrew/bin',
    '/usr/local/bin',
    join(home, '.local/bin'),
    join(home, 'go/bin'),
    join(home, '.rd/bin'),
    '/home/linuxbrew/.linuxbrew/bin',
    join(home, 'bin'),
  ];
}

export interface GuiEnvironmentOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** The user's login shell; `$SHELL` by default. */
  shell?: string;
  /** Hard limit for the login shell (ms): some .zshrc files hang or prompt. */
  timeoutMs?: number;
}

/**
 * The environment of a desktop app, repaired: an app started from the macOS Finder or a
 * Linux menu gets PATH=/usr/bin:/bin:/usr/sbin:/sbin and none of `.zshrc`'s KUBECONFIG or
 * DOCKER_HOST. Common tool locations are added at once; the login shell's environment
 * (`$SHELL -ilc 'env -0'`) is read in the background with a hard timeout and merged in
 * when it arrives. Every value records where it came from.
 */
export class GuiEnvironment {
  private shellValues: Partial<Record<TakenName, string>> | undefined;
  private shellProblem: string | undefined;
  private loading: Promise<void> | undefined;
  private readonly env: NodeJS.ProcessEnv;
  private readonly home: string;
  /** Aborted by dispose: a login shell still being read is ended (its process group with it). */
  private readonly lifetime = new AbortController();

  constructor(private readonly options: GuiEnvironmentOptions = {}) {
    this.env = options.env ?? process.env;
    this.home = options.home ?? this.env.HOME ?? homedir();
  }

  /** Starts reading the login shell; never blocks, never throws. */
  loadLoginShell(): Promise<void> {
    this.loading ??= this.readLoginShell();
    return this.loading;
  }

  /** The app is closing: a login shell still running is killed (awaited until it is gone). */
  async dispose(): Promise<void> {
    this.lifetime.abort();
    await this.loading;
  }

  get loginShellProblem(): string | undefined {
    return this.shellProblem;
  }

  /** PATH entries in search order, each with its source. */
  pathEntries(): { dir: string; source: ValueSource }[] {
    const seen = new Set<string>();
    const entries: { dir: string; source: ValueSource }[] = [];
    const add = (dirs: string[], source: ValueSource) => {
      for (const dir of dirs) {
        if (!dir || seen.has(dir)) continue;
        seen.add(dir);
        entries.push({ dir, source });
      }
    };
    add((this.env.PATH ?? '').split(delimiter), 'process');
    add((this.shellValues?.PATH ?? '').split(delimiter), 'login shell');
    add(commonLocations(this.home), 'common location');
    return entries;
  }

  /** KUBECONFIG, DOCKER_HOST, DOCKER_CONTEXT: the process's own, else the login shell's. */
  value(name: Exclude<TakenName, 'PATH'>): EnvironmentValue {
    if (this.env[name]) return { value: this.env[name], source: 'process' };
    if (this.shellValues?.[name]) return { value: this.shellValues[name], source: 'login shell' };
    return { value: undefined, source: undefined };
  }

  /** The environment to run tools with. */
  toolEnv(): Record<string, string | undefined> {
    return {
      PATH: this.pathEntries()
        .map((e) => e.dir)
        .join(delimiter),
      KUBECONFIG: this.value('KUBECONFIG').value,
      DOCKER_HOST: this.value('DOCKER_HOST').value,
      DOCKER_CONTEXT: this.value('DOCKER_CONTEXT').value,
    };
  }

  private async readLoginShell(): Promise<void> {
    const shell = this.options.shell ?? this.env.SHELL;
    if (!shell) {
      this.shellProblem = 'No login shell ($SHELL is not set)';
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs ?? 5_000);
    try {
      // A constant command: nothing of the user's reaches the shell's command line.
      const result = await runTool(
        'login-shell',
        shell,
        ['-ilc', 'env -0'],
        { signal: AbortSignal.any([controller.signal, this.lifetime.signal]), graceMs: 500, env: { HOME: this.home } },
        this.env,
      );
      const values: Partial<Record<TakenName, string>> = {};
      for (const entry of result.stdout.split('\0')) {
        const equals = entry.indexOf('=');
        if (equals < 0) continue;
        const key = entry.slice(0, equals).replace(/^[\s\S]*\n/, '');
        if ((takenFromShell as readonly string[]).includes(key)) values[key as TakenName] = entry.slice(equals + 1);
      }
      this.shellValues = values;
    } catch (error) {
      this.shellProblem = this.lifetime.signal.aborted
        ? 'Kindscope closed before the login shell answered'
        : controller.signal.aborted
          ? `The login shell ${shell} did not answer within ${this.options.timeoutMs ?? 5_000} ms`
          : `The login shell ${shell} failed: ${(error as Error).message}`;
    } finally {
      clearTimeout(timer);
    }
  }
}
