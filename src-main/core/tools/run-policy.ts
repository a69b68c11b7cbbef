import { isIP } from 'node:net';
import { isAbsolute } from 'node:path';
import ipaddr from 'ipaddr.js';
import { KindscopeError } from '../../contract';
import { macNetConnectFormula, matchElevated } from './elevated-scripts';

/**
 * Who may run what (Headlamp's runCommandPolicy.ts is the model): a pure function of the
 * request, no file system, no environment, so every rule has a table test. Every product
 * call of the raw runner goes through it (`run-tool.ts`; `run-tool.test.ts` fails when a
 * module imports the raw runner directly).
 */

/** The programs Kindscope runs, and nothing else. `login-shell` is the user's `$SHELL`, read once for PATH. */
export const policyTools = [
  'kind',
  'helm',
  'kubectl',
  'cilium',
  'docker',
  'brew',
  'ip',
  'netstat',
  'tar',
  'login-shell',
  'osascript',
  'pkexec',
  'resolvectl',
  'ping',
  'route',
] as const;
export type PolicyTool = (typeof policyTools)[number];

export interface RunRequest {
  /** What the caller believes it runs. */
  tool: PolicyTool;
  /** A bare program name (found on PATH by spawn) or an absolute path. */
  bin: string;
  args: readonly string[];
}

export type PolicyDecision =
  { allowed: true } | { allowed: false; field: 'bin' | 'args'; reason: string; hint: string };

interface ToolRule {
  /** The file names this tool goes by (`kind`, `kind-linux-amd64`, `kubectl.1.33`). */
  fileName: RegExp;
  /** Why the arguments are refused, or undefined when they are allowed. */
  checkArgs(args: readonly string[]): string | undefined;
}

/** A tool's own name, optionally with a platform or version suffix as release downloads carry. */
const named = (name: string) => new RegExp(`^${name}([-_.][\\w.-]+)?$`);

const firstArgIn =
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
const verbAfterGlobals =
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

const exactly =
  (...shapes: readonly string[][]) =>
  (args: readonly string[]) =>
    shapes.some((shape) => shape.length === args.length && shape.every((a, i) => a === args[i]))
      ? undefined
      : `only ${shapes.map((s) => `"${s.join(' ')}"`).join(' or ')} is run`;

/**
 * `ip -j {link|route|neigh|addr} show [ADDRESS]`: read-only, JSON; and `ip neigh del ADDRESS
 * dev DEVICE`, the one change: the pipeline's verification clears a stale entry first.
 */
function ipArgs(args: readonly string[]): string | undefined {
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
function tarArgs(args: readonly string[]): string | undefined {
  const [flag, archive, dirFlag, dir, member, ...rest] = args;
  if (flag !== '-xzf' || dirFlag !== '-C' || !archive || !dir || !member || rest.length > 0)
    return 'only `tar -xzf ARCHIVE -C DIR MEMBER` is run';
  if (!isAbsolute(archive) || !isAbsolute(dir)) return 'the archive and the folder must be absolute paths';
  if (isAbsolute(member) || member.startsWith('-') || member.split('/').includes('..'))
    return `archive member "${member}" must be a relative path inside the archive`;
  return undefined;
}

export { macNetConnectFormula };

/**
 * The administrator prompts: the script must be one of Kindscope's own templates
 * (elevated-scripts.ts) rendered with parameters that pass its validators — equal, not
 * "looks like". Whatever built the command, anything else is refused here.
 */
function osascriptArgs(args: readonly string[]): string | undefined {
  const shape = /^do shell script "([^]*)" with administrator privileges$/.exec(args[1] ?? '');
  if (args.length !== 2 || args[0] !== '-e' || !shape)
    return 'only `osascript -e \'do shell script "…" with administrator privileges\'` is run';
  const matched = matchElevated('osascript', shape[1]!);
  return 'problem' in matched ? matched.problem : undefined;
}

/** `pkexec /bin/sh -c SCRIPT`, SCRIPT one of Kindscope's own templates (as for osascript). */
function pkexecArgs(args: readonly string[]): string | undefined {
  if (args.length !== 3 || args[0] !== '/bin/sh' || args[1] !== '-c') return 'only `pkexec /bin/sh -c SCRIPT` is run';
  const matched = matchElevated('pkexec', args[2]!);
  return 'problem' in matched ? matched.problem : undefined;
}

const rules: Record<PolicyTool, ToolRule> = {
  kind: {
    fileName: named('kind'),
    checkArgs: firstArgIn('version', 'create', 'delete', 'get', 'export', 'load', 'build'),
  },
  helm: {
    fileName: named('helm'),
    checkArgs: verbAfterGlobals(
      ['--kube-context', '--kubeconfig', '--namespace', '-n'],
      'version',
      'repo',
      'install',
      'upgrade',
      'uninstall',
      'get',
      'status',
      'list',
      'show',
      'template',
      'search',
      'pull',
      'dependency',
    ),
  },
  kubectl: {
    fileName: named('kubectl'),
    checkArgs: verbAfterGlobals(
      ['--context', '--kubeconfig', '--namespace', '-n', '--request-timeout'],
      'version',
      'get',
      'describe',
      'apply',
      'create',
      'delete',
      'patch',
      'label',
      'annotate',
      'wait',
      'rollout',
      'expose',
      'scale',
      'logs',
      'exec',
      'config',
      'cluster-info',
      'api-resources',
      'api-versions',
      'auth',
      'events',
      'explain',
      'diff',
      'run',
      'port-forward',
      'top',
    ),
  },
  cilium: {
    fileName: named('cilium'),
    checkArgs: firstArgIn(
      'version',
      'status',
      'install',
      'upgrade',
      'uninstall',
      'config',
      'hubble',
      'connectivity',
      'sysdump',
    ),
  },
  // Not `system` (prune) and not `login`/`logout` (credentials): Kindscope has no use for them.
  docker: {
    fileName: named('docker'),
    checkArgs: firstArgIn(
      'version',
      'info',
      'ps',
      'inspect',
      'network',
      'container',
      'image',
      'images',
      'exec',
      'run',
      'create',
      'start',
      'stop',
      'kill',
      'rm',
      'logs',
      'pull',
      'tag',
      'save',
      'load',
      'cp',
      'events',
      'context',
    ),
  },
  // Homebrew for docker-mac-net-connect (core/host/connectivity-mac): its own version and
  // prefix, and the one formula, by its fixed name; nothing else is installed or started.
  brew: {
    fileName: /^brew$/,
    checkArgs: exactly(
      ['--version'],
      ['--prefix'],
      ['list', '--versions', macNetConnectFormula],
      ['install', macNetConnectFormula],
      ['upgrade', macNetConnectFormula],
      ['uninstall', macNetConnectFormula],
      ['services', 'info', '--json', macNetConnectFormula],
      ['services', 'start', macNetConnectFormula],
      ['services', 'stop', macNetConnectFormula],
      ['services', 'restart', macNetConnectFormula],
    ),
  },
  ip: { fileName: /^ip$/, checkArgs: ipArgs },
  netstat: { fileName: /^netstat$/, checkArgs: exactly(['-rn', '-f', 'inet'], ['-rn']) },
  // `route -n get ADDRESS` (macOS): which interface owns the route to one address, read-only.
  route: {
    fileName: /^route$/,
    checkArgs: (args) =>
      args.length === 3 && args[0] === '-n' && args[1] === 'get' && /^[0-9.]{7,15}$/.test(args[2] ?? '')
        ? undefined
        : 'only `route -n get IPV4-ADDRESS` is run',
  },
  tar: { fileName: /^tar$/, checkArgs: tarArgs },
  // A constant command: nothing of the user's reaches the shell's command line.
  'login-shell': { fileName: /^(sh|bash|zsh|fish|dash|ksh|mksh|tcsh|csh)$/, checkArgs: exactly(['-ilc', 'env -0']) },
  // The administrator prompts (resolver wiring, docker-mac-net-connect): only Kindscope's own
  // script templates with validated parameters (elevated-scripts.ts).
  osascript: { fileName: /^osascript$/, checkArgs: osascriptArgs },
  pkexec: { fileName: /^pkexec$/, checkArgs: pkexecArgs },
  resolvectl: { fileName: /^resolvectl$/, checkArgs: exactly(['--version']) },
  // `ping -n -c COUNT [-i INTERVAL] -W WAIT IP` (core/host): a count, an interval of 0.2 s or more, a wait and one address, nothing else.
  ping: { fileName: /^ping$/, checkArgs: (args) => pingArgsProblem(args) },
};

/** More than any command Kindscope writes; a bigger one is a bug or an attack. */
const maxArgs = 1_000;
const maxArgBytes = 128 * 1024;

function refuse(field: 'bin' | 'args', reason: string, hint: string): PolicyDecision {
  return { allowed: false, field, reason, hint };
}

/** Decides whether a command may run. Pure: the same request always gets the same answer. */
export function runCommandPolicy(request: RunRequest): PolicyDecision {
  const { tool, bin, args } = request;
  const rule = (rules as Partial<Record<string, ToolRule>>)[tool];
  if (!rule) return refuse('bin', `Kindscope does not run "${tool}"`, `Only ${policyTools.join(', ')} are run.`);
  if (bin.includes('\0') || bin.includes('\n'))
    return refuse('bin', 'The program path contains a control character', 'Choose the tool by its absolute path.');
  if (bin.includes('/') && !isAbsolute(bin))
    return refuse('bin', `Tool path "${bin}" is relative`, 'Choose the tool by its absolute path.');
  const fileName = bin.split('/').at(-1) ?? '';
  if (!rule.fileName.test(fileName)) {
    const what = tool === 'login-shell' ? 'a login shell' : tool;
    return refuse(
      'bin',
      `${bin} is not ${what}: its file name is "${fileName}"`,
      tool === 'login-shell'
        ? 'Set SHELL to sh, bash, zsh, fish, dash, ksh or tcsh.'
        : `Choose the ${tool} program itself (for example /usr/local/bin/${tool}).`,
    );
  }
  if (args.length > maxArgs)
    return refuse(
      'args',
      `${args.length} arguments for ${tool} (at most ${maxArgs})`,
      'This is a bug in Kindscope; please report it.',
    );
  for (const arg of args) {
    if (arg.includes('\0')) return refuse('args', `An argument for ${tool} contains a NUL byte`, 'Remove it.');
    if (Buffer.byteLength(arg) > maxArgBytes)
      return refuse(
        'args',
        `An argument for ${tool} is longer than ${maxArgBytes} bytes`,
        'Pass large input on stdin instead.',
      );
  }
  const problem = rule.checkArgs(args);
  if (problem)
    return refuse(
      'args',
      `Kindscope does not run \`${tool} ${args.slice(0, 3).join(' ')}\`: ${problem}`,
      'This is a bug in Kindscope; please report it.',
    );
  return { allowed: true };
}

/** The policy's answer as an exception, for callers that run the command next. */
export function assertRunAllowed(request: RunRequest): void {
  const decision = runCommandPolicy(request);
  if (!decision.allowed) throw new KindscopeError('INVALID_INPUT', decision.reason, decision.hint);
}

/** kind's rule for cluster names (validate.go): `^[a-z0-9.-]+$`. */
const clusterName = /^[a-z0-9.-]{1,63}$/;
/** A Kubernetes object name or namespace (RFC 1123 subdomain). */
const objectName = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
/** An image reference: registry/repo:tag@digest, no spaces or shell characters. */
const imageRef = /^[a-z0-9][a-z0-9._/-]*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const version = /^v?\d+\.\d+\.\d+([-+][\w.]+)?$/;

function reject(field: string, value: string, rule: string): never {
  throw new KindscopeError(
    'INVALID_INPUT',
    `${field} "${value}" is not allowed: ${rule}`,
    `Correct ${field} and try again.`,
  );
}

/**
 * Values that come from users, checked before any process starts. They never reach a
 * shell — arguments are passed as an array — but a name that kind or kubectl would
 * misread (`--kubeconfig=…`, `$(id)`) is refused here.
 */
export const validate = {
  clusterName(value: string, field = 'cluster name'): string {
    if (!clusterName.test(value))
      reject(field, value, 'kind cluster names use lowercase letters, digits, "-" and "." only');
    return value;
  },
  objectName(value: string, field = 'name'): string {
    if (!objectName.test(value)) reject(field, value, 'Kubernetes names use lowercase letters, digits, "-" and "."');
    return value;
  },
  image(value: string, field = 'image'): string {
    if (!imageRef.test(value)) reject(field, value, 'expected an image reference such as kindest/node:v1.33.1');
    return value;
  },
  version(value: string, field = 'version'): string {
    if (!version.test(value)) reject(field, value, 'expected a version such as 1.16.5');
    return value;
  },
  /** An absolute path with no NUL and no newline. */
  path(value: string, field = 'path'): string {
    if (!isAbsolute(value) || value.includes('\0') || value.includes('\n'))
      reject(field, value, 'expected an absolute path');
    return value;
  },
};

function pingArgsProblem(args: readonly string[]): string | undefined {
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
function unicastAddress(value: string | undefined): boolean {
  if (!value || !isIP(value)) return false;
  const range = ipaddr.parse(value).range();
  return !['broadcast', 'multicast', 'unspecified', 'reserved'].includes(range);
}
