import { DNS_ZONE, KindscopeError, type DnsBackend, type DnsWiringPlan } from '../../contract';
import {
  DNSMASQ_FILE,
  elevatedProgramDirs,
  MACOS_RESOLVER_FILE,
  NM_DNSMASQ_FILE,
  renderElevated,
  RESOLVED_LINK,
  RESOLVED_LINK_ADDRESS,
  type ElevatedScript,
} from '../tools/elevated-scripts';

export { RESOLVED_LINK, RESOLVED_LINK_ADDRESS, MACOS_RESOLVER_FILE, DNSMASQ_FILE, NM_DNSMASQ_FILE };
/** systemd-resolved accepts `address:port` in DNS settings from v246 (systemd/systemd#17858). */
export const RESOLVED_MIN_VERSION_FOR_PORT = 246;

/** Absolute paths of the programs the elevated script runs (the prompt's PATH is minimal, so never bare names). */
export interface WiringPrograms {
  ip?: string;
  resolvectl?: string;
  systemctl?: string;
}

export interface PlannedWiring extends DnsWiringPlan {
  /** The one administrator script: a Kindscope template rendered with checked parameters (elevated-scripts.ts). */
  elevated?: ElevatedScript;
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

/** A program runs as administrator only from a system folder (elevated-scripts.ts checks it again). */
function program(path: string | undefined, name: string): string {
  if (!path)
    throw new KindscopeError(
      'TOOL_MISSING',
      `${name} was not found in ${elevatedProgramDirs.join(', ')}`,
      `Install ${name} from your distribution's packages, or wire the resolver by hand (kindscope dns wire prints the steps).`,
    );
  if (!elevatedProgramDirs.some((dir) => path === `${dir}/${name}`))
    throw new KindscopeError(
      'INVALID_INPUT',
      `${path} is not in a system folder (${elevatedProgramDirs.join(', ')}): Kindscope runs ${name} as administrator only from there`,
      `Install ${name} from your distribution's packages, as /usr/sbin/${name} or /usr/bin/${name}.`,
    );
  return path;
}

/** The plan's view of a rendered script: its commands as steps, its text as the one thing the prompt runs. */
function elevatedPlan(rendered: ElevatedScript, describeStep: (command: string, i: number) => string) {
  return {
    steps: rendered.commands.map((command, i) => ({ description: describeStep(command, i), command, elevated: true })),
    script: rendered.script,
    template: rendered.template,
    elevated: rendered,
  };
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
      const rendered =
        action === 'apply'
          ? renderElevated('macos-resolver-write', { port: String(port) })
          : renderElevated('macos-resolver-remove', {});
      return {
        ...base,
        files: action === 'apply' ? [{ path: MACOS_RESOLVER_FILE, content: `${content.join('\n')}\n` }] : [],
        ...elevatedPlan(rendered, describe),
        note: 'resolver(5): macOS sends every name under kind.internal to 127.0.0.1 on that port; nothing else changes.',
      };
    }
    case 'systemd-resolved': {
      const ip = program(programs.ip, 'ip');
      if (action === 'remove')
        return {
          ...base,
          ...elevatedPlan(
            renderElevated('resolved-link-remove', { ip }),
            () => `Delete the ${RESOLVED_LINK} link (systemd-resolved forgets its DNS settings with it)`,
          ),
        };
      const resolvectl = program(programs.resolvectl, 'resolvectl');
      const descriptions = [
        `Create a dummy link ${RESOLVED_LINK} of our own`,
        'Bring it up (systemd-resolved ignores links that are down)',
        `Give it an address of its own, ${RESOLVED_LINK_ADDRESS} (RFC 5737 documentation range: never routed anywhere)`,
        `Its DNS server: the responder on 127.0.0.1 port ${port}`,
        `Route only ${DNS_ZONE} there (a route-only domain)`,
        'Never send other names there (default-route off)',
      ];
      return {
        ...base,
        ...elevatedPlan(
          renderElevated('resolved-link-add', { ip, resolvectl, port: String(port) }),
          (_, i) => descriptions[i]!,
        ),
        note:
          'Lasts until the next restart (per-link settings live as long as the link). ' +
          `Needs systemd ${RESOLVED_MIN_VERSION_FOR_PORT} or later for a port other than 53; ` +
          `some releases around 250 do not send a link's queries to 127.0.0.1 ` +
          '(systemd/systemd#25397) — the check below shows whether this one does.',
      };
    }
    case 'dnsmasq':
    case 'networkmanager-dnsmasq': {
      const systemctl = program(programs.systemctl, 'systemctl');
      const file = backend === 'dnsmasq' ? DNSMASQ_FILE : NM_DNSMASQ_FILE;
      // rebind-domain-ok: with stop-dns-rebind on (Pi-hole, OpenWrt) dnsmasq drops private answers such as 172.18.x.y.
      const lines = [`server=/${DNS_ZONE}/127.0.0.1#${port}`, `rebind-domain-ok=/${DNS_ZONE}/`];
      const rendered =
        backend === 'dnsmasq'
          ? action === 'apply'
            ? renderElevated('dnsmasq-write', { systemctl, port: String(port) })
            : renderElevated('dnsmasq-remove', { systemctl })
          : action === 'apply'
            ? renderElevated('networkmanager-dnsmasq-write', { systemctl, port: String(port) })
            : renderElevated('networkmanager-dnsmasq-remove', { systemctl });
      return {
        ...base,
        files: action === 'apply' ? [{ path: file, content: `${lines.join('\n')}\n` }] : [],
        ...elevatedPlan(rendered, describe),
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
    `dnsmasq: add the lines "server=/${DNS_ZONE}/127.0.0.1#${port}" and "rebind-domain-ok=/${DNS_ZONE}/" ` +
      'to a file in /etc/dnsmasq.d/ and restart dnsmasq.',
    `unbound: forward-zone: name: "${DNS_ZONE}" forward-addr: 127.0.0.1@${port} — ` +
      `and domain-insecure: "${DNS_ZONE}" in server:, then unbound-control reload.`,
    `systemd-resolved ≥ ${RESOLVED_MIN_VERSION_FOR_PORT}: ` +
      `sudo ip link add ${RESOLVED_LINK} type dummy; sudo ip link set ${RESOLVED_LINK} up; ` +
      `sudo ip addr add ${RESOLVED_LINK_ADDRESS} dev ${RESOLVED_LINK}; ` +
      `sudo resolvectl dns ${RESOLVED_LINK} 127.0.0.1:${port}; ` +
      `sudo resolvectl domain ${RESOLVED_LINK} '~${DNS_ZONE}'; ` +
      `sudo resolvectl default-route ${RESOLVED_LINK} false`,
    `Then check: the Names card (or kindscope dns --json) shows "sendsQueries": true.`,
  ];
}
