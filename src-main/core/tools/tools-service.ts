import { existsSync, readFileSync } from 'node:fs';
import { arch as osArch } from 'node:os';
import { join } from 'node:path';
import {
  KindscopeError,
  type DownloadProgress,
  type ToolName,
  type ToolsReport,
  type ToolStatus,
} from '../../contract';
import type { SettingsStore } from '../settings/settings-store';
import { Emitter, type Disposable, type Event } from '../util/emitter';
import type { Logger } from '../util/logger';
import type { GuiEnvironment } from './gui-environment';
import { isExecutable } from './executable';
import { validate } from './validate-input';
import { runTool, type RunOptions, type RunResult } from './run-tool';
import { withDeadline } from '../util/timeout';
import { downloadTool } from './tool-download';
import { compareVersions, toolSpecs, type ToolSpec } from './tool-specs';

export interface ToolsServiceOptions {
  environment: GuiEnvironment;
  settings: SettingsStore;
  /** `<data dir>/tools`: managed downloads. */
  managedDir: string;
  log: Logger;
  specs?: ToolSpec[];
  platform?: NodeJS.Platform;
}

interface Found {
  path: string;
  source: NonNullable<ToolStatus['source']>;
}

/**
 * Finds kind, helm, kubectl, cilium, docker and brew the way a desktop app must (a
 * chosen path, Kindscope's managed copy, then PATH from the process, the login shell and
 * the usual install folders), checks their versions, installs pinned copies, and runs
 * them — the one way every feature runs a tool.
 */
export class ToolsService implements Disposable {
  private readonly specs: ToolSpec[];
  private readonly progress: Emitter<DownloadProgress>;
  private readonly platform: NodeJS.Platform;
  /** Aborted by {@link dispose}: every download and tool run still going is ended (its process group too). */
  private readonly lifetime = new AbortController();
  /** Tool runs in flight, awaited by dispose once aborted: their processes are gone when it returns. */
  private readonly inFlight = new Set<Promise<unknown>>();

  /** Bytes received by a download in flight. */
  readonly onDidProgress: Event<DownloadProgress>;

  constructor(private readonly options: ToolsServiceOptions) {
    this.specs = options.specs ?? toolSpecs;
    this.platform = options.platform ?? process.platform;
    this.progress = new Emitter(options.log);
    this.onDidProgress = this.progress.event;
  }

  async report(): Promise<ToolsReport> {
    const env = this.options.environment;
    await env.loadLoginShell();
    const tools = await Promise.all(this.specs.map((spec) => this.status(spec.name)));
    const problem = env.loginShellProblem;
    return {
      tools,
      environment: {
        loginShell: problem ? { status: 'failed', problem } : { status: 'loaded' },
        path: env.pathEntries().map((entry) => ({
          ...entry,
          exists: existsSync(entry.dir),
          ...(addedByNpm(entry.dir) ? { addedBy: 'npm' as const } : {}),
        })),
        kubeconfig: sourced(env.value('KUBECONFIG')),
        dockerHost: sourced(env.value('DOCKER_HOST')),
        dockerContext: sourced(env.value('DOCKER_CONTEXT')),
      },
    };
  }

  async status(name: ToolName): Promise<ToolStatus> {
    const spec = this.spec(name);
    const managed = {
      available: Boolean(spec.download),
      ...(spec.download ? { version: spec.download.version } : {}),
      installed: existsSync(join(this.options.managedDir, name)),
    };
    const base = { name, minimum: spec.minimum, managed };
    if (spec.platforms && !spec.platforms.includes(this.platform)) return { ...base, status: 'not-applicable' };
    const found = this.find(spec);
    if (!found) {
      return {
        ...base,
        status: 'missing',
        problem: `${name} was not found on PATH or in the usual folders`,
        fix: spec.installHint,
      };
    }
    let result: RunResult;
    try {
      result = await this.runVersion(spec, found.path);
    } catch (error) {
      return {
        ...base,
        status: 'broken',
        path: found.path,
        source: found.source,
        problem: `${found.path} does not run: ${(error as Error).message}`,
        fix: spec.installHint,
      };
    }
    const version = spec.parseVersion(`${result.stdout}\n${result.stderr}`);
    if (!version)
      return {
        ...base,
        status: 'broken',
        path: found.path,
        source: found.source,
        problem: `\`${name} ${spec.versionArgs.join(' ')}\` did not print a version`,
        fix: spec.installHint,
      };
    if (compareVersions(version, spec.minimum) < 0) {
      return {
        ...base,
        status: 'too-old',
        path: found.path,
        source: found.source,
        version,
        problem: `${name} ${version} is too old: ${spec.minimumReason}`,
        fix: spec.download ? `Download ${name} ${spec.download.version} here, or upgrade yours.` : spec.installHint,
      };
    }
    return { ...base, status: 'ok', path: found.path, source: found.source, version };
  }

  /**
   * Chooses a path for a tool (null: forget the choice). The file must be the tool it
   * claims to be: an executable with the tool's name (the run policy's rule) whose
   * `version` output is that tool's. Anything else is refused with the reason, so a
   * token holder in serve mode cannot make Kindscope run an arbitrary program.
   */
  async setPath(name: ToolName, path: string | null): Promise<ToolStatus> {
    if (path !== null) await this.checkIsTool(this.spec(name), path);
    this.options.settings.update((settings) => {
      if (path === null) delete settings.toolPaths[name];
      else settings.toolPaths[name] = path;
      return settings;
    });
    return this.status(name);
  }

  /**
   * Installs the tool's pinned release, or `version` for a tool whose release follows the lab
   * plan (kind); the caller checks that `version` is one the plan may name.
   */
  async download(name: ToolName, signal?: AbortSignal, version?: string): Promise<ToolStatus> {
    const spec = this.spec(name);
    if (!spec.download)
      throw new KindscopeError('INVALID_INPUT', `Kindscope does not download ${name}`, spec.installHint);
    const wanted = version?.replace(/^v/, '') ?? spec.download.version;
    if (wanted !== spec.download.version && !spec.download.versioned)
      throw new KindscopeError(
        'INVALID_INPUT',
        `version: Kindscope downloads only ${name} ${spec.download.version}`,
        `Leave the version out, or install ${name} ${wanted} yourself and choose it with "Choose…".`,
      );
    // The version becomes part of a URL: only a plain release number.
    if (!/^\d+\.\d+\.\d+$/.test(wanted))
      throw new KindscopeError(
        'INVALID_INPUT',
        `version: "${version}" is not a release number`,
        `Give a release such as v${spec.download.version}.`,
      );
    const os = this.platform === 'darwin' ? 'darwin' : 'linux';
    const cpu = osArch() === 'arm64' ? 'arm64' : 'amd64';
    await this.track(
      downloadTool({
        name,
        version: wanted,
        artifact: spec.download.artifact(os, cpu, wanted),
        dir: this.options.managedDir,
        signal: this.untilDisposed(signal),
        onProgress: (receivedBytes, totalBytes) =>
          this.progress.fire({ tool: name, receivedBytes, ...(totalBytes ? { totalBytes } : {}) }),
      }),
    );
    return this.status(name);
  }

  /** Runs a tool by name with the repaired environment, after the run policy's check. */
  async run(name: ToolName, args: string[], options: RunOptions = {}): Promise<RunResult> {
    const found = this.find(this.spec(name));
    if (!found) throw new KindscopeError('TOOL_MISSING', `${name} is not installed`, this.spec(name).installHint);
    return this.track(
      runTool(name, found.path, args, {
        ...options,
        signal: this.untilDisposed(options.signal),
        env: { ...this.options.environment.toolEnv(), ...options.env },
      }),
    );
  }

  /**
   * Ends every download and tool run still going (the app is closing) and waits until their
   * processes are gone: no child process outlives the app.
   */
  async dispose(): Promise<void> {
    this.lifetime.abort(new KindscopeError('CANCELLED', 'Kindscope is shutting down', 'Run it again.'));
    this.progress.dispose();
    await Promise.allSettled(this.inFlight);
  }

  private track<T>(run: Promise<T>): Promise<T> {
    this.inFlight.add(run);
    const untrack = () => this.inFlight.delete(run);
    run.then(untrack, untrack);
    return run;
  }

  private untilDisposed(signal: AbortSignal | undefined): AbortSignal {
    return signal ? AbortSignal.any([signal, this.lifetime.signal]) : this.lifetime.signal;
  }

  private runVersion(spec: ToolSpec, path: string): Promise<RunResult> {
    // cwd "/": a file that is not the tool (a shell named kind) must not find a `version` script beside us.
    return this.track(
      withDeadline(10_000, this.lifetime.signal, (signal) =>
        runTool(spec.name, path, spec.versionArgs, {
          cwd: '/',
          env: this.options.environment.toolEnv(),
          signal,
          allowFailure: true,
        }),
      ),
    );
  }

  private async checkIsTool(spec: ToolSpec, path: string): Promise<void> {
    const field = `${spec.name} path`;
    validate.path(path, field);
    if (!isExecutable(path))
      throw new KindscopeError(
        'INVALID_INPUT',
        `${field}: ${path} is not an executable file`,
        `Choose the ${spec.name} program itself (for example /usr/local/bin/${spec.name}).`,
      );
    // The file name first (the policy refuses /bin/sh as kind without running it), then what it says it is.
    const result = await this.runVersion(spec, path).catch((error: unknown) => {
      if (error instanceof KindscopeError)
        throw new KindscopeError(error.code, `${field}: ${error.message}`, error.hint);
      throw new KindscopeError(
        'INVALID_INPUT',
        `${field}: ${path} does not run: ${(error as Error).message}`,
        `Choose the ${spec.name} program itself.`,
      );
    });
    if (!spec.parseVersion(`${result.stdout}\n${result.stderr}`)) {
      const said = `${result.stdout}\n${result.stderr}`.trim().split('\n')[0]?.slice(0, 120) || 'nothing';
      throw new KindscopeError(
        'INVALID_INPUT',
        `${field}: ${path} is not ${spec.name}: \`${spec.name} ${spec.versionArgs.join(' ')}\` printed "${said}", not a ${spec.name} version`,
        `Choose the ${spec.name} program itself (for example /usr/local/bin/${spec.name}).`,
      );
    }
  }

  private spec(name: ToolName): ToolSpec {
    const spec = this.specs.find((s) => s.name === name);
    if (!spec)
      throw new KindscopeError(
        'INVALID_INPUT',
        `Unknown tool ${name}`,
        'Use kind, helm, kubectl, cilium, docker or brew.',
      );
    return spec;
  }

  private find(spec: ToolSpec): Found | undefined {
    const chosen = this.options.settings.get().toolPaths[spec.name];
    if (chosen && isExecutable(chosen)) return { path: chosen, source: 'settings' };
    const managed = join(this.options.managedDir, spec.name);
    if (isExecutable(managed)) return { path: managed, source: 'managed' };
    for (const entry of this.options.environment.pathEntries()) {
      const candidate = join(entry.dir, spec.name);
      if (isExecutable(candidate)) {
        return {
          path: candidate,
          source:
            entry.source === 'process'
              ? 'process PATH'
              : entry.source === 'login shell'
                ? 'login shell PATH'
                : 'common location',
        };
      }
    }
    return undefined;
  }
}

/** Folders `npm run` prepends to PATH: every node_modules/.bin up the tree, and npm's node-gyp-bin. */
export function addedByNpm(dir: string): boolean {
  return /[/\\]node_modules[/\\]\.bin[/\\]?$/.test(dir) || /[/\\]node-gyp-bin[/\\]?$/.test(dir);
}

function sourced(value: { value: string | undefined; source: string | undefined }) {
  return { ...(value.value ? { value: value.value } : {}), ...(value.source ? { source: value.source } : {}) };
}

/** Metadata of a managed install, if any. */
export function managedInfo(managedDir: string, name: string): { version: string } | undefined {
  try {
    return JSON.parse(readFileSync(join(managedDir, `${name}.json`), 'utf8')) as { version: string };
  } catch {
    return undefined;
  }
}
