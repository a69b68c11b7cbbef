import { describe, expect, it } from 'vitest';
import { KindscopeError, type HostContext, type MacNetConnectState } from '../../contract';
import { fixtureFiles } from '../net/fixtures';
import { elevatedStep, planMacFix } from './connectivity-mac';
import { resolveHostContext } from './connectivity-platform';
import { linuxRoutes, macRoutes, routeForSubnet } from './connectivity-routes';
import { connectivityHops } from './connectivity-check';

const tables = Object.fromEntries(fixtureFiles('netstat-rn-macos').map((f) => [f.name, f.text]));
const before = tables['before-docker-mac-net-connect.txt']!;
const after = tables['after-docker-mac-net-connect-utun0-172.17-172.18.txt']!;

describe('the route that carries a Docker subnet (longest prefix over the whole table)', () => {
  it('macOS before docker-mac-net-connect: only the default route via en0 contains 172.18.0.0/16', () => {
    expect(routeForSubnet(macRoutes(before), '172.18.0.0/16')).toMatchObject({
      cidr: '0.0.0.0/0',
      dev: 'en0',
      gateway: '192.168.1.1',
      tunnel: false,
    });
  });

  it('macOS after: 172.18 on utun0 is the tunnel route, and wins over default', () => {
    expect(routeForSubnet(macRoutes(after), '172.18.0.0/16')).toMatchObject({
      cidr: '172.18.0.0/16',
      dev: 'utun0',
      tunnel: true,
    });
    expect(routeForSubnet(macRoutes(after), '172.17.0.0/16')).toMatchObject({ dev: 'utun0', tunnel: true });
  });

  it("a VPN's wide utun route (128.0/1) is not docker-mac-net-connect's tunnel, and a narrower tunnel route still wins over it", () => {
    const vpn = `${before}\n128.0/1            10.8.0.1           UGSc            utun3\n`;
    expect(routeForSubnet(macRoutes(vpn), '172.18.0.0/16')).toMatchObject({
      cidr: '128.0.0.0/1',
      dev: 'utun3',
      tunnel: false,
    });
    expect(
      routeForSubnet(
        macRoutes(`${after}\n128.0/1            10.8.0.1           UGSc            utun3\n`),
        '172.18.0.0/16',
      ),
    ).toMatchObject({ dev: 'utun0', tunnel: true });
  });

  it('a full-tunnel VPN (default on utun2, real table): the subnet goes to the VPN by default', () => {
    expect(
      routeForSubnet(macRoutes(tables['vpn-full-tunnel-utun2-trailing-spaces-partial.txt']!), '172.18.0.0/16'),
    ).toMatchObject({ cidr: '0.0.0.0/0', dev: 'utun2' });
  });

  it('a route narrower than the subnet does not carry it', () => {
    expect(routeForSubnet(macRoutes('172.18.5/24  utun0  USc  utun0\n'), '172.18.0.0/16')).toBeUndefined();
  });

  it('Linux `ip -j route` (as this machine prints it): the bridge route; a blackhole matches and blocks', () => {
    const json =
      '[{"dst":"default","gateway":"192.0.2.1","dev":"eth0","flags":[]},{"dst":"172.18.0.0/16","dev":"br-b78528e4a8b6","protocol":"kernel","scope":"link","prefsrc":"172.18.0.1","flags":[]},{"dst":"172.16.0.0/12","type":"blackhole","flags":[]}]';
    expect(routeForSubnet(linuxRoutes(json), '172.18.0.0/16')).toMatchObject({ dev: 'br-b78528e4a8b6', blocks: false });
    expect(routeForSubnet(linuxRoutes(json), '172.19.0.0/16')).toMatchObject({ cidr: '172.16.0.0/12', blocks: true });
    expect(routeForSubnet(linuxRoutes('[]'), '172.18.0.0/16')).toBeUndefined();
  });
});

describe('platform and runtime from one place', () => {
  it('the environment wins; otherwise the engine and process.platform', () => {
    expect(
      resolveHostContext({ KINDSCOPE_PLATFORM: 'darwin', KINDSCOPE_RUNTIME: 'docker-desktop' }, undefined, 'linux'),
    ).toEqual({ platform: 'darwin', runtime: 'docker-desktop', source: 'environment' });
    expect(
      resolveHostContext({}, { flavour: 'Docker Desktop', platformName: 'Docker Desktop 4.52.0 (210994)' }, 'darwin'),
    ).toEqual({ platform: 'darwin', runtime: 'docker-desktop', runtimeVersion: '4.52.0', source: 'engine' });
    expect(resolveHostContext({}, { flavour: 'OrbStack' }, 'darwin')).toMatchObject({ runtime: 'orbstack' });
    expect(resolveHostContext({}, { flavour: 'native' }, 'linux')).toMatchObject({
      platform: 'linux',
      runtime: 'native',
    });
  });

  it.each([
    ['KINDSCOPE_PLATFORM', 'macos'],
    ['KINDSCOPE_RUNTIME', 'docker desktop'],
    ['KINDSCOPE_RUNTIME_VERSION', '4.52"; id'],
  ])('refuses %s=%j naming the variable', (name, value) => {
    expect(() => resolveHostContext({ [name]: value }, undefined)).toThrow(KindscopeError);
    expect(() => resolveHostContext({ [name]: value }, undefined)).toThrow(name);
  });
});

describe('the elevated command', () => {
  const host: HostContext = {
    platform: 'darwin',
    runtime: 'docker-desktop',
    runtimeVersion: '4.52.0',
    source: 'environment',
  };
  const state: MacNetConnectState = {
    brew: { path: '/usr/local/bin/brew', prefix: '/usr/local' },
    serviceRunning: false,
    dockerSocket: true,
    requiredVersion: '0.1.5',
  };

  it('names brew by its fixed prefix (Intel: /usr/local), constants only', () => {
    expect(planMacFix(host, state, false).plan.map((s) => s.argv)).toEqual([
      ['/usr/local/bin/brew', 'install', 'chipmk/tap/docker-mac-net-connect'],
      [
        'osascript',
        '-e',
        'do shell script "/usr/local/bin/brew services start chipmk/tap/docker-mac-net-connect" with administrator privileges',
      ],
    ]);
  });

  it('refuses any other prefix', () => {
    // The administrator templates refuse it (core/tools/elevated-scripts.ts): the metacharacters first, then the list.
    expect(() => elevatedStep('start', '/tmp/x"; id; "' as '/usr/local')).toThrow(/prefix .* contains a double quote/);
    expect(() => elevatedStep('start', '/tmp/x' as '/usr/local')).toThrow(
      /prefix .* must be one of \/opt\/homebrew, \/usr\/local/,
    );
  });

  it('without /var/run/docker.sock: no plan, and the Docker Desktop setting to turn on', () => {
    expect(planMacFix(host, { ...state, dockerSocket: false }, false)).toEqual({
      plan: [],
      note: expect.stringContaining('"Allow the default Docker socket to be used"'),
    });
  });
});

describe('the hop that fails when the route is fine but nothing answers', () => {
  const facts = {
    nodes: [{ name: 'demo-control-plane', ip: '172.18.0.2', network: 'kind' }],
    subnets: [{ network: 'kind', subnet: '172.18.0.0/16' }],
  };
  const silent = {
    icmp: async () => ({ sent: 2, received: 0, rttMs: [] }),
    tcp: async () => ({ ok: false, ms: 3000, error: 'ETIMEDOUT' }),
    http: async () => ({ ok: false }),
  };
  const status = { error: 'connect ECONNREFUSED 127.0.0.1:6443' };

  it('Linux: names the DOCKER-USER chain and a VPN, with the commands to inspect them', async () => {
    const routes = {
      table: async () => ({
        routes: linuxRoutes('[{"dst":"172.18.0.0/16","dev":"br-0123456789ab","flags":[]}]'),
        command: 'ip -j route show',
      }),
      interfaceFor: async () => undefined,
    };
    const hops = await connectivityHops({
      cluster: 'demo',
      host: { platform: 'linux', runtime: 'native', source: 'engine' },
      facts,
      routes,
      probes: silent,
      status,
    });
    expect(hops.map((h) => h.ok)).toEqual([true, true, false, false]);
    expect(hops[2]).toMatchObject({
      hop: 'ping demo-control-plane (172.18.0.2)',
      detail: 'The route is fine but no reply came (2 sent).',
    });
    expect(hops[2]!.fix).toContain('sudo iptables -L DOCKER-USER -n -v');
    expect(hops[2]!.fix).toContain('ip rule show');
  });

  it('macOS: a utun route whose tunnel is down (after a Docker Desktop upgrade)', async () => {
    const routes = {
      table: async () => ({ routes: macRoutes(after), command: 'netstat -rn -f inet' }),
      interfaceFor: async () => 'utun0',
    };
    const mac = {
      brew: { path: '/opt/homebrew/bin/brew', prefix: '/opt/homebrew' as const },
      installedVersion: '0.1.5',
      requiredVersion: '0.1.5',
      serviceRunning: true,
      dockerSocket: true,
    };
    const hops = await connectivityHops({
      cluster: 'demo',
      host: { platform: 'darwin', runtime: 'docker-desktop', source: 'environment' },
      facts,
      routes,
      probes: silent,
      status,
      mac,
    });
    expect(hops.find((h) => !h.ok)!.detail).toMatch(
      /^The route goes into docker-mac-net-connect's utun, but no reply came \(2 sent\): the tunnel is down/,
    );
  });

  it("macOS: `route -n get` naming another interface than netstat's best route (a VPN wins)", async () => {
    const routes = {
      table: async () => ({ routes: macRoutes(after), command: 'netstat -rn -f inet' }),
      interfaceFor: async () => 'utun4',
    };
    const hops = await connectivityHops({
      cluster: 'demo',
      host: { platform: 'darwin', runtime: 'orbstack', source: 'environment' },
      facts,
      routes,
      probes: silent,
      status,
    });
    expect(hops[1]).toMatchObject({
      ok: false,
      detail: expect.stringContaining('but `route -n get 172.18.0.2` names utun4'),
    });
  });
});

describe('Linux: a route to the subnet that is not its bridge', () => {
  it('a VPN route more specific than the bridge wins: the route hop fails and names both', async () => {
    const facts = {
      nodes: [{ name: 'demo-control-plane', ip: '172.18.0.2', network: 'kind' }],
      subnets: [{ network: 'kind', subnet: '172.18.0.0/16', bridge: 'br-0123456789ab' }],
    };
    // The bridge's kernel route (metric 0 when absent) against a VPN's /15 and a VPN's /16 with a lower metric.
    const table = linuxRoutes(
      '[{"dst":"172.18.0.0/16","dev":"br-0123456789ab","metric":100,"flags":[]},{"dst":"172.18.0.0/15","dev":"wg0","flags":[]},{"dst":"172.18.0.0/16","dev":"tun0","metric":5,"flags":[]}]',
    );
    const routes = {
      table: async () => ({ routes: table, command: 'ip -j route show' }),
      interfaceFor: async () => undefined,
    };
    const probes = {
      icmp: async () => ({ sent: 2, received: 0, rttMs: [] }),
      tcp: async () => ({ ok: false, ms: 1 }),
      http: async () => ({ ok: false }),
    };
    const hops = await connectivityHops({
      cluster: 'demo',
      host: { platform: 'linux', runtime: 'native', source: 'engine' },
      facts,
      routes,
      probes,
      status: { error: 'x' },
    });
    expect(hops[1]).toMatchObject({
      ok: false,
      detail: expect.stringContaining("goes to 172.18.0.0/16 dev tun0, not to the network's bridge br-0123456789ab"),
    });
    expect(hops[1]!.fix).toContain('ip route get 172.18.0.2');
  });
});
