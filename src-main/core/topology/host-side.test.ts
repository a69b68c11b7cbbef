import { describe, expect, it } from 'vitest';
import type { TopologyNetwork } from '../../contract';
import { parseIpRoute, parseNetstatRoutes } from '../net';
import { hostSide } from './host-side';
import type { HostView } from './host-view';

const kind: TopologyNetwork = {
  name: 'kind',
  id: 'n1',
  driver: 'bridge',
  subnets: [{ subnet: '172.18.0.0/16', family: 4, gateway: '172.18.0.1' }],
  bridge: { name: 'br-abc', present: true, addresses: ['172.18.0.1/16'] },
};

const linux = (routes: string, observedFrom: HostView['observedFrom'] = 'host'): HostView => ({
  platform: 'linux',
  links: [],
  routes: parseIpRoute(routes).items,
  netstatRoutes: [],
  observedFrom,
  problems: [],
});

const mac = (netstat: string): HostView => ({
  platform: 'darwin',
  links: [],
  routes: [],
  netstatRoutes: parseNetstatRoutes(netstat).items,
  observedFrom: 'engine-vm',
  problems: [],
});

const netstatHeader =
  'Routing tables\n\nInternet:\nDestination        Gateway            Flags               Netif Expire\n';

describe("hostSide: this machine's routes to the cluster and whether its IPs are reachable", () => {
  it.each<[string, HostView, string, RegExp]>([
    [
      'Linux, the bridge attached here',
      linux('default via 192.168.1.1 dev wlan0\n172.18.0.0/16 dev br-abc proto kernel scope link src 172.18.0.1'),
      'yes',
      /bridge of "kind" is on this machine/,
    ],
    [
      'Linux, the subnet also routed to the Wi-Fi',
      linux('172.18.0.0/16 dev br-abc proto kernel scope link\n172.18.0.0/16 dev wlan0 scope link'),
      'no',
      /also routed to another interface/,
    ],
    [
      'Linux, the networks inside the engine VM',
      linux('default via 192.168.1.1 dev wlan0', 'engine-vm'),
      'no',
      /inside the engine's VM/,
    ],
    ['Linux, no route found', linux('default via 192.168.1.1 dev wlan0'), 'unknown', /No route to the Docker networks/],
    [
      'macOS with docker-mac-net-connect',
      mac(
        `${netstatHeader}default            192.168.1.1        UGScg                 en0\n172.18             utun5              USc                 utun5\n`,
      ),
      'yes',
      /docker-mac-net-connect routes 172.18.0.0\/16/,
    ],
    [
      'macOS without it',
      mac(`${netstatHeader}default            192.168.1.1        UGScg                 en0\n`),
      'no',
      /brew install chipmk\/tap\/docker-mac-net-connect/,
    ],
  ])('%s', (_name, host, status, reason) => {
    const side = hostSide(host, [kind]);
    expect(side.reachability.status).toBe(status);
    expect(side.reachability.reason).toMatch(reason);
  });

  it('keeps only the default route and the routes to the Docker subnets, each explained', () => {
    const side = hostSide(
      linux(
        'default via 192.168.1.1 dev wlan0\n10.9.0.0/16 dev tun0 scope link\n172.18.0.0/16 dev br-abc proto kernel scope link src 172.18.0.1',
      ),
      [kind],
    );
    expect(side.routes.map((r) => r.dst)).toEqual(['default', '172.18.0.0/16']);
    expect(side.routes[1]).toMatchObject({ dev: 'br-abc', network: 'kind' });
    expect(side.routes.every((r) => r.explanation.length > 0)).toBe(true);
  });

  it('without an IPv4 network, a Mac cannot say', () => {
    expect(hostSide(mac(netstatHeader), []).reachability.status).toBe('unknown');
  });
});
