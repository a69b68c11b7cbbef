import { describe, expect, it } from 'vitest';
import { fakeClusterStatus, fakeService } from '../../contract/cluster-status.fake';
import { parsePing } from './probe';
import { pingNode, proveService, type ReachabilityProbes } from './reachability';

const status = fakeClusterStatus({
  nodes: [
    {
      name: 'demo-worker',
      roles: ['worker'],
      ready: true,
      internalIP: '172.18.0.3',
      podCIDRs: [],
      mac: '02:42:ac:12:00:03',
    },
  ],
  services: [fakeService({ externalIPs: ['172.18.250.1'], readyEndpoints: 2 })],
});

// Probes as data: what ping, a TCP connect and `ip neigh` would have answered.
const probes = (over: Partial<ReachabilityProbes>): ReachabilityProbes => ({
  icmp: async () => ({ sent: 3, received: 0, rttMs: [] }),
  tcp: async () => ({ ok: false, ms: 3000, error: 'ETIMEDOUT' }),
  neighbour: { read: async () => undefined, refresh: async () => ({ refreshed: true }) },
  path: async () => ({ ok: true, detail: 'the bridge route' }),
  platform: 'linux',
  ...over,
});

describe('ping and reachability, explained', () => {
  it('parses iputils and macOS ping output', () => {
    const linux =
      'PING 172.18.0.3 (172.18.0.3) 56(84) bytes of data.\n64 bytes from 172.18.0.3: icmp_seq=1 ttl=64 time=0.061 ms\n\n--- 172.18.0.3 ping statistics ---\n2 packets transmitted, 1 received, 50% packet loss, time 1001ms\n';
    expect(parsePing(linux, 2)).toEqual({ sent: 2, received: 1, rttMs: [0.061] });
    const mac =
      '64 bytes from 10.0.0.1: icmp_seq=0 ttl=64 time=1.234 ms\n--- 10.0.0.1 ping statistics ---\n1 packets transmitted, 1 packets received, 0.0% packet loss\n';
    expect(parsePing(mac, 1)).toEqual({ sent: 1, received: 1, rttMs: [1.234] });
  });

  it('explains a node timeout on macOS with the route fix', async () => {
    const result = await pingNode(status, 'demo-worker', probes({ platform: 'darwin' }));
    expect(result).toMatchObject({ verdict: 'unreachable', target: { ip: '172.18.0.3' } });
    expect(result.explanation).toContain("inside the engine's VM, and macOS has no route to 172.18.0.3");
    expect(result.fix).toContain('docker-mac-net-connect');
  });

  it('proves a service with TCP and ARP, never expecting ICMP from the VIP', async () => {
    let pinged = false;
    const result = await proveService(
      status,
      'default',
      'web',
      probes({
        icmp: async () => ((pinged = true), { sent: 1, received: 1, rttMs: [1] }),
        tcp: async () => ({ ok: true, ms: 2 }),
        neighbour: {
          read: async () => ({ state: 'REACHABLE', mac: '02:42:ac:12:00:03' }),
          refresh: async () => ({ refreshed: true }),
        },
      }),
    );
    expect(pinged).toBe(false);
    expect(result).toMatchObject({
      verdict: 'reachable',
      target: { ip: '172.18.250.1', port: 80 },
      answeredBy: { node: 'demo-worker', mac: '02:42:ac:12:00:03' },
    });
    expect(result.explanation).toContain('cilium/cilium#14118');
  });

  it("a ping's neighbour entry names the node whose MAC it holds — and no node when the MAC is no node's", async () => {
    const answered = (mac: string) =>
      pingNode(
        status,
        'demo-worker',
        probes({
          icmp: async () => ({ sent: 2, received: 2, rttMs: [0.1, 0.1] }),
          neighbour: { read: async () => ({ state: 'REACHABLE', mac }), refresh: async () => ({ refreshed: true }) },
        }),
      );
    expect((await answered('02:42:ac:12:00:03')).answeredBy).toMatchObject({
      node: 'demo-worker',
      mac: '02:42:ac:12:00:03',
    });
    const stranger = (await answered('02:42:ac:12:00:99')).answeredBy;
    expect(stranger).toMatchObject({ mac: '02:42:ac:12:00:99' });
    expect(stranger).not.toHaveProperty('node');
  });

  it('names the nodes when the one asked for does not exist', async () => {
    expect((await pingNode(status, 'nope', probes({}))).explanation).toBe(
      'nope is not a node of "demo" (nodes: demo-worker).',
    );
  });
});
