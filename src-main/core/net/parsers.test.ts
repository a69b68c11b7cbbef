import { describe, expect, it } from 'vitest';
import { fixtureFiles } from './fixtures';
import {
  explainNetstatRoute,
  explainRoute,
  isDockerMacNetConnectRoute,
  parseDockerNetwork,
  parseIpLink,
  parseIpRoute,
  parseNetstatRoutes,
  type IpRoute,
  type RouteContext,
} from './index';

const routeOf = (routes: IpRoute[], dst: string) => routes.find((r) => r.dst === dst);

describe('parseIpRoute on every file of ip-route-kind-node', () => {
  const files = fixtureFiles('ip-route-kind-node');
  it('has the fixtures', () => expect(files.length).toBeGreaterThanOrEqual(12));

  it.each(files.map((f) => [f.name, f.text]))('%s parses, keeping what it does not understand', (_name, text) => {
    const { items, unparsed } = parseIpRoute(text);
    expect(items.length).toBeGreaterThan(0);
    // Every non-empty input line is either a route or kept raw.
    const lines = text.split('\n').filter((l) => l.trim() && !l.trim().startsWith('['));
    if (!text.includes('[{')) expect(items.length + unparsed.length).toBe(lines.length);
    expect(unparsed.some((l) => l.startsWith('# source:'))).toBe(true);
  });

  const byName = Object.fromEntries(files.map((f) => [f.name, parseIpRoute(f.text).items]));

  it('reads the values a person reads off each file', () => {
    const seed = byName['seed-kind-worker.txt']!;
    expect(routeOf(seed, 'default')).toMatchObject({ via: '172.18.0.1', dev: 'eth0' });
    expect(routeOf(seed, '10.244.0.0/24')).toMatchObject({
      via: '10.244.1.174',
      dev: 'cilium_host',
      protocol: 'kernel',
      src: '10.244.1.174',
      mtu: 1450,
    });
    expect(routeOf(seed, '10.244.1.174')).toMatchObject({ dev: 'cilium_host', scope: 'link' });
    expect(routeOf(seed, '172.18.0.0/16')).toMatchObject({ dev: 'eth0', scope: 'link', src: '172.18.0.2' });

    const host = byName['seed-ubuntu-host-ip-route.txt']!;
    expect(routeOf(host, '172.18.0.0/16')).toMatchObject({ dev: 'br-38055463db3c', src: '172.18.0.1' });
    expect(routeOf(host, '172.17.0.0/16')!.flags).toContain('linkdown');
    expect(routeOf(host, 'default')).toMatchObject({ via: '192.168.64.1', protocol: 'dhcp', metric: 100 });

    const conflict = byName['HOST-manjaro-kind-bridge-conflicts-wifi-172.18.txt']!;
    expect(conflict.filter((r) => r.dst === '172.18.0.0/16').map((r) => r.dev)).toEqual([
      'br-43d8dc2b2c68',
      'wlp0s20f3',
    ]);

    const local = byName['HOST-ip-route-table-local-broadcast-local-types.txt']!;
    expect(local.filter((r) => r.type === 'broadcast')).toHaveLength(4);
    expect(local.find((r) => r.dst === '127.0.0.0/8')).toMatchObject({ type: 'local', scope: 'host' });

    const invalid = byName['JSON-INVALID-ip-j-route-table-local-old-iproute2-truncated.txt']!;
    expect(invalid.map((r) => `${r.type} ${r.dst}`)).toEqual([
      'broadcast 127.0.0.0',
      'local 127.0.0.0/8',
      'local 127.0.0.1',
      'broadcast 127.255.255.255',
    ]);

    const ipsec = byName['k8s-node-cilium-1.7-vxlan-ipsec-mtu8874-no-proto.txt']!;
    expect(ipsec.filter((r) => r.mtu === 8874)).toHaveLength(9);
    expect(byName['k8s-node-cilium-ipsec-table-200.txt']!.find((r) => r.type === 'local')).toMatchObject({
      dst: '10.233.72.0/24',
      dev: 'cilium_vxlan',
      protocol: '50',
    });

    const native = byName['k8s-node-cilium-native-endpointRoutes-with-author-comments.txt']!;
    expect(routeOf(native, '10.200.1.0/24')).toMatchObject({
      via: '192.168.56.50',
      dev: 'eth1',
      comment: 'роут для подовых сетей',
    });
    expect(routeOf(native, '10.200.0.52')).toMatchObject({ dev: 'lxcad113d8e8e91', scope: 'link' });

    const all = byName['k8s-worker-cilium-vxlan-wireguard-table-all-mtu1370.txt']!;
    expect(all.find((r) => r.table === '2004')).toMatchObject({ type: 'local', dst: 'default' });
    expect(all.filter((r) => r.mtu === 1370)).toHaveLength(5);

    const auto = byName['kind-worker-cilium-native-routing-autoDirectNodeRoutes.txt']!;
    expect(routeOf(auto, '10.244.0.0/24')).toMatchObject({ via: '172.18.0.3', dev: 'eth0' });
  });

  it('parses `ip -j route` JSON as iproute2 prints it', () => {
    const { items } = parseIpRoute(
      '[{"dst":"default","gateway":"172.18.0.1","dev":"eth0","flags":[]},{"dst":"10.244.0.0/24","gateway":"10.244.1.174","dev":"cilium_host","protocol":"kernel","prefsrc":"10.244.1.174","metrics":[{"mtu":1450}],"flags":[]}]',
    );
    expect(items[1]).toMatchObject({ dst: '10.244.0.0/24', via: '10.244.1.174', src: '10.244.1.174', mtu: 1450 });
  });
});

describe('parseIpLink on every file of ip-link-host', () => {
  const files = fixtureFiles('ip-link-host');
  it.each(files.map((f) => [f.name, f.text]))('%s parses', (_name, text) => {
    const { items } = parseIpLink(text);
    expect(items.length).toBeGreaterThan(0);
  });
  const byName = Object.fromEntries(files.map((f) => [f.name, parseIpLink(f.text)]));

  it('reads bridges, veth peers, masters, MACs and addresses', () => {
    const seed = byName['seed-ubuntu-ip-link.txt']!;
    expect(seed.items.map((l) => l.ifname)).toEqual(['br-38055463db3c', 'vethf413b4a', 'vethb9242a9']);
    expect(seed.items[1]).toMatchObject({
      ifindex: 6,
      peerIfindex: 5,
      master: 'br-38055463db3c',
      state: 'UP',
      mtu: 1500,
      mac: '0a:86:ac:2a:fe:a5',
      linkNetnsid: 1,
    });
    expect(seed.unparsed).toContain('…');

    const cilium = byName['cilium-node-ip-addr-cilium_host-lxc-link-netns.txt']!;
    const host = cilium.items.find((l) => l.ifname === 'cilium_host')!;
    expect(host).toMatchObject({ peerName: 'cilium_net', mac: 'b6:78:3c:93:b8:45' });
    expect(host.addresses[0]).toMatchObject({ family: 'inet', local: '10.200.0.7', prefixlen: 32, scope: 'global' });
    expect(cilium.items.find((l) => l.ifname === 'eth0')!.altnames).toEqual(['enp2s0', 'ens160']);
    expect(cilium.items.find((l) => l.ifname === 'lxcad113d8e8e91')).toMatchObject({
      peerIfindex: 8,
      linkNetns: 'cni-5c70ca6a-fc04-03a7-566f-6f64ae28bac2',
    });
    expect(cilium.unparsed.some((l) => l.includes('тут был lo'))).toBe(true);

    const aws = byName['ip-addr-aws-docker_gwbridge-docker0-5-veth-mtu9001.txt']!;
    expect(aws.items.filter((l) => l.master === 'docker_gwbridge')).toHaveLength(4);
    expect(aws.items.find((l) => l.ifname === 'eth0')).toMatchObject({ mtu: 9001 });
    expect(aws.items.find((l) => l.ifname === 'eth0')!.addresses[0]).toMatchObject({
      local: '172.31.38.241',
      prefixlen: 20,
      broadcast: '172.31.47.255',
    });

    const down = byName['ip-addr-show-dev-br-no-carrier-no-ipv4.txt']!.items[0]!;
    expect(down).toMatchObject({ ifname: 'br-9f92c4e594fa', state: 'DOWN', addresses: [] });
    expect(down.flags).toContain('NO-CARRIER');
    expect(byName['ip-addr-show-dev-br-up-ipv6-link-local-only.txt']!.items[0]!.addresses).toEqual([
      expect.objectContaining({ family: 'inet6', local: 'fe80::42:c7ff:fec7:fa12', scope: 'link' }),
    ]);
  });

  it('parses `ip -j addr` JSON', () => {
    const { items } = parseIpLink(
      '[{"ifindex":14,"link_index":15,"ifname":"eth0","flags":["BROADCAST","UP"],"mtu":1500,"operstate":"UP","link_type":"ether","address":"02:42:ac:12:00:02","link_netnsid":0,"addr_info":[{"family":"inet","local":"172.18.0.2","prefixlen":16,"scope":"global"}]}]',
    );
    expect(items[0]).toMatchObject({
      ifname: 'eth0',
      peerIfindex: 15,
      mac: '02:42:ac:12:00:02',
      addresses: [{ local: '172.18.0.2', prefixlen: 16 }],
    });
  });
});

describe('parseNetstatRoutes on every file of netstat-rn-macos', () => {
  const files = fixtureFiles('netstat-rn-macos');
  it.each(files.map((f) => [f.name, f.text]))('%s parses', (_name, text) => {
    expect(parseNetstatRoutes(text).items.length).toBeGreaterThan(0);
  });
  const byName = Object.fromEntries(files.map((f) => [f.name, parseNetstatRoutes(f.text).items]));

  it('recognises docker-mac-net-connect routes, before and after', () => {
    const tunnelled = (name: string) => byName[name]!.filter(isDockerMacNetConnectRoute).map((r) => r.cidr);
    expect(tunnelled('seed-before-tunnel.txt')).toEqual([]);
    expect(tunnelled('seed-after-tunnel.txt')).toEqual(['172.17.0.0/16', '172.18.0.0/16']);
    expect(tunnelled('after-docker-mac-net-connect-utun0-172.17-172.18.txt')).toEqual([
      '172.17.0.0/16',
      '172.18.0.0/16',
    ]);
    expect(tunnelled('grep-utun-docker-mac-net-connect-working.txt')).toEqual([
      '10.0.0.0/24',
      '172.17.0.0/16',
      '172.200.0.0/16',
    ]);
    expect(tunnelled('grep-utun-docker-mac-net-connect-broken.txt')).toEqual([]);
    expect(tunnelled('ventura-wireguard-utun3-host-routes-partial.txt')).toEqual([]);
  });

  it('reads old (Refs/Use) and new formats, abbreviated destinations and expiry', () => {
    const old = byName['old-format-refs-use-bridge1-sierra.txt']!;
    expect(old.find((r) => r.destination === '192.168.64')).toMatchObject({
      cidr: '192.168.64.0/24',
      netif: 'bridge1',
      refs: 3,
      use: 0,
    });
    expect(old.find((r) => r.destination === '192.168.64.4')).toMatchObject({
      netif: 'bridge1',
      expire: '1187',
      refs: 4,
      use: 24613,
    });
    const seed = byName['seed-after-tunnel.txt']!;
    expect(seed.find((r) => r.destination === '127')).toMatchObject({ cidr: '127.0.0.0/8', netif: 'lo0' });
    expect(seed.find((r) => r.destination === '224.0.0/4')).toMatchObject({ cidr: '224.0.0.0/4' });
    expect(seed.filter((r) => r.destination === 'default').map((r) => r.netif)).toEqual(['en0', 'bridge100']);
    const vpn = byName['vpn-full-tunnel-utun2-trailing-spaces-partial.txt']!;
    expect(vpn.some((r) => r.netif === 'utun2')).toBe(true);
  });

  it('explains the tunnel route', () => {
    const route = byName['seed-after-tunnel.txt']!.find((r) => r.cidr === '172.18.0.0/16')!;
    expect(explainNetstatRoute(route, { networks: [{ name: 'kind', subnet: '172.18.0.0/16' }] })).toMatch(
      /docker-mac-net-connect sends the Docker network "kind" \(172\.18\.0\.0\/16\) into its tunnel `utun0`/,
    );
  });
});

describe('parseDockerNetwork on every file of docker-network-inspect-kind', () => {
  const files = fixtureFiles('docker-network-inspect-kind');
  it.each(files.map((f) => [f.name, f.text]))('%s parses', (_name, text) => {
    expect(parseDockerNetwork(text).items.length).toBeGreaterThan(0);
  });
  const byName = Object.fromEntries(files.map((f) => [f.name, parseDockerNetwork(f.text).items[0]!]));

  it('reads subnets, gateways, the bridge name and the nodes', () => {
    const seed = byName['seed-macos-docker-desktop.txt']!;
    expect(seed).toMatchObject({
      format: 'docker',
      name: 'kind',
      driver: 'bridge',
      ipv6: true,
      bridge: 'br-53ced5328608',
    });
    expect(seed.subnets).toEqual([
      { subnet: '172.18.0.0/16', gateway: '172.18.0.1', family: 4 },
      { subnet: 'fc00:f853:ccd:e793::/64', gateway: 'fc00:f853:ccd:e793::1', family: 6 },
    ]);
    expect(seed.containers.find((c) => c.name === 'kind-control-plane')).toMatchObject({
      ipv4: '172.18.0.3',
      ipv6: 'fc00:f853:ccd:e793::3',
      mac: '02:42:ac:12:00:03',
    });
    expect(byName['kind-4nodes-named-network-dualstack.txt']!.containers).toHaveLength(4);
    expect(byName['linux-manjaro-no-containers-mtu-option.txt']).toMatchObject({
      mtu: 1500,
      containers: [],
      bridge: 'br-43d8dc2b2c68',
    });
    expect(byName['PODMAN-netavark-kind-network-ipv6-first.txt']).toMatchObject({
      format: 'podman-netavark',
      bridge: 'podman1',
      subnets: [{ family: 6 }, { subnet: '10.89.0.0/24', gateway: '10.89.0.1', family: 4 }],
    });
    expect(byName['PODMAN-CNI-broken-indent-default-network.txt']).toMatchObject({
      format: 'podman-cni',
      bridge: 'cni-podman0',
      subnets: [{ subnet: '10.88.0.0/16', gateway: '10.88.0.1' }],
    });
    expect(byName['JQ-filtered-subnets-only.txt']!.subnets.map((s) => s.subnet)).toEqual([
      '172.18.0.0/16',
      'fc00:f853:ccd:e793::/64',
    ]);
  });
});

describe('route explanations', () => {
  const seed = parseIpRoute(
    fixtureFiles('ip-route-kind-node').find((f) => f.name === 'seed-kind-worker.txt')!.text,
  ).items;
  const ctx: RouteContext = {
    node: 'kind-worker',
    podCidrs: [
      { cidr: '10.244.0.0/24', node: 'kind-control-plane' },
      { cidr: '10.244.1.0/24', node: 'kind-worker' },
    ],
    nodeIps: [
      { ip: '172.18.0.3', node: 'kind-control-plane' },
      { ip: '172.18.0.2', node: 'kind-worker' },
    ],
    networks: [{ name: 'kind', subnet: '172.18.0.0/16', bridge: 'br-38055463db3c', gateway: '172.18.0.1' }],
  };
  const explain = (dst: string) => explainRoute(routeOf(seed, dst)!, ctx);

  it('explains the seed route table as the article does', () => {
    expect(explain('10.244.0.0/24')).toBe(
      "Traffic to 10.244.0.0/24 — the pods of kind-control-plane — leaves through `cilium_host` with source 10.244.1.174, MTU 1450 because of the tunnel's overhead (50 bytes of encapsulation per packet): Cilium encapsulates it to that node.",
    );
    expect(explain('10.244.1.0/24')).toMatch(
      /^Traffic to 10\.244\.1\.0\/24 — this node's own pods — is handed to `cilium_host` with source 10\.244\.1\.174/,
    );
    expect(explain('10.244.1.174')).toMatch(/`cilium_host`'s own address/);
    expect(explain('172.18.0.0/16')).toBe(
      'The Docker network "kind" (172.18.0.0/16) is directly on `eth0`, where this node is 172.18.0.2: the other nodes and the host\'s bridge are one hop away.',
    );
    expect(explain('default')).toMatch(
      /to 172\.18\.0\.1, the gateway of the Docker network "kind" — the bridge `br-38055463db3c`/,
    );
  });

  it('explains native routing to another node', () => {
    const native = parseIpRoute('10.244.0.0/24 via 172.18.0.3 dev eth0 proto kernel').items[0]!;
    expect(explainRoute(native, ctx)).toBe(
      'Traffic to 10.244.0.0/24 — the pods of kind-control-plane — goes straight to kind-control-plane (172.18.0.3) over `eth0`: native routing, no tunnel.',
    );
  });
});
