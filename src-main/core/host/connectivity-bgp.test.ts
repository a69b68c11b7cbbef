import { describe, expect, it } from 'vitest';
import type { ConnectivityHop } from '../../contract';
import { withPoolNetwork, withRouterHops, type BgpPoolNetwork } from './connectivity-bgp';
import type { ClusterNetworkFacts } from './connectivity-check';

const pool: BgpPoolNetwork = {
  network: 'demo-lb',
  subnet: '10.250.249.0/24',
  gateway: '10.250.249.1',
  bridge: 'br-abc',
  router: 'demo-router',
};
const facts: ClusterNetworkFacts = {
  nodes: [{ name: 'demo-worker', ip: '172.18.0.3', network: 'kind' }],
  subnets: [{ network: 'kind', subnet: '172.18.0.0/16', bridge: 'br-kind' }],
};
const hop = (name: string, target?: string): ConnectivityHop => ({
  hop: name,
  ok: true,
  detail: '',
  ...(target ? { target } : {}),
});

describe("BGP mode's hops in kindscope connectivity", () => {
  it("the pool's network is routed like the nodes' (its own route hop)", () => {
    expect(withPoolNetwork(facts, pool).subnets.map((s) => s.network)).toEqual(['kind', 'demo-lb']);
  });

  it("the router's hops come right before each pool IP's TCP hop, read for that IP; other IPs are left alone", async () => {
    const asked: string[] = [];
    const hops = await withRouterHops(
      [
        hop('host route to 10.250.249.0/24 (Docker network demo-lb)'),
        hop('ping demo-worker (172.18.0.3)', '172.18.0.3'),
        hop('TCP default/web 10.250.249.129:80', '10.250.249.129'),
        hop('TCP default/other 172.18.250.1:80', '172.18.250.1'),
      ],
      pool,
      facts,
      async (_pool, ip, nodeOf) => {
        asked.push(ip);
        return [
          { hop: 'router', ok: true, detail: 'answers ARP' },
          { hop: 'next hops', ok: true, detail: `via 172.18.0.3 (${nodeOf('172.18.0.3')})` },
          { hop: 'this flow', ok: true, detail: 'to 172.18.0.3' },
        ];
      },
      'demo',
    );
    expect(asked).toEqual(['10.250.249.129']);
    expect(hops.map((h) => h.hop)).toEqual([
      'host route to 10.250.249.0/24 (Docker network demo-lb)',
      'ping demo-worker (172.18.0.3)',
      'BGP router for 10.250.249.129',
      'BGP next hops for 10.250.249.129',
      'BGP this flow for 10.250.249.129',
      'TCP default/web 10.250.249.129:80',
      'TCP default/other 172.18.250.1:80',
    ]);
    expect(hops[3]!.detail).toBe('via 172.18.0.3 (demo-worker)');
  });

  it('a router hop that fails carries the doctor as its fix; a router that cannot be read is a failing hop, not an exception', async () => {
    const failing = await withRouterHops(
      [hop('TCP default/web 10.250.249.129:80', '10.250.249.129')],
      pool,
      facts,
      async () => [{ hop: 'next hops', ok: false, detail: 'no installed route' }],
      'demo',
    );
    expect(failing[0]).toMatchObject({ ok: false, fix: expect.stringContaining('kindscope doctor --cluster demo') });
    const unreadable = await withRouterHops(
      [hop('TCP default/web 10.250.249.129:80', '10.250.249.129')],
      pool,
      facts,
      () => Promise.reject(new Error('No such container')),
      'demo',
    );
    expect(unreadable[0]).toMatchObject({ hop: 'BGP router for 10.250.249.129', ok: false });
    expect(unreadable[0]!.detail).toContain('No such container');
  });
});
