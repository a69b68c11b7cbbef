import { describe, expect, it } from 'vitest';
import type { TopologyNetwork, TopologyNode } from '../../contract';
import { parseIpRoute } from '../net';
import { explainNodeRoutes } from './route-meaning';

const network: TopologyNetwork = {
  name: 'kind',
  id: 'n1',
  driver: 'bridge',
  subnets: [{ subnet: '172.18.0.0/16', family: 4, gateway: '172.18.0.1' }],
  bridge: { name: 'br-abc', present: true, addresses: [] },
};

function node(name: string, ipv4: string, ciliumHost: string | undefined, routes: string): TopologyNode {
  return {
    name,
    containerId: name,
    role: 'worker',
    state: 'running',
    running: true,
    hostname: name,
    image: 'kindest/node',
    network: 'kind',
    ipv4,
    interfaces: ciliumHost ? [{ ifindex: 3, ifname: 'cilium_host', addresses: [`${ciliumHost}/32`] }] : [],
    routes: parseIpRoute(routes).items.map((route) => ({ ...route, explanation: '' })),
    unparsed: [],
  };
}

describe('explainNodeRoutes: each route explained with the pod CIDRs learned from the nodes', () => {
  it('tunnel mode: a node owns the CIDR its cilium_host address is in; a peer CIDR is encapsulated to its owner', () => {
    const a = node(
      'lab-worker',
      '172.18.0.2',
      '10.244.1.10',
      'default via 172.18.0.1 dev eth0\n10.244.0.0/24 via 10.244.1.10 dev cilium_host src 10.244.1.10 mtu 1450\n10.244.1.0/24 via 10.244.1.10 dev cilium_host src 10.244.1.10\n172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.2',
    );
    const b = node(
      'lab-control-plane',
      '172.18.0.3',
      '10.244.0.20',
      '10.244.0.0/24 via 10.244.0.20 dev cilium_host src 10.244.0.20\n10.244.1.0/24 via 10.244.0.20 dev cilium_host src 10.244.0.20 mtu 1450',
    );
    explainNodeRoutes([a, b], [network]);
    const explanation = (n: TopologyNode, dst: string) => n.routes.find((r) => r.dst === dst)!.explanation;
    expect(explanation(a, '10.244.1.0/24')).toMatch(/this node's own pods/);
    expect(explanation(a, '10.244.0.0/24')).toMatch(/the pods of lab-control-plane .*Cilium encapsulates/);
    expect(explanation(b, '10.244.1.0/24')).toMatch(/the pods of lab-worker/);
    expect(explanation(a, 'default')).toMatch(/gateway of the Docker network "kind"/);
    expect(explanation(a, '172.18.0.0/16')).toMatch(/Docker network "kind"/);
  });

  it("native routing: a CIDR routed via a node's IP belongs to that node", () => {
    const a = node('lab-worker', '172.18.0.2', undefined, '10.244.2.0/24 via 172.18.0.4 dev eth0');
    const c = node('lab-worker2', '172.18.0.4', undefined, '');
    explainNodeRoutes([a, c], [network]);
    expect(a.routes[0]!.explanation).toMatch(/the pods of lab-worker2 — goes straight to lab-worker2 .*native routing/);
  });
});
