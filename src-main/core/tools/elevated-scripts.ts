import { DNS_ZONE, KindscopeError } from '../../contract';

/**
 * The only scripts Kindscope runs as administrator: a closed, named set of fixed texts with
 * typed parameters. The run policy accepts an elevated command (`osascript -e 'do shell script
 * "…" with administrator privileges'` on macOS, `pkexec /bin/sh -c …` on Linux) only when its
 * script equals one of these templates rendered with parameters that pass the template's
 * validators — whoever built the command. Callers build their scripts here, so what the consent
 * dialog shows is the text the policy checks and the shell runs.
 */

/** The Homebrew formula of docker-mac-net-connect (chipmk/docker-mac-net-connect). */
export const macNetConnectFormula = 'chipmk/tap/docker-mac-net-connect';
/** Homebrew's two prefixes: Apple silicon, then Intel (docs.brew.sh/Installation). */
export const brewPrefixes = ['/opt/homebrew', '/usr/local'] as const;
export type BrewPrefix = (typeof brewPrefixes)[number];

/** The link systemd-resolved routes `~kind.internal` over: a dummy of our own, so no other link's DNS changes. */
export const RESOLVED_LINK = 'kindscope0';
/** The dummy link's own address: resolved skips links without a routable one. RFC 5737 TEST-NET-1, so it collides with nothing real. */
export const RESOLVED_LINK_ADDRESS = '192.0.2.53/32';
export const MACOS_RESOLVER_FILE = `/etc/resolver/${DNS_ZONE}`;
export const DNSMASQ_FILE = '/etc/dnsmasq.d/kindscope.conf';
export const NM_DNSMASQ_FILE = '/etc/NetworkManager/dnsmasq.d/kindscope.conf';

/**
 * Where a program named inside an administrator script may live: the system folders only. The
 * prompt's PATH is minimal (so never a bare name), and a program from a folder the user can
 * write would run as root whatever the user put there.
 */
export const elevatedProgramDirs = ['/usr/sbin', '/usr/bin', '/sbin', '/bin'] as const;

/** Never in a parameter, whatever its own rule says: each would let a value end the command or the string around it. */
const metacharacters: [RegExp, string][] = [
  [/"/, 'a double quote'],
  [/'/, 'a single quote'],
  [/\\/, 'a backslash'],
  [/\$/, 'a $'],
  [/`/, 'a backtick'],
  [/[\n\r]/, 'a newline'],
  [/;/, 'a ;'],
];

interface Param {
  /** What the value must be, worded for an error message. */
  rule: string;
  test(value: string): boolean;
}

const oneOf = (...values: readonly string[]): Param => ({
  rule: `one of ${values.join(', ')}`,
  test: (value) => values.includes(value),
});

/** A program by its file name, in one of the system folders. */
const program = (name: string): Param => oneOf(...elevatedProgramDirs.map((dir) => `${dir}/${name}`));

const port: Param = {
  rule: 'a whole number from 1 to 65535',
  test: (value) => /^[1-9][0-9]{0,4}$/.test(value) && Number(value) <= 65535,
};

type Runner = 'osascript' | 'pkexec';

interface Template {
  /** osascript (macOS) or pkexec (Linux): a template runs only through its own prompt. */
  runner: Runner;
  purpose: string;
  params: Record<string, Param>;
  /** The commands in order, as the consent dialog lists them. */
  commands(p: Record<string, string>): string[];
  /** The exact script the prompt runs. */
  script(p: Record<string, string>): string;
}

/** Writes a file atomically (a temporary beside it, then mv) from fixed lines; the lines hold no quote (checked). */
function writeFileCommands(path: string, lines: readonly string[]): string[] {
  const temporary = `${path}.kindscope-new`;
  return [
    `/bin/mkdir -p ${path.slice(0, path.lastIndexOf('/'))}`,
    ...lines.map((line, i) => `/bin/echo '${line}' ${i === 0 ? '>' : '>>'} ${temporary}`),
    `/bin/mv -f ${temporary} ${path}`,
  ];
}

const dnsmasqLines = (p: Record<string, string>) => [
  `server=/${DNS_ZONE}/127.0.0.1#${p.port}`,
  `rebind-domain-ok=/${DNS_ZONE}/`,
];
const resolvedRemove = (p: Record<string, string>) => `${p.ip} link delete ${RESOLVED_LINK}`;
const resolvedAdd = (p: Record<string, string>) => [
  `${p.ip} link add ${RESOLVED_LINK} type dummy`,
  `${p.ip} link set ${RESOLVED_LINK} up`,
  // resolved uses a link for unicast DNS only with a carrier and a routable address (systemd/systemd#32022).
  `${p.ip} addr add ${RESOLVED_LINK_ADDRESS} dev ${RESOLVED_LINK}`,
  `${p.resolvectl} dns ${RESOLVED_LINK} 127.0.0.1:${p.port}`,
  `${p.resolvectl} domain ${RESOLVED_LINK} '~${DNS_ZONE}'`,
  `${p.resolvectl} default-route ${RESOLVED_LINK} false`,
];
const joined = (commands: (p: Record<string, string>) => string[]) => (p: Record<string, string>) =>
  commands(p).join(' && ');

export const elevatedTemplates = {
  /** `brew services` for docker-mac-net-connect runs as root: it creates a utun and routes. */
  'mac-net-connect-service': {
    runner: 'osascript',
    purpose: 'start, stop or restart the docker-mac-net-connect service',
    params: { prefix: oneOf(...brewPrefixes), action: oneOf('start', 'stop', 'restart') },
    commands: (p) => [`${p.prefix}/bin/brew services ${p.action} ${macNetConnectFormula}`],
    script: (p) => `${p.prefix}/bin/brew services ${p.action} ${macNetConnectFormula}`,
  },
  /** resolver(5): macOS sends every name under the zone to 127.0.0.1 on that port. */
  'macos-resolver-write': {
    runner: 'osascript',
    purpose: `write ${MACOS_RESOLVER_FILE}`,
    params: { port },
    commands: (p) => writeFileCommands(MACOS_RESOLVER_FILE, ['nameserver 127.0.0.1', `port ${p.port}`]),
    script: joined((p) => writeFileCommands(MACOS_RESOLVER_FILE, ['nameserver 127.0.0.1', `port ${p.port}`])),
  },
  'macos-resolver-remove': {
    runner: 'osascript',
    purpose: `remove ${MACOS_RESOLVER_FILE}`,
    params: {},
    commands: () => [`/bin/rm -f ${MACOS_RESOLVER_FILE}`],
    script: () => `/bin/rm -f ${MACOS_RESOLVER_FILE}`,
  },
  /**
   * The systemd-resolved link. A leftover link from an earlier port is replaced; a failure after
   * the link exists removes it again.
   */
  'resolved-link-add': {
    runner: 'pkexec',
    purpose: `create the ${RESOLVED_LINK} link and route ${DNS_ZONE} over it`,
    params: { ip: program('ip'), resolvectl: program('resolvectl'), port },
    commands: resolvedAdd,
    script: (p) => {
      const [add, ...configure] = resolvedAdd(p);
      const remove = resolvedRemove(p);
      return `${remove} 2>/dev/null; ${add} && { ${configure.join(' && ')} || { ${remove}; exit 1; }; }`;
    },
  },
  'resolved-link-remove': {
    runner: 'pkexec',
    purpose: `delete the ${RESOLVED_LINK} link`,
    params: { ip: program('ip') },
    commands: (p) => [resolvedRemove(p)],
    script: resolvedRemove,
  },
  // dnsmasq itself, and NetworkManager's dnsmasq: each its own fixed file and reload, so no
  // parameter decides which file is written.
  'dnsmasq-write': {
    runner: 'pkexec',
    purpose: `write ${DNSMASQ_FILE} and restart dnsmasq`,
    params: { systemctl: program('systemctl'), port },
    commands: (p) => [...writeFileCommands(DNSMASQ_FILE, dnsmasqLines(p)), `${p.systemctl} restart dnsmasq`],
    script: joined((p) => [...writeFileCommands(DNSMASQ_FILE, dnsmasqLines(p)), `${p.systemctl} restart dnsmasq`]),
  },
  'dnsmasq-remove': {
    runner: 'pkexec',
    purpose: `remove ${DNSMASQ_FILE} and restart dnsmasq`,
    params: { systemctl: program('systemctl') },
    commands: (p) => [`/bin/rm -f ${DNSMASQ_FILE}`, `${p.systemctl} restart dnsmasq`],
    script: joined((p) => [`/bin/rm -f ${DNSMASQ_FILE}`, `${p.systemctl} restart dnsmasq`]),
  },
  'networkmanager-dnsmasq-write': {
    runner: 'pkexec',
    purpose: `write ${NM_DNSMASQ_FILE} and reload NetworkManager`,
    params: { systemctl: program('systemctl'), port },
    commands: (p) => [...writeFileCommands(NM_DNSMASQ_FILE, dnsmasqLines(p)), `${p.systemctl} reload NetworkManager`],
    script: joined((p) => [
      ...writeFileCommands(NM_DNSMASQ_FILE, dnsmasqLines(p)),
      `${p.systemctl} reload NetworkManager`,
    ]),
  },
  'networkmanager-dnsmasq-remove': {
    runner: 'pkexec',
    purpose: `remove ${NM_DNSMASQ_FILE} and reload NetworkManager`,
    params: { systemctl: program('systemctl') },
    commands: (p) => [`/bin/rm -f ${NM_DNSMASQ_FILE}`, `${p.systemctl} reload NetworkManager`],
    script: joined((p) => [`/bin/rm -f ${NM_DNSMASQ_FILE}`, `${p.systemctl} reload NetworkManager`]),
  },
} satisfies Record<string, Template>;

export type ElevatedTemplateName = keyof typeof elevatedTemplates;
export type ElevatedParams<N extends ElevatedTemplateName> = Record<
  keyof (typeof elevatedTemplates)[N]['params'],
  string
>;

export interface ElevatedScript {
  template: ElevatedTemplateName;
  runner: Runner;
  params: Record<string, string>;
  /** Each command, in order (the consent dialog's list). */
  commands: string[];
  /** The exact text the prompt runs. */
  script: string;
  /** The program and its arguments: osascript or pkexec, as the run policy sees them. */
  argv: [string, string[]];
}

const templates = elevatedTemplates as Record<ElevatedTemplateName, Template>;

/** Why a parameter is refused, or undefined. */
function paramProblem(name: ElevatedTemplateName, param: string, value: unknown): string | undefined {
  const rule = templates[name].params[param];
  if (!rule) return `${name} has no parameter "${param}"`;
  if (typeof value !== 'string') return `${name}: parameter ${param} must be a string`;
  for (const [pattern, what] of metacharacters)
    if (pattern.test(value)) return `${name}: parameter ${param} (${JSON.stringify(value)}) contains ${what}`;
  if (!rule.test(value)) return `${name}: parameter ${param} (${JSON.stringify(value)}) must be ${rule.rule}`;
  return undefined;
}

/** The arguments of the prompt program for a script. */
export function elevatedArgs(runner: Runner, script: string): string[] {
  return runner === 'osascript'
    ? ['-e', `do shell script "${script}" with administrator privileges`]
    : ['/bin/sh', '-c', script];
}

/**
 * A template rendered with checked parameters. A bad parameter is a bug or an attack, never a
 * user's typing (ports are validated earlier): it throws, naming the template and parameter.
 */
export function renderElevated<N extends ElevatedTemplateName>(
  name: N,
  params: ElevatedParams<N>,
  runnerPath?: string,
): ElevatedScript {
  const template = templates[name];
  const values = params as Record<string, string>;
  const problems = [
    ...Object.keys(template.params)
      .filter((param) => !(param in values))
      .map((param) => `${name}: parameter ${param} is missing`),
    ...Object.keys(values).map((param) => paramProblem(name, param, values[param])),
  ].filter((p): p is string => p !== undefined);
  if (problems.length > 0)
    throw new KindscopeError(
      'INVALID_INPUT',
      `Kindscope will not run this as administrator: ${problems.join('; ')}`,
      'This is a bug in Kindscope; please report it.',
    );
  const script = template.script(values);
  return {
    template: name,
    runner: template.runner,
    params: { ...values },
    commands: template.commands(values),
    script,
    argv: [runnerPath ?? template.runner, elevatedArgs(template.runner, script)],
  };
}

const sentinel = (param: string) => `⟨${param}⟩`; // never in a template's fixed text
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A template's text as a pattern: fixed text literal, each parameter a capture (a repeat must be the same value). */
function patternOf(name: ElevatedTemplateName): RegExp {
  const template = templates[name];
  const text = template.script(Object.fromEntries(Object.keys(template.params).map((p) => [p, sentinel(p)])));
  const seen = new Set<string>();
  const source = text
    .split(/⟨([a-z]+)⟩/)
    .map((piece, i) => {
      if (i % 2 === 0) return escapeRegExp(piece);
      if (seen.has(piece)) return `\\k<${piece}>`;
      seen.add(piece);
      return `(?<${piece}>[^]*?)`;
    })
    .join('');
  return new RegExp(`^${source}$`);
}

const patterns = new Map(
  (Object.keys(templates) as ElevatedTemplateName[]).map((name) => [name, patternOf(name)] as const),
);

/**
 * Which template a script is, with which parameters — or why it is none. Equal means equal: the
 * parameters pass their validators and rendering them gives back exactly the script.
 */
export function matchElevated(
  runner: Runner,
  script: string,
): { template: ElevatedTemplateName; params: Record<string, string> } | { problem: string } {
  const near: string[] = [];
  for (const [name, pattern] of patterns) {
    if (templates[name].runner !== runner) continue;
    const match = pattern.exec(script);
    if (!match) continue;
    const params = { ...match.groups };
    const problems = Object.entries(params)
      .map(([param, value]) => paramProblem(name, param, value))
      .filter((p): p is string => p !== undefined);
    if (problems.length > 0) {
      near.push(...problems);
      continue;
    }
    if (templates[name].script(params) === script) return { template: name, params };
  }
  const names = (Object.keys(templates) as ElevatedTemplateName[]).filter((n) => templates[n].runner === runner);
  return {
    problem:
      near.length > 0
        ? `the administrator script has a parameter Kindscope does not allow: ${near.join('; ')}`
        : `the administrator script is not one of Kindscope's own (${names.join(', ')})`,
  };
}
