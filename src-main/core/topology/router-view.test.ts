import { describe, expect, it } from 'vitest';
import type { TopologyNetwork } from '../../contract';
import { parseIpRoute } from '../net';
import type { HostView } from './host-view';
import { toTopologyRouter } from './router-view';

const pool: TopologyNetwork = {
  name: 'demo-lb',
  id: 'lb1',
  driver: 'bridge',
  subnets: [{ subnet: '10.250.0.0/24', family: 4, gateway: '10.250.0.1' }],
  bridge: { name: 'br-0a0b0c0d0e0f', present: true, addresses: ['10.250.0.1/24'] },
};

const linux = (routes: string): HostView => ({
  platform: 'linux',
  links: [],
  routes: parseIpRoute(routes).items,
  netstatRoutes: [],
  observedFrom: 'host',
  problems: [],
});

/** As `docker inspect demo-router` has it (the fields read). */
const inspected = (running: boolean) => ({
  Id: 'c0ffee',
  Name: '/demo-router',
  State: { Status: running ? 'running' : 'exited', Running: running },
  Config: { Image: 'quay.io/frrouting/frr:10.2.1' },
  NetworkSettings: {
    Networks: {
      kind: { IPAddress: running ? '172.18.0.2' : '', MacAddress: running ? '02:42:ac:12:00:02' : '' },
      'demo-lb': { IPAddress: running ? '10.250.0.2' : '', MacAddress: running ? '02:42:0a:fa:00:02' : '' },
    },
  },
});

describe('toTopologyRouter: BGP mode’s router and the path to its pool, as Docker and this machine show them', () => {
  it.each([
    {
      name: 'running, the pool network’s bridge on this machine (its connected route, no host route)',
      running: true,
      routes:
        'default via 192.168.1.1 dev wlan0\n172.18.0.0/16 dev br-abc proto kernel scope link src 172.18.0.1\n' +
        '10.250.0.0/24 dev br-0a0b0c0d0e0f proto kernel scope link src 10.250.0.1',
      attachments: [
        { network: 'demo-lb', ipv4: '10.250.0.2', mac: '02:42:0a:fa:00:02' },
        { network: 'kind', ipv4: '172.18.0.2', mac: '02:42:ac:12:00:02' },
      ],
      poolRoutes: ['10.250.0.0/24 dev br-0a0b0c0d0e0f proto kernel scope link src 10.250.0.1'],
    },
    {
      name: 'stopped: no addresses; no route to the pool on this machine',
      running: false,
      routes: 'default via 192.168.1.1 dev wlan0',
      attachments: [{ network: 'demo-lb' }, { network: 'kind' }],
      poolRoutes: [],
    },
  ])('$name', ({ running, routes, attachments, poolRoutes }) => {
    const router = toTopologyRouter(inspected(running) as never, pool, linux(routes));
    expect(router).toMatchObject({ name: 'demo-router', containerId: 'c0ffee', running, attachments });
    expect(router.poolNetwork?.name).toBe('demo-lb');
    // Only the pool's own routes: the default route and the kind network's are not the path to the pool.
    expect(router.poolRoutes.map((r) => r.raw)).toEqual(poolRoutes);
  });

  it('without the pool network (removed by hand) the router is still drawn, with no path to a pool', () => {
    const router = toTopologyRouter(inspected(true) as never, undefined, linux('default via 192.168.1.1 dev wlan0'));
    expect(router.poolNetwork).toBeUndefined();
    expect(router.poolRoutes).toEqual([]);
  });
});
