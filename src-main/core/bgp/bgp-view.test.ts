import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bgpFindings, claimsFrom, routesFrom, sessionsFrom } from './bgp-view';

/**
 * Real outputs, not typed ones: FRR 8.4's `show bgp summary json` / `show ip route json` and
 * GoBGP 3.10's `gobgp neighbor -j`, recorded from Debian's packages peering in network
 * namespaces (two GoBGP speakers advertising 10.250.250.130/32 to one FRR with `bgp listen range`).
 */
const fixture = (file: string) => JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', file), 'utf8'));
const nodes = new Map([
  ['172.18.0.3', 'demo-worker'],
  ['172.18.0.4', 'demo-worker2'],
]);
const nodeOf = (ip: string) => nodes.get(ip);

describe("the router's measurement, from FRR's own JSON", () => {
  it('sessions: the dynamic neighbours, their state, uptime and prefixes received, named by node', () => {
    const { asn, sessions } = sessionsFrom(fixture('frr-8.4-show-bgp-summary.json'), nodeOf);
    expect(asn).toBe(65000);
    expect(sessions).toEqual([
      {
        peer: '172.18.0.3',
        node: 'demo-worker',
        remoteAs: 65001,
        state: 'Established',
        uptimeMs: 15000,
        prefixesReceived: 1,
      },
      {
        peer: '172.18.0.4',
        node: 'demo-worker2',
        remoteAs: 65001,
        state: 'Established',
        uptimeMs: 15000,
        prefixesReceived: 1,
      },
    ]);
  });

  it('routes: only BGP ones, one next hop per advertising node, installed when in the FIB', () => {
    const routes = routesFrom(fixture('frr-8.4-show-ip-route.json'), nodeOf, (ip) =>
      ip === '10.250.250.130' ? 'default/web' : undefined,
    );
    expect(routes).toEqual([
      {
        prefix: '10.250.250.130/32',
        service: 'default/web',
        nextHops: [
          { ip: '172.18.0.3', node: 'demo-worker', installed: true, interface: 'br0' },
          { ip: '172.18.0.4', node: 'demo-worker2', installed: true, interface: 'br0' },
        ],
      },
    ]);
  });

  it('a next hop zebra did not install is said so', () => {
    const table = fixture('frr-8.4-show-ip-route.json');
    table['10.250.250.130/32'][0].nexthops[1].fib = false;
    table['10.250.250.130/32'][0].installed = false;
    const [route] = routesFrom(table, nodeOf, () => undefined);
    expect(route!.nextHops.map((h) => h.installed)).toEqual([true, false]);
  });
});

describe("the nodes' claim, from CiliumBGPNodeConfig status", () => {
  it('each node with its peers as the agent wrote them', () => {
    const claims = claimsFrom([
      {
        metadata: { name: 'demo-worker2' },
        spec: { bgpInstances: [{ name: 'lab', localASN: 65001 }] },
        status: {
          bgpInstances: [
            {
              name: 'lab',
              localASN: 65001,
              peers: [
                {
                  name: 'router',
                  peerAddress: '172.18.0.9',
                  peerASN: 65000,
                  peeringState: 'established',
                  establishedTime: '2026-12-06T06:40:09Z',
                  routeCount: [{ afi: 'ipv4', safi: 'unicast', advertised: 1, received: 0 }],
                },
              ],
            },
          ],
        },
      },
      { metadata: { name: 'demo-worker' }, spec: { bgpInstances: [{ name: 'lab', localASN: 65001 }] } },
    ]);
    expect(claims).toEqual([
      { node: 'demo-worker', localASN: 65001, peers: [] },
      {
        node: 'demo-worker2',
        localASN: 65001,
        peers: [
          {
            name: 'router',
            peerAddress: '172.18.0.9',
            peerASN: 65000,
            peeringState: 'established',
            establishedTime: '2026-12-06T06:40:09Z',
            advertised: 1,
            received: 0,
          },
        ],
      },
    ]);
  });
});

describe('findings from the claim and the measurement side by side', () => {
  const measured = {
    router: 'demo-router',
    measuredAt: '2026-12-06T07:00:00Z',
    running: true,
    asn: 65000,
    expectedNodeASN: 65001,
    sessions: [],
    routes: [],
  };
  const claim = (localASN: number, peerASN: number, peeringState = 'active') => [
    { node: 'demo-worker', localASN, peers: [{ name: 'router', peerAddress: '172.18.0.9', peerASN, peeringState }] },
  ];

  it('a wrong peerASN names the AS the router runs', () => {
    const [finding] = bgpFindings('demo', claim(65001, 65099), measured);
    expect(finding).toMatchObject({ code: 'bgp-peer-asn-wrong' });
    expect(finding!.message).toContain('the router runs AS 65000');
    expect(finding!.fix).toContain('peerASN to 65000');
  });

  it('a wrong localASN names the AS the router expects', () => {
    const [finding] = bgpFindings('demo', claim(65002, 65000), measured);
    expect(finding).toMatchObject({ code: 'bgp-local-asn-wrong' });
    expect(finding!.message).toContain('expects AS 65001');
  });

  it('an established session is no finding; no node config is', () => {
    expect(bgpFindings('demo', claim(65001, 65000, 'established'), measured)).toEqual([]);
    expect(bgpFindings('demo', [], measured).map((f) => f.code)).toEqual(['bgp-no-node-config']);
  });
});
