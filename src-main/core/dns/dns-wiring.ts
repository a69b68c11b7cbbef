import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { delimiter } from 'node:path';
import { KindscopeError, type DnsBackend } from '../../contract';
import { findExecutable } from '../tools/executable';
import { elevatedProgramDirs, type ElevatedScript } from '../tools/elevated-scripts';
import { runTool, type RunResult } from '../tools/run-tool';
import { planWiring, RESOLVED_MIN_VERSION_FOR_PORT, type PlannedWiring, type WiringPrograms } from './dns-wiring-plan';
import { withDeadline } from '../util/timeout';

/** What the wiring reads from this machine; tests give it a platform, files and a PATH of stand-ins. */
export interface WiringEnvironment {
  platform: NodeJS.Platform;
  /** Directories searched for osascript and pkexec (in order). */
  path: string[];
  /** Whether a file exists: the programs the administrator script names are looked up in the system folders only. */
  exists(path: string): boolean;
  readFile(path: string): string | undefined;
  readLink(path: string): string | undefined;
  listDir(path: string): string[];
}

export function systemWiringEnvironment(env: NodeJS.ProcessEnv = process.env): WiringEnvironment {
  const platform = (env.KINDSCOPE_PLATFORM as NodeJS.Platform | undefined) ?? process.platform;
  const tryRead = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch {
      return undefined;
    }
  };
  return {
    platform,
    // osascript and pkexec: PATH first so a chosen install (or a test's stand-in) wins; the programs the script names come from the system folders only.
    path: [
      ...(env.PATH ?? '').split(delimiter).filter((dir) => dir.startsWith('/')),
      '/usr/bin',
      '/bin',
      '/usr/sbin',
      '/sbin',
    ],
    exists: existsSync,
    readFile: (path) => tryRead(() => readFileSync(path, 'utf8')),
    readLink: (path) => tryRead(() => readlinkSync(path)),
    listDir: (path) => tryRead(() => readdirSync(path)) ?? [],
  };
}

/**
 * Tells this machine's resolver to send `kind.internal` to the responder: detects the
 * resolver, plans the exact files and commands ({@link planWiring}), and runs them through
 * one administrator prompt (osascript on macOS, pkexec on Linux) via the run policy.
 */
export class DnsWiring {
  constructor(private readonly env: WiringEnvironment) {}

  /** Which resolver is in charge, from its own configuration files. */
  detect(): DnsBackend {
    const env = this.env;
    if (env.platform === 'darwin') return 'macos-resolver';
    if (env.platform !== 'linux') return 'manual';
    const resolvConf = env.readFile('/etc/resolv.conf') ?? '';
    const link = env.readLink('/etc/resolv.conf') ?? '';
    if (link.includes('/run/systemd/resolve/') || /^\s*nameserver\s+127\.0\.0\.53\b/m.test(resolvConf))
      return this.systemProgram('resolvectl') ? 'systemd-resolved' : 'manual';
    const nmConfigs = [
      env.readFile('/etc/NetworkManager/NetworkManager.conf') ?? '',
      ...env.listDir('/etc/NetworkManager/conf.d').map((f) => env.readFile(`/etc/NetworkManager/conf.d/${f}`) ?? ''),
    ];
    if (nmConfigs.some((text) => /^\s*dns\s*=\s*dnsmasq\b/m.test(text))) return 'networkmanager-dnsmasq';
    if (/^\s*nameserver\s+127\.0\.0\.1\b/m.test(resolvConf) && env.readFile('/etc/dnsmasq.conf') !== undefined)
      return 'dnsmasq';
    return 'manual';
  }

  /** The plan for this machine, exactly as {@link apply} would run it. */
  async plan(action: 'apply' | 'remove', port: number): Promise<PlannedWiring> {
    const backend = this.detect();
    const programs: WiringPrograms = {
      ...pick('ip', this.systemProgram('ip')),
      ...pick('resolvectl', this.systemProgram('resolvectl')),
      ...pick('systemctl', this.systemProgram('systemctl')),
    };
    if (backend === 'systemd-resolved' && action === 'apply') {
      // The version as the user's own resolvectl reports it (it asks the running systemd).
      const version = await this.resolvedVersion(this.which('resolvectl') ?? programs.resolvectl!);
      if (version !== undefined && version < RESOLVED_MIN_VERSION_FOR_PORT) {
        return {
          ...planWiring('manual', action, port),
          note:
            `systemd ${version} cannot send DNS to a port other than 53 ` +
            `(added in ${RESOLVED_MIN_VERSION_FOR_PORT}, systemd/systemd#17858): ` +
            'use dnsmasq, or run the responder on port 53 as root.',
        };
      }
    }
    return planWiring(backend, action, port, programs);
  }

  /**
   * Runs the plan's script through one administrator prompt. A cancelled or refused
   * prompt throws `CANCELLED` and nothing ran; a failed step rolls back where the plan says so.
   */
  async apply(plan: PlannedWiring): Promise<RunResult> {
    if (!plan.elevated)
      throw new KindscopeError(
        'INVALID_INPUT',
        `Kindscope cannot wire the ${plan.backend} resolver itself`,
        plan.manual.join(' '),
      );
    const [bin, args] = this.elevation(plan.elevated);
    const runner = plan.elevated.runner;
    const result = await withDeadline(5 * 60_000, undefined, (signal) =>
      runTool(runner, bin, args, { allowFailure: true, signal }),
    );
    if (result.exitCode === 0) return result;
    const text = `${result.stderr}\n${result.stdout}`;
    // osascript: "User canceled. (-128)"; pkexec: 126 dismissed, 127 not authorised (pkexec(1)).
    if (
      /User cancel+ed|\(-128\)/.test(text) ||
      (this.env.platform !== 'darwin' && (result.exitCode === 126 || result.exitCode === 127))
    ) {
      throw new KindscopeError(
        'CANCELLED',
        'The administrator prompt was cancelled or refused: nothing was changed',
        'Run it again and enter an administrator password, or follow the manual steps.',
      );
    }
    throw new KindscopeError(
      'INTERNAL',
      `Wiring the resolver failed (exit ${result.exitCode}): ${text.trim().split('\n').slice(-3).join(' ')}`,
      'Nothing is left half-done (the script rolls back); check the message, or follow the manual steps.',
    );
  }

  /** macOS: AppleScript's `do shell script … with administrator privileges`; Linux: pkexec, one prompt for all steps. */
  private elevation(elevated: ElevatedScript): [string, string[]] {
    const runner = this.which(elevated.runner) ?? (elevated.runner === 'osascript' ? '/usr/bin/osascript' : undefined);
    if (!runner)
      throw new KindscopeError(
        'TOOL_MISSING',
        'pkexec (polkit) was not found, so Kindscope cannot ask for administrator rights',
        `Run the steps shown with sudo yourself: sudo /bin/sh -c '${elevated.script.replace(/'/g, "'\\''")}'`,
      );
    return [runner, elevated.argv[1]];
  }

  /** A program the administrator script names: only from the system folders (elevated-scripts.ts). */
  private systemProgram(name: string): string | undefined {
    return elevatedProgramDirs.map((dir) => `${dir}/${name}`).find((path) => this.env.exists(path));
  }

  private which(name: string): string | undefined {
    return findExecutable(name, this.env.path);
  }

  private async resolvedVersion(resolvectl: string): Promise<number | undefined> {
    try {
      const result = await withDeadline(5_000, undefined, (signal) =>
        runTool('resolvectl', resolvectl, ['--version'], { signal, allowFailure: true }),
      );
      const version = /systemd (\d+)/.exec(result.stdout)?.[1];
      return version ? Number(version) : undefined;
    } catch {
      return undefined;
    }
  }
}

function pick<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}
