import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { docker } from './require-docker.ts';

/** Label on everything the lab makes, for the janitor. */
export const labLabel = 'io.kindscope.lab';

const busyboxPath = '/bin/busybox';
const busyboxApplets = [
  'sh',
  'sleep',
  'httpd',
  'arping',
  'cat',
  'echo',
  'ls',
  'true',
  'ping',
  'wget',
  'nc',
  'hostname',
  'mkdir',
  'rm',
  'kill',
  'pkill',
  'ps',
  'grep',
  'sed',
  'date',
  'env',
  'printf',
  'test',
  '[',
];

interface ImageSpec {
  repository: string;
  /** Host binaries copied with the shared libraries `ldd` lists. */
  binaries: { from: string; to: string; links?: string[] }[];
  /** Extra files written into the image. */
  files?: Record<string, string>;
  cmd: string[];
}

/**
 * Builds an image by `docker import` of a folder (no registry here), tagged by the hash
 * of its content, and reuses it when present. Binaries come from Debian packages on the
 * host with their libraries.
 */
function ensureImage(spec: ImageSpec): string {
  const entries: { from: string; to: string }[] = [{ from: busyboxPath, to: '/bin/busybox' }];
  for (const binary of spec.binaries) {
    if (!existsSync(binary.from))
      throw new Error(`${binary.from} is missing. Fix: run \`bash .ci/run\` (it installs the lab's Debian packages).`);
    entries.push({ from: binary.from, to: binary.to });
    for (const library of sharedLibraries(binary.from)) entries.push({ from: library, to: library });
  }
  const unique = [...new Map(entries.map((entry) => [entry.to, entry])).values()].sort((a, b) =>
    a.to.localeCompare(b.to),
  );
  const hash = createHash('sha256');
  for (const entry of unique) hash.update(entry.to).update(readFileSync(entry.from));
  hash.update(JSON.stringify([busyboxApplets, spec.files ?? {}, spec.cmd, spec.binaries.map((b) => b.links)]));
  const tag = `${spec.repository}:${hash.digest('hex').slice(0, 12)}`;
  if (spawnSync('docker', ['image', 'inspect', tag], { stdio: 'ignore' }).status === 0) return tag;

  const root = mkdtempSync(join(tmpdir(), 'kindscope-image-'));
  try {
    for (const dir of [
      'bin',
      'sbin',
      'usr/bin',
      'usr/sbin',
      'tmp',
      'etc',
      'proc',
      'sys',
      'dev',
      'run',
      'var/www',
      'kind',
    ])
      mkdirSync(join(root, dir), { recursive: true });
    for (const entry of unique) {
      mkdirSync(join(root, dirname(entry.to)), { recursive: true });
      copyFileSync(realpathSync(entry.from), join(root, entry.to));
      chmodSync(join(root, entry.to), 0o755);
    }
    for (const applet of busyboxApplets)
      if (!(applet === 'sh' && spec.binaries.some((b) => b.to === '/bin/dash')))
        symlinkSync('busybox', join(root, 'bin', applet));
    if (spec.binaries.some((b) => b.to === '/bin/dash')) symlinkSync('dash', join(root, 'bin', 'sh'));
    for (const binary of spec.binaries)
      for (const link of binary.links ?? [])
        if (!existsSync(join(root, link))) symlinkSync(binary.to, join(root, link));
    const files = {
      '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\ntcpdump:x:104:109::/nonexistent:/bin/false\n',
      '/etc/group': 'root:x:0:\ntcpdump:x:109:\n',
      ...spec.files,
    };
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(root, dirname(path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    const tar = spawnSync('tar', ['-C', root, '-c', '.'], { maxBuffer: 512 * 1024 * 1024 });
    if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr.toString()}`);
    docker(
      [
        'import',
        '--change',
        `LABEL ${labLabel}=1`,
        '--change',
        `CMD ${JSON.stringify(spec.cmd)}`,
        '--change',
        'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        '-',
        tag,
      ],
      tar.stdout,
    );
    return tag;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The libraries `ldd` lists for a binary, with the dynamic loader. */
function sharedLibraries(binary: string): string[] {
  const result = spawnSync('ldd', [binary], { encoding: 'utf8' });
  if (result.status !== 0) return [];
  const libraries: string[] = [];
  for (const line of result.stdout.split('\n')) {
    const match = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (match) libraries.push(match[1]!);
  }
  return libraries;
}

/** Busybox only: small helper containers. */
export function ensureBusyboxImage(): string {
  return ensureImage({ repository: 'kindscope-lab/busybox', binaries: [], cmd: ['/bin/sh'] });
}

/**
 * The lab's kind node: busybox (sh, sleep, httpd, arping, nc) plus iproute2's real `ip`,
 * as real kind nodes are Debian with iproute2 (the product may use `ip -j`). PID 1 exits
 * on SIGTERM so `docker stop` is quick.
 */
export function ensureNodeImage(): string {
  const ip = existsSync('/usr/sbin/ip') ? '/usr/sbin/ip' : '/sbin/ip';
  return ensureImage({
    repository: 'kindscope-lab/node',
    // /bin/sh is dash, as on Debian: busybox's sh would run its own `ip` applet for `ip`.
    binaries: [
      { from: ip, to: '/usr/sbin/ip', links: ['/sbin/ip', '/bin/ip', '/usr/bin/ip'] },
      { from: '/bin/dash', to: '/bin/dash' },
      // kind's node images carry util-linux; Kindscope's netns reader uses its nsenter.
      { from: '/usr/bin/nsenter', to: '/usr/bin/nsenter' },
      // The API relay: socat accepts with a real backlog and forks a child per connection.
      { from: '/usr/bin/socat', to: '/usr/bin/socat' },
      // BGP mode: Cilium's BGP speaker is GoBGP; Debian's gobgpd/gobgp (3.10) run in each selected node.
      { from: '/usr/bin/gobgpd', to: '/usr/bin/gobgpd' },
      { from: '/usr/bin/gobgp', to: '/usr/bin/gobgp' },
    ],
    files: { '/kind/version': 'lab\n', '/etc/hosts': '127.0.0.1 localhost\n' },
    cmd: [
      '/bin/sh',
      '-c',
      `trap "exit 0" TERM INT; if [ -n "$KINDSCOPE_LAB_API_UPSTREAM" ]; then ${apiRelayCommand} & fi; while :; do sleep 3600 & wait $!; done`,
    ],
  });
}

/**
 * The control-plane relays its port 6443 to the lab API server (KINDSCOPE_LAB_API_UPSTREAM),
 * so the API answers exactly while this container runs: `docker stop` closes it, `docker
 * pause` freezes the relay and its children, so new and open connections hang. busybox's
 * `nc -ll -e nc` served one connection at a time and dropped ~7 of 30 concurrent ones;
 * socat listens with a 1024 backlog and forks a child per connection, as a kube-apiserver
 * serves hundreds at once.
 */
export const apiRelayCommand = 'socat TCP-LISTEN:6443,fork,reuseaddr,backlog=1024 TCP:"$KINDSCOPE_LAB_API_UPSTREAM"';

/** tcpdump with busybox, for captures in a node's namespace (`--net container:<node>`). */
export function ensureToolsImage(): string {
  return ensureImage({
    repository: 'kindscope-lab/tools',
    binaries: [{ from: '/usr/bin/tcpdump', to: '/usr/bin/tcpdump' }],
    cmd: ['/bin/sh'],
  });
}

/**
 * The lab's stand-in for the router image Kindscope pins (quay.io/frrouting/frr): Debian's
 * `frr` package (8.4) — zebra, bgpd and vtysh with their libraries — and iproute2's `ip`.
 * It starts as FRR's own image does: `/usr/lib/frr/docker-start` reads `/etc/frr/daemons`,
 * starts zebra and bgpd, then loads the integrated `/etc/frr/frr.conf` with `vtysh -b`. The
 * daemons run as root (`-u root -g root`): the image has no frr user, and the container's
 * capabilities (NET_ADMIN, NET_RAW, SYS_ADMIN) are what they need. PID 1 exits on SIGTERM.
 */
export function ensureRouterImage(): string {
  const ip = existsSync('/usr/sbin/ip') ? '/usr/sbin/ip' : '/sbin/ip';
  const start = [
    '#!/bin/sh',
    '# Kindscope test lab: FRR from Debian, started as the FRR image starts (daemons file, integrated config).',
    'mkdir -p /var/run/frr /var/tmp/frr /var/log/frr',
    'daemons=/etc/frr/daemons',
    'options() { sed -n "s/^$1_options=\\"\\(.*\\)\\"/\\1/p" "$daemons" 2>/dev/null; }',
    '/usr/lib/frr/zebra -d -u root -g root $(options zebra)',
    'if grep -q "^bgpd=yes" "$daemons" 2>/dev/null; then /usr/lib/frr/bgpd -d -u root -g root $(options bgpd); fi',
    'for _ in 1 2 3 4 5 6 7 8 9 10; do [ -S /var/run/frr/zebra.vty ] && break; sleep 0.2; done',
    'sleep 0.5',
    '/usr/bin/vtysh -b >/var/log/frr/boot.log 2>&1',
    'trap "exit 0" TERM INT',
    'while :; do sleep 3600 & wait $!; done',
    '',
  ].join('\n');
  return ensureImage({
    repository: 'kindscope-lab/router',
    binaries: [
      { from: '/usr/lib/frr/zebra', to: '/usr/lib/frr/zebra' },
      { from: '/usr/lib/frr/bgpd', to: '/usr/lib/frr/bgpd' },
      { from: '/usr/bin/vtysh', to: '/usr/bin/vtysh' },
      // vtysh asks PAM (service "frr") before it talks to the daemons; Debian's /etc/pam.d/frr permits everyone.
      { from: '/lib/x86_64-linux-gnu/security/pam_permit.so', to: '/lib/x86_64-linux-gnu/security/pam_permit.so' },
      { from: ip, to: '/usr/sbin/ip', links: ['/sbin/ip', '/bin/ip'] },
      { from: '/bin/dash', to: '/bin/dash' },
    ],
    files: {
      '/usr/lib/frr/docker-start': start,
      '/etc/frr/daemons': 'zebra=yes\nbgpd=no\n',
      '/etc/frr/vtysh.conf': 'service integrated-vtysh-config\n',
      '/etc/frr/frr.conf': '',
      '/etc/pam.d/frr': 'auth sufficient pam_permit.so\naccount sufficient pam_permit.so\n',
      '/etc/hosts': '127.0.0.1 localhost\n',
      // Debian's FRR is built with the vty group frrvty: the user the daemons run as must be in it.
      '/etc/passwd': 'root:x:0:0:root:/root:/bin/sh\nfrr:x:100:101:frr:/var/run/frr:/bin/false\n',
      '/etc/group': 'root:x:0:\nfrr:x:101:\nfrrvty:x:85:frr,root\n',
    },
    cmd: ['/bin/sh', '/usr/lib/frr/docker-start'],
  });
}
