import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * Stateful stand-ins for macOS's `brew`, `osascript`, `netstat`, `route` and `ping`, first on
 * PATH, so the docker-mac-net-connect logic runs on Linux. State moves as on a Mac:
 * not-installed → installed → service running → routes present. `netstat` replays the real
 * tables of ../shared/fixtures/real/netstat-rn-macos (before and after the tunnel). Every call
 * is recorded (tool and arguments, one line each, fields separated by \x1f).
 */
export type MacNetState = 'not-installed' | 'installed' | 'running';

export interface MacStandIns {
  dir: string;
  env: NodeJS.ProcessEnv;
  set(options: {
    state?: MacNetState;
    version?: string;
    routes?: boolean;
    routesOnStart?: boolean;
    deny?: boolean;
    prefix?: string;
  }): void;
  state(): { state: MacNetState; version: string; routes: boolean };
  calls(): string[][];
  clearCalls(): void;
  remove(): void;
}

const fixtures = join(import.meta.dirname, '../../../shared/fixtures/real/netstat-rn-macos');

/**
 * docker-mac-net-connect routes every Docker network's subnets through its tunnel (its README),
 * whatever subnets this engine gave them: the replayed Mac table (172.17, 172.18) gets a line for
 * each other IPv4 subnet, in netstat's style, and \`route -n get\` answers utun0 for an address in
 * one of them. \`netstat\` prints the extra lines; \`get IP\` exits 1 for an address outside them.
 */
const routedScript = `import { execFileSync } from 'node:child_process';
const ids = execFileSync('docker', ['network', 'ls', '-q'], { encoding: 'utf8' }).split('\\n').filter(Boolean);
const subnets = ids.length
  ? execFileSync('docker', ['network', 'inspect', '-f', '{{range .IPAM.Config}}{{.Subnet}} {{end}}', ...ids], { encoding: 'utf8' })
      .split(/\\s+/)
      .filter((c) => /^\\d+\\.\\d+\\.\\d+\\.\\d+\\/\\d+$/.test(c))
  : [];
const num = (ip) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const dotted = (n) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
const [mode, ip] = process.argv.slice(2);
if (mode === 'netstat') {
  for (const cidr of subnets) {
    const [net, len] = cidr.split('/');
    if (/^172\\.1[78]\\.0\\.0$/.test(net) && len === '16') continue;
    const octets = net.split('.').slice(0, Math.max(1, Math.ceil(Number(len) / 8)));
    console.log(\`\${(octets.join('.') + (Number(len) % 8 ? '/' + len : '')).padEnd(19)}utun0              USc             utun0\`);
  }
} else {
  const hit = subnets.find((cidr) => {
    const [net, len] = cidr.split('/');
    const size = 2 ** (32 - Number(len));
    return Math.floor(num(ip) / size) === Math.floor(num(net) / size);
  });
  if (!hit) process.exit(1);
  const [net, len] = hit.split('/');
  const mask = dotted(2 ** 32 - 2 ** (32 - Number(len)));
  process.stdout.write(\`   route to: \${ip}\\ndestination: \${net}\\n       mask: \${mask}\\n  interface: utun0\\n      flags: <UP,DONE,STATIC,PRCLONING>\\n\`);
}
`;

const record = `printf '%s\\037' "$(basename "$0")" "$@" >> "$S/calls"; printf '\\n' >> "$S/calls"`;

/** `brew services info --json` of the formula, as Homebrew prints it (one line). */
const serviceInfo = (running: boolean) =>
  JSON.stringify([
    running
      ? {
          name: 'docker-mac-net-connect',
          service_name: 'homebrew.mxcl.docker-mac-net-connect',
          running: true,
          loaded: true,
          user: 'root',
          status: 'started',
          exit_code: 0,
        }
      : {
          name: 'docker-mac-net-connect',
          service_name: 'homebrew.mxcl.docker-mac-net-connect',
          running: false,
          loaded: false,
          user: null,
          status: 'none',
        },
  ]);

const scripts: Record<string, string> = {
  brew: `${record}
state=$(cat "$S/state"); F=chipmk/tap/docker-mac-net-connect
case "$*" in
  "--prefix") cat "$S/prefix" ;;
  "--version") echo "Homebrew 4.4.20" ;;
  "list --versions $F") [ "$state" = not-installed ] && exit 1; echo "docker-mac-net-connect $(cat "$S/version")" ;;
  "install $F") [ "$state" = not-installed ] && echo installed > "$S/state"; echo "==> Installing docker-mac-net-connect from chipmk/tap" ;;
  "upgrade $F")
    [ "$state" = not-installed ] && { echo "Error: $F not installed" >&2; exit 1; }
    echo 0.1.6 > "$S/version"; echo "==> Upgrading chipmk/tap/docker-mac-net-connect" ;;
  "uninstall $F")
    [ "$state" = not-installed ] && { echo "Error: No such keg" >&2; exit 1; }
    echo not-installed > "$S/state"; rm -f "$S/routes"; echo "Uninstalling docker-mac-net-connect" ;;
  "services info --json $F")
    if [ "$state" = running ]; then echo '${serviceInfo(true)}';
    else echo '${serviceInfo(false)}'; fi ;;
  services\\ start*|services\\ stop*|services\\ restart*) echo "Error: docker-mac-net-connect must be run as root to start at system startup!" >&2; exit 1 ;;
  *) echo "Error: Unknown command: $*" >&2; exit 1 ;;
esac`,
  osascript: `${record}
[ "$#" -eq 2 ] && [ "$1" = -e ] || { echo "usage: osascript -e script" >&2; exit 1; }
if [ -e "$S/deny" ]; then echo "0:140: execution error: User canceled. (-128)" >&2; exit 1; fi
F=chipmk/tap/docker-mac-net-connect; state=$(cat "$S/state")
as_root() { echo "do shell script \\"/opt/homebrew/bin/brew services $1 $F\\" with administrator privileges"; }
case "$2" in
  "$(as_root start)"|"$(as_root restart)")
    [ "$state" = not-installed ] && { echo "0:120: execution error: Error: Formula \`docker-mac-net-connect\` is not installed. (1)" >&2; exit 1; }
    echo running > "$S/state"; [ -e "$S/routes-on-start" ] && touch "$S/routes"
    echo "==> Successfully started \`docker-mac-net-connect\` (label: homebrew.mxcl.docker-mac-net-connect)" ;;
  "do shell script \\"/opt/homebrew/bin/brew services stop $F\\" with administrator privileges")
    [ "$state" = running ] && echo installed > "$S/state"; rm -f "$S/routes"; echo "Stopping \`docker-mac-net-connect\`... (might take a while)" ;;
  *) echo "0:42: execution error: sh: command not found (127)" >&2; exit 1 ;;
esac`,
  netstat: `${record}
[ "$*" = "-rn -f inet" ] || [ "$*" = "-rn" ] || { echo "netstat: unsupported here: $*" >&2; exit 1; }
if [ -e "$S/routes" ]; then tail -n +2 "$FIX/after-docker-mac-net-connect-utun0-172.17-172.18.txt"; "$NODE" "$ROUTED" netstat
else tail -n +2 "$FIX/before-docker-mac-net-connect.txt"; fi`,
  route: `${record}
[ "$1" = -n ] && [ "$2" = get ] || { echo "route: usage" >&2; exit 64; }
if [ -e "$S/routes" ] && "$NODE" "$ROUTED" get "$3"; then exit 0; fi
printf '   route to: %s\\ndestination: default\\n       mask: default\\n    gateway: 192.168.1.1\\n  interface: en0\\n      flags: <UP,GATEWAY,DONE,STATIC,PRCLONING,GLOBAL>\\n' "$3"`,
  ping: `${record}
ip=$(eval echo \\\${$#}); count=$3
echo "PING $ip ($ip): 56 data bytes"
if [ -e "$S/routes" ]; then i=0; while [ $i -lt "$count" ]; do echo "64 bytes from $ip: icmp_seq=$i ttl=63 time=0.42$i ms"; i=$((i+1)); done
  printf -- '\\n--- %s ping statistics ---\\n%s packets transmitted, %s packets received, 0.0%% packet loss\\n' "$ip" "$count" "$count"; exit 0; fi
i=0; while [ $i -lt "$count" ]; do echo "Request timeout for icmp_seq $i"; i=$((i+1)); done
printf -- '\\n--- %s ping statistics ---\\n%s packets transmitted, 0 packets received, 100.0%% packet loss\\n' "$ip" "$count"; exit 2`,
};

export function createMacStandIns(baseEnv: NodeJS.ProcessEnv = process.env): MacStandIns {
  const dir = mkdtempSync(join(tmpdir(), 'i19-mac-'));
  const bin = join(dir, 'bin');
  const state = join(dir, 'state');
  mkdirSync(bin);
  mkdirSync(state);
  const routed = join(dir, 'routed.mjs');
  writeFileSync(routed, routedScript);
  for (const [name, body] of Object.entries(scripts)) {
    const path = join(bin, name);
    writeFileSync(
      path,
      `#!/bin/sh\nS=${JSON.stringify(state)}\nFIX=${JSON.stringify(fixtures)}\nNODE=` +
        `${JSON.stringify(process.execPath)}\nROUTED=${JSON.stringify(routed)}\n${body}\n`,
    );
    chmodSync(path, 0o755);
  }
  const file = (name: string) => join(state, name);
  const flag = (name: string, on: boolean | undefined) => {
    if (on === undefined) return;
    if (on) writeFileSync(file(name), '');
    else rmSync(file(name), { force: true });
  };
  const standIns: MacStandIns = {
    dir,
    env: {
      ...baseEnv,
      PATH: `${bin}${delimiter}${baseEnv.PATH ?? ''}`,
      KINDSCOPE_PLATFORM: 'darwin',
      KINDSCOPE_RUNTIME: 'docker-desktop',
    },
    set(options) {
      if (options.state) writeFileSync(file('state'), `${options.state}\n`);
      if (options.version) writeFileSync(file('version'), `${options.version}\n`);
      if (options.prefix !== undefined) writeFileSync(file('prefix'), `${options.prefix}\n`);
      flag('routes', options.routes);
      flag('routes-on-start', options.routesOnStart);
      flag('deny', options.deny);
    },
    state: () => ({
      state: readFileSync(file('state'), 'utf8').trim() as MacNetState,
      version: readFileSync(file('version'), 'utf8').trim(),
      routes: existsSync(file('routes')),
    }),
    calls: () =>
      existsSync(file('calls'))
        ? readFileSync(file('calls'), 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => line.split('\x1f').slice(0, -1))
        : [],
    clearCalls: () => rmSync(file('calls'), { force: true }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  standIns.set({
    state: 'not-installed',
    version: '0.1.5',
    prefix: '/opt/homebrew',
    routes: false,
    routesOnStart: true,
    deny: false,
  });
  return standIns;
}
