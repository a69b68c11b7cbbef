import { isIP } from 'node:net';
import { isAbsolute } from 'node:path';
import ipaddr from 'ipaddr.js';
import { matchElevated } from './elevated-scripts';

/**
 * How the run policy (run-policy.ts) checks each tool's arguments: the shapes a rule can
 * name (a first argument, a subcommand after global flags, exact commands), and the checks of
 * the tools whose arguments carry values (`ip`, `tar`, `ping`, the administrator prompts).
 */

/** A tool's own name, optionally with a platform or version suffix as release downloads carry. */
export const named = (name: string) => new RegExp(`^${name}([-_.][\\w.-]+)?$`);

export const firstArgIn =
  (...allowed: string[]) =>
  (args: readonly string[]) =>
    args[0] !== undefined && allowed.includes(args[0])
      ? undefined
      : `the first argument must be one of ${allowed.join(', ')} (got ${JSON.stringify(args[0] ?? '')})`;

/**
 * The subcommand after the tool's global flags (`kubectl --context kind-demo apply`, `helm
 * --kube-context X install`: cobra takes them before or after the subcommand). Each global
 * flag named here takes one value; any other leading flag is refused.
 */
export const verbAfterGlobals =
  (globals: readonly string[], ...allowed: string[]) =>
  (args: readonly string[]) => {
    let i = 0;
    while (i < args.length && args[i]!.startsWith('-')) {
      const flag = args[i]!.split('=')[0]!;
      if (!globals.includes(flag)) return `the global flag ${JSON.stringify(flag)} is not one Kindscope passes`;
      i += args[i]!.includes('=') ? 1 : 2;
    }
    return firstArgIn(...allowed)(args.slice(i));
  };

export const exactly =
  (...shapes: readonly string[][]) =>
  (args: readonly string[]) =>
    shapes.some((shape) => shape.length === args.length && shape.every((a, i) => a === args[i]))
      ? undefined
      : `only ${shapes.map((s) => `"${s.join(' ')}"`).join(' or ')} is run`;

/**
 * `ip -j {link|route|neigh|addr} show [ADDRESS]`: read-only, JSON; and `ip neigh del ADDRESS
 * dev DEVICE`, the one change: the pipeline's verification clears a stale entry first.
 */
export function ipArgs(args: readonly string[]): string | undefined {
  if (args[0] === 'neigh' && args[1] === 'del') {
    const [, , address, dev, device, ...extra] = args;
    return address &&
      /^[0-9a-fA-F.:]{2,45}$/.test(address) &&
      dev === 'dev' &&
      device &&
      /^[\w.@-]{1,15}$/.test(device) &&
      extra.length === 0
      ? undefined
      : 'only `ip neigh del ADDRESS dev DEVICE` changes anything';
  }
  const [json, object, verb, address, ...rest] = args;
  if (json !== '-j' || !['link', 'route', 'neigh', 'addr'].includes(object ?? '') || verb !== 'show' || rest.length > 0)
    return 'only `ip -j link|route|neigh|addr show [ADDRESS]` is run';
  if (address !== undefined && !/^[0-9a-fA-F.:]{2,45}$/.test(address)) return `"${address}" is not an IP address`;
  return undefined;
}

/** `tar -xzf ARCHIVE -C DIR MEMBER`: extracts one named member of a checked download. */
export function tarArgs(args: readonly string[]): string | undefined {
  const [flag, archive, dirFlag, dir, member, ...rest] = args;
  if (flag !== '-xzf' || dirFlag !== '-C' || !archive || !dir || !member || rest.length > 0)
    return 'only `tar -xzf ARCHIVE -C DIR MEMBER` is run';
  if (!isAbsolute(archive) || !isAbsolute(dir)) return 'the archive and the folder must be absolute paths';
  if (isAbsolute(member) || member.startsWith('-') || member.split('/').includes('..'))
    return `archive member "${member}" must be a relative path inside the archive`;
  return undefined;
}

/**
 * The administrator prompts: the script must be one of Kindscope's own templates
 * (elevated-scripts.ts) rendered with parameters that pass its validators — equal, not
 * "looks like". Whatever built the command, anything else is refused here.
 */
export function osascriptArgs(args: readonly string[]): string | undefined {
  const shape = /^do shell script "([^]*)" with administrator privileges$/.exec(args[1] ?? '');
  if (args.length !== 2 || args[0] !== '-e' || !shape)
    return 'only `osascript -e \'do shell script "…" with administrator privileges\'` is run';
  const matched = matchElevated('osascript', shape[1]!);
  return 'problem' in matched ? matched.problem : undefined;
}

/** `pkexec /bin/sh -c SCRIPT`, SCRIPT one of Kindscope's own templates (as for osascript). */
export function pkexecArgs(args: readonly string[]): string | undefined {
  if (args.length !== 3 || args[0] !== '/bin/sh' || args[1] !== '-c') return 'only `pkexec /bin/sh -c SCRIPT` is run';
  const matched = matchElevated('pkexec', args[2]!);
  return 'problem' in matched ? matched.problem : undefined;
}

export function pingArgsProblem(args: readonly string[]): string | undefined {
  const [n, c, count, ...rest] = args;
  // 0.2 s is the shortest interval ping allows a user without privileges (iputils); no flooding.
  const interval = rest[0] === '-i' ? rest[1] : undefined;
  const tail = interval === undefined ? rest : rest.slice(2);
  const ok =
    n === '-n' &&
    c === '-c' &&
    /^([1-9]|10)$/.test(count ?? '') &&
    (interval === undefined || (/^\d{1,2}(\.\d{1,2})?$/.test(interval) && Number(interval) >= 0.2)) &&
    tail.length === 3 &&
    tail[0] === '-W' &&
    /^[1-9]\d{0,3}$/.test(tail[1] ?? '') &&
    unicastAddress(tail[2]);
  return ok
    ? undefined
    : 'only `ping -n -c COUNT (1–10) [-i INTERVAL ≥ 0.2] -W WAIT ADDRESS` is run, to one unicast IP address (no name, broadcast or multicast)';
}

/** One IP address of one host: never a name (no lookup), a broadcast, multicast or unspecified address. */
export function unicastAddress(value: string | undefined): boolean {
  if (!value || !isIP(value)) return false;
  const range = ipaddr.parse(value).range();
  return !['broadcast', 'multicast', 'unspecified', 'reserved'].includes(range);
}
