import { DNS_ZONE, KindscopeError, type DnsBackend, type DnsWiringPlan } from '../../contract';

/** The link systemd-resolved routes `~kind.internal` over: a dummy of our own, so no other link's DNS changes. */
export const RESOLVED_LINK = 'kindscope0';
/** The dummy link's own address: resolved skips links without a routable one. RFC 5737 TEST-NET-1, so it collides with nothing real. */
export const RESOLVED_LINK_ADDRESS = '192.0.2.53/32';
export const MACOS_RESOLVER_FILE = `/etc/resolver/${DNS_ZONE}`;
export const DNSMASQ_FILE = '/etc/dnsmasq.d/kindscope.conf';
export const NM_DNSMASQ_FILE = '/etc/NetworkManager/dnsmasq.d/kindscope.conf';
/** systemd-resolved accepts `address:port` in DNS settings from v246 (systemd/systemd#17858). */
export const RESOLVED_MIN_VERSION_FOR_PORT = 246;

/** Absolute paths of the programs the elevated script runs (the prompt's PATH is minimal, so never bare names). */
export interface WiringPrograms {
  ip?: string;
  resolvectl?: string;
  systemctl?: string;
}

export interface PlannedWiring extends DnsWiringPlan {
  /** The one shell script the administrator prompt runs; only the validated port varies. */
  script?: string;
}

/** The port is the only variable that reaches a privileged script: a whole number 1–65535, checked here again. */
export function validatePort(port: unknown): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new KindscopeError(
      'INVALID_INPUT',
      `port ${String(port)} is not a port number`,
      'Use a whole number from 1 to 65535, e.g. --port 15353.',
    );
  }
  return port;
}

/** A program path may enter the script only if it is plainly a path: no quotes, spaces or shell characters. */
function program(path: string | undefined, name: string): string {
  if (!path)
    throw new KindscopeError(
      'TOOL_MISSING',
      `${name} was not found`,
      `Install ${name}, or wire the resolver by hand (kindscope dns wire prints the steps).`,
    );
  if (!/^\/[A-Za-z0-9/._+-]+$/.test(path))
    throw new KindscopeError(
      'INVALID_INPUT',
      `The path of ${name} (${path}) has characters Kindscope will not put in a privileged command`,
      `Install ${name} in a plain path such as /usr/bin/${name}.`,
    );
  return path;
}

/** Writes a file atomically (a temporary beside it, then mv) from fixed lines: no quotes or backslashes to escape. */
function writeFileScript(path: string, lines: string[]): string[] {
  const temporary = `${path}.kindscope-new`;
  for (const line of lines)
    if (/['"\\`$]/.test(line)) throw new Error(`A wiring line may not contain quotes, backslashes or $: ${line}`);
  return [
    `/bin/mkdir -p ${path.slice(0, path.lastIndexOf('/'))}`,
    ...lines.map((line, i) => `/bin/echo '${line}' ${i === 0 ? '>' : '>>'} ${temporary}`),
    `/bin/mv -f ${temporary} ${path}`,
  ];
}

/**
 * What wiring the OS to the responder writes and runs, exactly, for one backend. Pure:
 * the same inputs always give the same files and commands, which the consent dialog
 * shows and the tests assert.
 */
export function planWiring(
  backend: DnsBackend,
  action: 'apply' | 'remove',
  rawPort: number,
  programs: WiringPrograms = {},
): PlannedWiring {
  const port = validatePort(rawPort);
  const base = { backend, action, port, files: [], steps: [], manual: [] };
  switch (backend) {
    case 'macos-resolver': {
      const content = ['nameserver 127.0.0.1', `port ${port}`];
      const commands =
        action === 'apply' ? writeFileScript(MACOS_RESOLVER_FILE, content) : [`/bin/rm -f ${MACOS_RESOLVER_FILE}`];
      return {
        ...base,
        files: action === 'apply' ? [{ path: MACOS_RESOLVER_FILE, content: `${content.join('\n')}\n` }] : [],
        steps: commands.map((command) => ({ description: describe(command), command, elevated: true })),
        script: commands.join(' && '),
        note: 'resolver(5): macOS sends every name under kind.internal to 127.0.0.1 on that port; nothing else changes.',
      };
    }
    case 'systemd-resolved': {
      const ip = program(programs.ip, 'ip');
      const resolvectl = program(programs.resolvectl, 'resolvectl');
      const remove = `${ip} link delete ${RESOLVED_LINK}`;
      if (action === 'remove')
        return {
          ...base,
          steps: [
            {
              description: `Delete the ${RESOLVED_LINK} link (systemd-resolved forgets its DNS settings with it)`,
              command: remove,
              elevated: true,
            },
          ],
          script: remove,
        };
      const commands = [
        [`${ip} link add ${RESOLVED_LINK} type dummy`, `Create a dummy link ${RESOLVED_LINK} of our own`],
        [`${ip} link set ${RESOLVED_LINK} up`, 'Bring it up (systemd-resolved ignores links that are down)'],
        // resolved uses a link for unicast DNS only with a carrier and a routable address (systemd/systemd#32022).
        [
          `${ip} addr add ${RESOLVED_LINK_ADDRESS} dev ${RESOLVED_LINK}`,
          `Give it an address of its own, ${RESOLVED_LINK_ADDRESS} (RFC 5737 documentation range: never routed anywhere)`,
        ],
        [
          `${resolvectl} dns ${RESOLVED_LINK} 127.0.0.1:${port}`,
          `Its DNS server: the responder on 127.0.0.1 port ${port}`,
        ],
        [`${resolvectl} domain ${RESOLVED_LINK} '~${DNS_ZONE}'`, `Route only ${DNS_ZONE} there (a route-only domain)`],
        [`${resolvectl} default-route ${RESOLVED_LINK} false`, 'Never send other names there (default-route off)'],
      ] as const;
      // A leftover link from an earlier port is replaced; a failure after the link exists removes it again.
      const [add, ...configure] = commands.map(([command]) => command);
      const script = `${remove} 2>/dev/null; ${add} && { ${configure.join(' && ')} || { ${remove}; exit 1; }; }`;
      return {
        ...base,
        steps: commands.map(([command, description]) => ({ description, command, elevated: true })),
        script,
        note: `Lasts until the next restart (per-link settings live as long as the link). Needs systemd ${RESOLVED_MIN_VERSION_FOR_PORT} or later for a port other than 53; some releases around 250 do not send a link's queries to 127.0.0.1 (systemd/systemd#25397) — the check below shows whether this one does.`,
      };
    }
    case 'dnsmasq':
    case 'networkmanager-dnsmasq': {
      const systemctl = program(programs.systemctl, 'systemctl');
      const file = backend === 'dnsmasq' ? DNSMASQ_FILE : NM_DNSMASQ_FILE;
      // rebind-domain-ok: with stop-dns-rebind on (Pi-hole, OpenWrt) dnsmasq drops private answers such as 172.18.x.y.
      const lines = [`server=/${DNS_ZONE}/127.0.0.1#${port}`, `rebind-domain-ok=/${DNS_ZONE}/`];
      const restart = backend === 'dnsmasq' ? `${systemctl} restart dnsmasq` : `${systemctl} reload NetworkManager`;
      const commands = [...(action === 'apply' ? writeFileScript(file, lines) : [`/bin/rm -f ${file}`]), restart];
      return {
        ...base,
        files: action === 'apply' ? [{ path: file, content: `${lines.join('\n')}\n` }] : [],
        steps: commands.map((command) => ({ description: describe(command), command, elevated: true })),
        script: commands.join(' && '),
      };
    }
    case 'manual':
      return { ...base, manual: manualSteps(port, action) };
  }
}

function describe(command: string): string {
  if (command.includes('mkdir')) return `Create ${command.split(' ').at(-1)} if it is missing`;
  if (command.includes('echo')) return `Write: ${/'(.*)'/.exec(command)?.[1] ?? ''}`;
  if (command.includes('/bin/mv')) return `Put the file in place: ${command.split(' ').at(-1)}`;
  if (command.includes('rm -f')) return `Remove ${command.split(' ').at(-1)}`;
  if (command.includes('restart dnsmasq')) return 'Restart dnsmasq so it reads the new server line';
  if (command.includes('reload NetworkManager'))
    return 'Reload NetworkManager so its dnsmasq reads the new server line';
  return command;
}

function manualSteps(port: number, action: 'apply' | 'remove'): string[] {
  if (action === 'remove')
    return ['Remove the kind.internal forwarding you added (see the steps for adding it) and reload your resolver.'];
  return [
    `Kindscope could not tell which resolver this machine uses. Forward the zone ${DNS_ZONE} to 127.0.0.1 port ${port}:`,
    `dnsmasq: add the lines "server=/${DNS_ZONE}/127.0.0.1#${port}" and "rebind-domain-ok=/${DNS_ZONE}/" to a file in /etc/dnsmasq.d/ and restart dnsmasq.`,
    `unbound: forward-zone: name: "${DNS_ZONE}" forward-addr: 127.0.0.1@${port} — and domain-insecure: "${DNS_ZONE}" in server:, then unbound-control reload.`,
    `systemd-resolved ≥ ${RESOLVED_MIN_VERSION_FOR_PORT}: sudo ip link add ${RESOLVED_LINK} type dummy; sudo ip link set ${RESOLVED_LINK} up; sudo ip addr add ${RESOLVED_LINK_ADDRESS} dev ${RESOLVED_LINK}; sudo resolvectl dns ${RESOLVED_LINK} 127.0.0.1:${port}; sudo resolvectl domain ${RESOLVED_LINK} '~${DNS_ZONE}'; sudo resolvectl default-route ${RESOLVED_LINK} false`,
    `Then check: the Names card (or kindscope dns --json) shows "sendsQueries": true.`,
  ];
}
