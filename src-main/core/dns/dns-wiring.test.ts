import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planWiring } from './dns-wiring-plan';
import { DnsWiring, type WiringEnvironment } from './dns-wiring';
import { installWiringStandIns } from '../../../e2e/lab/dns-wiring-standins.ts';

let dir: string;
let root: string;
let bin: string;
const files = new Map<string, string>();

function environment(platform: NodeJS.Platform): WiringEnvironment {
  return {
    platform,
    path: [bin],
    // The programs the administrator script names live in the system folders (the stand-in prompt runs ours in their place).
    exists: (path) => ['/usr/sbin/ip', '/usr/bin/resolvectl', '/usr/bin/systemctl'].includes(path),
    readFile: (path) => files.get(path),
    readLink: () => undefined,
    listDir: () => [],
  };
}
const calls = () =>
  readFileSync(join(dir, 'calls.log'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { name: string; args: string[] });
const links = () =>
  existsSync(join(root, 'links.json')) ? JSON.parse(readFileSync(join(root, 'links.json'), 'utf8')) : {};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'i21-wiring-'));
  const standIns = installWiringStandIns(dir);
  root = standIns.root;
  bin = standIns.bin;
  Object.assign(process.env, standIns.env);
  for (const key of ['STANDIN_DENY', 'STANDIN_RESOLVECTL_FAIL', 'STANDIN_SYSTEMD']) delete process.env[key];
  files.clear();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('macOS: /etc/resolver/kind.internal through the administrator prompt', () => {
  it('writes exactly "nameserver 127.0.0.1" and "port N" with one osascript call, and removes it again', async () => {
    const wiring = new DnsWiring(environment('darwin'));
    const plan = await wiring.plan('apply', 15353);
    expect(plan.files).toEqual([
      { path: '/etc/resolver/kind.internal', content: 'nameserver 127.0.0.1\nport 15353\n' },
    ]);
    expect(plan.steps.map((s) => s.command)).toEqual([
      '/bin/mkdir -p /etc/resolver',
      "/bin/echo 'nameserver 127.0.0.1' > /etc/resolver/kind.internal.kindscope-new",
      "/bin/echo 'port 15353' >> /etc/resolver/kind.internal.kindscope-new",
      '/bin/mv -f /etc/resolver/kind.internal.kindscope-new /etc/resolver/kind.internal',
    ]);
    // What the consent step shows as the script is exactly what the prompt runs.
    expect([plan.template, plan.script]).toEqual([
      'macos-resolver-write',
      "/bin/mkdir -p /etc/resolver && /bin/echo 'nameserver 127.0.0.1' > /etc/resolver/kind.internal.kindscope-new && /bin/echo 'port 15353' >> /etc/resolver/kind.internal.kindscope-new && /bin/mv -f /etc/resolver/kind.internal.kindscope-new /etc/resolver/kind.internal",
    ]);
    await wiring.apply(plan);
    expect(calls()).toEqual([
      { name: 'osascript', args: ['-e', `do shell script "${plan.script}" with administrator privileges`] },
    ]);
    expect(readFileSync(join(root, 'etc/resolver/kind.internal'), 'utf8')).toBe('nameserver 127.0.0.1\nport 15353\n');

    const removal = await wiring.plan('remove', 15353);
    await wiring.apply(removal);
    expect(calls().at(-1)).toEqual({
      name: 'osascript',
      args: ['-e', 'do shell script "/bin/rm -f /etc/resolver/kind.internal" with administrator privileges'],
    });
    expect(existsSync(join(root, 'etc/resolver/kind.internal'))).toBe(false);
  });

  it('leaves nothing when the prompt is cancelled (osascript: User canceled, -128)', async () => {
    process.env.STANDIN_DENY = '1';
    const wiring = new DnsWiring(environment('darwin'));
    await expect(wiring.apply(await wiring.plan('apply', 15353))).rejects.toMatchObject({
      code: 'CANCELLED',
      message: expect.stringContaining('nothing was changed'),
    });
    expect(existsSync(join(root, 'etc'))).toBe(false);
  });

  it('lets only a whole-number port into the privileged script', () => {
    for (const port of [0, 65536, 1.5, Number.NaN, '53; rm -rf /', '53"'] as unknown as number[]) {
      expect(() => planWiring('macos-resolver', 'apply', port), String(port)).toThrow(/is not a port number/);
    }
  });
});

describe('Linux with systemd-resolved: ~kind.internal on a link of its own, default-route off', () => {
  beforeEach(() => files.set('/etc/resolv.conf', 'nameserver 127.0.0.53\noptions edns0 trust-ad\n'));

  it('creates the dummy link and routes only kind.internal to the responder, in one pkexec prompt', async () => {
    const wiring = new DnsWiring(environment('linux'));
    expect(wiring.detect()).toBe('systemd-resolved');
    const plan = await wiring.plan('apply', 15353);
    expect(plan.steps.map((s) => s.command)).toEqual([
      `/usr/sbin/ip link add kindscope0 type dummy`,
      `/usr/sbin/ip link set kindscope0 up`,
      `/usr/sbin/ip addr add 192.0.2.53/32 dev kindscope0`,
      `/usr/bin/resolvectl dns kindscope0 127.0.0.1:15353`,
      `/usr/bin/resolvectl domain kindscope0 '~kind.internal'`,
      `/usr/bin/resolvectl default-route kindscope0 false`,
    ]);
    await wiring.apply(plan);
    expect(calls().map((c) => [c.name, ...c.args].join(' '))).toEqual([
      'resolvectl --version',
      `pkexec /bin/sh -c ${plan.script}`,
      'ip link delete kindscope0',
      'ip link add kindscope0 type dummy',
      'ip link set kindscope0 up',
      'ip addr add 192.0.2.53/32 dev kindscope0',
      'resolvectl dns kindscope0 127.0.0.1:15353',
      'resolvectl domain kindscope0 ~kind.internal',
      'resolvectl default-route kindscope0 false',
    ]);
    expect(links()).toEqual({
      kindscope0: {
        up: true,
        address: '192.0.2.53/32',
        dns: '127.0.0.1:15353',
        domain: '~kind.internal',
        'default-route': 'false',
      },
    });

    await wiring.apply(await wiring.plan('remove', 15353));
    expect(calls().at(-1)).toEqual({ name: 'ip', args: ['link', 'delete', 'kindscope0'] });
    expect(links()).toEqual({});
  });

  it('rolls the link back when a resolvectl step fails, and leaves nothing when pkexec is dismissed', async () => {
    const wiring = new DnsWiring(environment('linux'));
    process.env.STANDIN_RESOLVECTL_FAIL = 'domain';
    await expect(wiring.apply(await wiring.plan('apply', 15353))).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(links()).toEqual({});
    delete process.env.STANDIN_RESOLVECTL_FAIL;
    process.env.STANDIN_DENY = '1';
    writeFileSync(join(dir, 'calls.log'), '');
    await expect(wiring.apply(await wiring.plan('apply', 15353))).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(calls().map((c) => c.name)).toEqual(['resolvectl', 'pkexec']);
    expect(links()).toEqual({});
  });

  it('names programs for the administrator script only from the system folders, and says which and how to fix it', () => {
    for (const ip of ['/tmp/x/ip', '/home/u/bin/ip', '/usr/sbin/ip;id'])
      expect(
        () => planWiring('systemd-resolved', 'apply', 15353, { ip, resolvectl: '/usr/bin/resolvectl' }),
        ip,
      ).toThrow(
        `${ip} is not in a system folder (/usr/sbin, /usr/bin, /sbin, /bin): Kindscope runs ip as administrator only from there`,
      );
    expect(() => planWiring('dnsmasq', 'apply', 5300, {})).toThrow(
      'systemctl was not found in /usr/sbin, /usr/bin, /sbin, /bin',
    );
  });

  it('falls back to manual steps on systemd older than 246 (no port in DNS settings, systemd/systemd#17858)', async () => {
    process.env.STANDIN_SYSTEMD = '245';
    const plan = await new DnsWiring(environment('linux')).plan('apply', 15353);
    expect(plan.backend).toBe('manual');
    expect(plan.note).toContain('systemd 245 cannot send DNS to a port other than 53');
    expect(plan.script).toBeUndefined();
  });
});

describe('dnsmasq and NetworkManager dnsmasq: server=/kind.internal/127.0.0.1#N', () => {
  it('writes the server line and restarts dnsmasq', async () => {
    files.set('/etc/resolv.conf', 'nameserver 127.0.0.1\n');
    files.set('/etc/dnsmasq.conf', 'conf-dir=/etc/dnsmasq.d/,*.conf\n');
    const wiring = new DnsWiring(environment('linux'));
    expect(wiring.detect()).toBe('dnsmasq');
    await wiring.apply(await wiring.plan('apply', 5300));
    expect(readFileSync(join(root, 'etc/dnsmasq.d/kindscope.conf'), 'utf8')).toBe(
      'server=/kind.internal/127.0.0.1#5300\nrebind-domain-ok=/kind.internal/\n',
    );
    expect(
      calls()
        .map((c) => [c.name, ...c.args].join(' '))
        .slice(1),
    ).toEqual(['systemctl restart dnsmasq']);
  });

  it("uses NetworkManager's dnsmasq folder when NetworkManager runs dnsmasq", async () => {
    files.set('/etc/NetworkManager/NetworkManager.conf', '[main]\ndns=dnsmasq\n');
    const wiring = new DnsWiring(environment('linux'));
    const plan = await wiring.plan('apply', 5300);
    expect([plan.backend, plan.files]).toEqual([
      'networkmanager-dnsmasq',
      [
        {
          path: '/etc/NetworkManager/dnsmasq.d/kindscope.conf',
          content: 'server=/kind.internal/127.0.0.1#5300\nrebind-domain-ok=/kind.internal/\n',
        },
      ],
    ]);
    expect(plan.steps.at(-1)?.command).toBe(`/usr/bin/systemctl reload NetworkManager`);
  });

  it('gives exact manual steps when no resolver is recognised, and runs nothing', async () => {
    const wiring = new DnsWiring(environment('freebsd'));
    const plan = await wiring.plan('apply', 5300);
    expect(plan.backend).toBe('manual');
    expect(plan.manual.join('\n')).toContain('server=/kind.internal/127.0.0.1#5300');
    await expect(wiring.apply(plan)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(readFileSync(join(dir, 'calls.log'), 'utf8')).toBe('');
  });
});
