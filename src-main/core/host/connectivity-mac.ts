import { existsSync } from 'node:fs';
import { delimiter } from 'node:path';
import type { FixStep, FixStepResult, HostContext, MacNetConnectState } from '../../contract';
import { compareVersions } from '../tools/tool-specs';
import { brewPrefixes, macNetConnectFormula, renderElevated, type BrewPrefix } from '../tools/elevated-scripts';
import { findExecutable } from '../tools/executable';
import { runTool } from '../tools/run-tool';
import { withDeadline } from '../util/timeout';

/** docker-mac-net-connect before 0.1.5 does not work with Docker Desktop 4.52+ (chipmk/docker-mac-net-connect#63). */
const minimumForNewDesktop = '0.1.5';
const newDesktop = '4.52.0';

export interface MacEnvironment {
  env: NodeJS.ProcessEnv;
  /** Whether a file exists (the fixed brew paths, /var/run/docker.sock). */
  exists(path: string): boolean;
}

export const realMacEnvironment = (env: NodeJS.ProcessEnv = process.env): MacEnvironment => ({
  env,
  exists: existsSync,
});

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  return findExecutable(name, (env.PATH ?? '').split(delimiter).filter(Boolean));
}

/**
 * Finds Homebrew: its fixed locations first, else a `brew` on PATH whose `--prefix` is one
 * of the two. The prefix returned is always one of the constants above — the string brew
 * printed is compared, never passed on — so the elevated command names brew by a fixed path.
 */
export async function findBrew(
  mac: MacEnvironment,
): Promise<{ path: string; prefix: BrewPrefix } | { problem: string }> {
  for (const prefix of brewPrefixes)
    if (mac.exists(`${prefix}/bin/brew`)) return { path: `${prefix}/bin/brew`, prefix };
  const found = onPath('brew', mac.env);
  if (!found)
    return {
      problem:
        'Homebrew is not installed (no /opt/homebrew/bin/brew, no /usr/local/bin/brew, ' +
        'no brew on PATH): install it from https://brew.sh, then run the fix again.',
    };
  const printed = (await runTool('brew', found, ['--prefix'], { allowFailure: true })).stdout.trim();
  const prefix = brewPrefixes.find((p) => p === printed);
  if (!prefix)
    return {
      problem:
        `The brew on PATH (${found}) reports the prefix ${JSON.stringify(printed.slice(0, 80))}, ` +
        'not /opt/homebrew or /usr/local: ' +
        'Kindscope runs Homebrew as root only from those two fixed places.',
    };
  return { path: found, prefix };
}

/** The least docker-mac-net-connect version this Docker Desktop needs (unknown version: the newest rule). */
export function requiredVersion(host: HostContext): string | undefined {
  if (host.runtime !== 'docker-desktop') return undefined;
  if (host.runtimeVersion && compareVersions(host.runtimeVersion, newDesktop) < 0) return undefined;
  return minimumForNewDesktop;
}

/** What Homebrew says: installed and which version, whether the service runs; whether the Docker socket exists. */
export async function readMacState(host: HostContext, mac: MacEnvironment): Promise<MacNetConnectState> {
  const dockerSocket = mac.exists('/var/run/docker.sock');
  const required = requiredVersion(host);
  const base = { dockerSocket, serviceRunning: false, ...(required ? { requiredVersion: required } : {}) };
  const brew = await findBrew(mac);
  if ('problem' in brew) return { ...base, brewProblem: brew.problem };
  const listed = await runTool('brew', brew.path, ['list', '--versions', macNetConnectFormula], { allowFailure: true });
  const installedVersion =
    listed.exitCode === 0 ? /docker-mac-net-connect\s+(\S+)/.exec(listed.stdout)?.[1] : undefined;
  let serviceRunning = false;
  if (installedVersion) {
    const info = await runTool('brew', brew.path, ['services', 'info', '--json', macNetConnectFormula], {
      allowFailure: true,
    });
    try {
      const services = JSON.parse(info.stdout) as { running?: boolean; status?: string }[];
      serviceRunning = services.some((s) => s.running === true || s.status === 'started');
    } catch {
      serviceRunning = false;
    }
  }
  return { ...base, brew, ...(installedVersion ? { installedVersion } : {}), serviceRunning };
}

export function isTooOld(state: MacNetConnectState): boolean {
  return (
    !!state.installedVersion &&
    !!state.requiredVersion &&
    compareVersions(state.installedVersion.replace(/_\d+$/, ''), state.requiredVersion) < 0
  );
}

function userStep(action: FixStep['action'], brewPath: string): FixStep {
  const argv = [brewPath, action, macNetConnectFormula];
  return { action, argv, display: argv.join(' '), elevated: false };
}

/**
 * `brew services` for docker-mac-net-connect runs as root (it creates a utun and routes), through
 * the macOS administrator prompt. The prompt's shell has PATH=/usr/bin:/bin:/usr/sbin:/sbin, so
 * brew is named by its fixed absolute path; the string holds constants only.
 */
export function elevatedStep(action: 'start' | 'stop' | 'restart', prefix: BrewPrefix): FixStep {
  const { argv, script } = renderElevated('mac-net-connect-service', { prefix, action });
  const [bin, args] = argv;
  return {
    action,
    argv: [bin, ...args],
    display: `osascript -e 'do shell script "${script}" with administrator privileges'`,
    elevated: true,
  };
}

/** The steps that make docker-mac-net-connect run, or why none can. `routed`: every Docker subnet has its tunnel route. */
export function planMacFix(
  host: HostContext,
  state: MacNetConnectState,
  routed: boolean,
): { plan: FixStep[]; note?: string } {
  if (host.runtime === 'orbstack')
    return {
      plan: [],
      note: 'OrbStack routes container IPs to macOS itself: nothing to install, Kindscope only verifies.',
    };
  if (host.runtime === 'colima')
    return {
      plan: [],
      note:
        'Colima keeps containers inside its VM and docker-mac-net-connect supports Docker Desktop ' +
        'only: start Colima with `colima start --network-address`, ' +
        "then route the kind subnet to the VM's address (`sudo route -n add <subnet> <VM IP>`).",
    };
  if (host.runtime !== 'docker-desktop')
    return {
      plan: [],
      note:
        `With ${host.runtime} the containers live in a VM Kindscope cannot route into ` +
        'automatically: give the VM an address this Mac reaches and add a route to the kind subnet ' +
        'through it (docker-mac-net-connect supports Docker Desktop only).',
    };
  if (!state.brew) return { plan: [], note: state.brewProblem ?? 'Homebrew was not found.' };
  if (!state.dockerSocket)
    return {
      plan: [],
      note:
        'docker-mac-net-connect talks to /var/run/docker.sock, which does not exist: ' +
        'in Docker Desktop, Settings → Advanced, ' +
        'turn on "Allow the default Docker socket to be used", then run the fix again.',
    };
  const { path, prefix } = state.brew;
  if (!state.installedVersion) return { plan: [userStep('install', path), elevatedStep('start', prefix)] };
  if (isTooOld(state))
    return { plan: [userStep('upgrade', path), elevatedStep(state.serviceRunning ? 'restart' : 'start', prefix)] };
  if (!state.serviceRunning) return { plan: [elevatedStep('start', prefix)] };
  // Running without its routes: a Docker Desktop upgrade or Resource Saver dropped the tunnel; a restart rebuilds it.
  if (!routed) return { plan: [elevatedStep('restart', prefix)] };
  return { plan: [] };
}

/** Stop (as root) and uninstall (as the user). */
export function planMacRemove(state: MacNetConnectState): FixStep[] {
  if (!state.brew || !state.installedVersion) return [];
  return [
    ...(state.serviceRunning ? [elevatedStep('stop', state.brew.prefix)] : []),
    userStep('uninstall', state.brew.path),
  ];
}

/** Runs the steps in order through the run policy; stops at the first failure. osascript's user-cancel is "denied". */
export async function runSteps(
  steps: readonly FixStep[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<FixStepResult[]> {
  const results: FixStepResult[] = [];
  for (const step of steps) {
    const [bin, ...args] = step.argv;
    const result = await withDeadline(15 * 60_000, undefined, (signal) =>
      runTool(step.elevated ? 'osascript' : 'brew', bin!, args, { allowFailure: true, signal }, env),
    );
    // osascript: "execution error: User canceled. (-128)" when the prompt is dismissed.
    const denied = step.elevated && result.exitCode !== 0 && /User cancel+ed|\(-128\)/i.test(result.stderr);
    results.push({
      ...step,
      ok: result.exitCode === 0,
      exitCode: result.exitCode,
      output: result.output.slice(-2_000),
      denied,
    });
    if (result.exitCode !== 0) break;
  }
  return results;
}

export function describeMacState(state: MacNetConnectState): string {
  if (!state.brew) return 'Homebrew not found';
  if (!state.installedVersion) return 'docker-mac-net-connect not installed';
  return `docker-mac-net-connect ${state.installedVersion} installed, service ${state.serviceRunning ? 'running' : 'not running'}`;
}
