import { isAbsolute } from 'node:path';
import { KindscopeError } from '../../contract';
import { macNetConnectFormula } from './elevated-scripts';
import {
  exactly,
  firstArgIn,
  ipArgs,
  named,
  osascriptArgs,
  pingArgsProblem,
  pkexecArgs,
  tarArgs,
  verbAfterGlobals,
} from './run-policy-args';

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

export { macNetConnectFormula };

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
      // The upgrade's backup and its way back (issue 30).
      'rollback',
      'history',
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
      // A storage migration re-writes each object as read (issue 30).
      'replace',
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
