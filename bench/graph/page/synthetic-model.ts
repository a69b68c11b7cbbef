import type {
  ClusterStatus,
  ClusterTopology,
  ServiceStatus,
  TopologyNode,
  TopologyRoute,
} from '../../../src-main/contract';

/** The benchmark's cluster: 50 nodes, 500 LoadBalancer services and 50 pools (the numbers). */
export const benchSize = { nodes: 50, services: 500, pools: 50 };

const nodeName = (i: number) => (i === 0 ? 'bench-control-plane' : i === 1 ? 'bench-worker' : `bench-worker${i}`);
const route = (raw: string, extra: Partial<TopologyRoute>): TopologyRoute => ({
  type: 'unicast',
  dst: raw.split(' ')[0]!,
  flags: [],
  raw,
  explanation: `What \`${raw}\` does.`,
  ...extra,
});

function node(i: number, count: number): TopologyNode {
  const ip = `172.18.${Math.floor((i + 2) / 250)}.${((i + 2) % 250) + 1}`;
  const mac = `02:42:ac:12:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
  const host = `10.244.${i}.1`;
  const routes = [
    route('default via 172.18.0.1 dev eth0', { via: '172.18.0.1', dev: 'eth0' }),
    route(`172.18.0.0/16 dev eth0 proto kernel scope link src ${ip}`, { dev: 'eth0' }),
  ];
  for (let peer = 0; peer < count; peer += 1)
    routes.push(
      route(`10.244.${peer}.0/24 via ${host} dev cilium_host${peer === i ? '' : ' mtu 1450'}`, {
        via: host,
        dev: 'cilium_host',
        ...(peer === i ? {} : { mtu: 1450 }),
      }),
    );
  return {
    name: nodeName(i),
    containerId: `c${i}`,
    role: i === 0 ? 'control-plane' : 'worker',
    state: 'running',
    running: true,
    hostname: nodeName(i),
    image: 'kindest/node:v1.33.1',
    network: 'kind',
    ipv4: ip,
    mac,
    eth0: { ifindex: 1000 + i * 2, peerIfindex: 1001 + i * 2, mtu: 1500, mac },
    veth: {
      ifname: `veth${(0xabc000 + i).toString(16)}`,
      ifindex: 1001 + i * 2,
      master: 'br-0123456789ab',
      state: 'UP',
      mtu: 1500,
      onBridge: true,
    },
    interfaces: [{ ifindex: 3, ifname: 'cilium_host', mtu: 1500, addresses: [`${host}/32`] }],
    routes,
    unparsed: [],
  };
}

export function syntheticModel(): { topology: ClusterTopology; status: ClusterStatus } {
  const nodes = Array.from({ length: benchSize.nodes }, (_, i) => node(i, benchSize.nodes));
  const services: ServiceStatus[] = Array.from({ length: benchSize.services }, (_, i) => {
    const holder = nodeName(1 + (i % (benchSize.nodes - 1)));
    const pool = i % benchSize.pools;
    return {
      namespace: 'default',
      name: `svc-${i}`,
      type: 'LoadBalancer',
      ports: ['80:30080/TCP'],
      servicePorts: [{ port: 80, nodePort: 30080, protocol: 'TCP' }],
      externalIPs: [`172.19.${pool}.${Math.floor(i / benchSize.pools) + 1}`],
      readyEndpoints: 1,
      holder,
      leaseHolder: { node: holder, lease: `cilium-l2announce-default-svc-${i}`, renewTime: new Date(0).toISOString() },
      findings: [],
    };
  });
  const topology: ClusterTopology = {
    name: 'bench',
    observedFrom: 'host',
    problems: [],
    generatedAt: new Date(0).toISOString(),
    tookMs: 0,
    nodes,
    networks: [
      {
        name: 'kind',
        id: '0123456789abcdef',
        driver: 'bridge',
        mtu: 1500,
        subnets: [{ subnet: '172.18.0.0/16', gateway: '172.18.0.1', family: 4 }],
        bridge: { name: 'br-0123456789ab', present: true, state: 'UP', mtu: 1500, addresses: [] },
      },
    ],
    host: {
      platform: 'linux',
      routes: [
        {
          dst: '172.18.0.0/16',
          dev: 'br-0123456789ab',
          network: 'kind',
          raw: '172.18.0.0/16 dev br-0123456789ab',
          explanation: 'Directly attached.',
        },
      ],
      reachability: { status: 'yes', reason: 'On this machine.' },
    },
  };
  const status: ClusterStatus = {
    cluster: 'bench',
    context: 'kind-bench',
    connection: { state: 'live' },
    nodes: nodes.map((n, i) => ({
      name: n.name,
      roles: i === 0 ? ['control-plane'] : [],
      ready: true,
      internalIP: n.ipv4,
      podCIDRs: [`10.244.${i}.0/24`],
    })),
    cilium: {
      installed: true,
      state: 'installed',
      version: '1.16.5',
      agents: { ready: 50, desired: 50 },
      operator: { ready: 1, desired: 1 },
      l2Announcements: true,
      routingMode: 'tunnel',
    },
    services,
    pools: Array.from({ length: benchSize.pools }, (_, p) => ({
      name: `pool-${p}`,
      apiVersion: 'cilium.io/v2',
      ranges: [`172.19.${p}.0/24`],
      disabled: false,
      total: 254,
      used: 10,
      available: 244,
      conflict: false,
      findings: [],
    })),
    policies: [],
    findings: [],
    streams: [],
    complete: true,
    generatedAt: new Date(0).toISOString(),
    leases: services.map((s) => ({
      name: s.leaseHolder!.lease,
      holder: s.leaseHolder!.node,
      renewTime: s.leaseHolder!.renewTime,
      leaseDurationSeconds: 3,
    })),
  };
  return { topology, status };
}

/**
 * The k-th change, as the cluster wing pushes them: mostly lease renewals, every 10th a
 * lease moving to another node (failover), every 20th a node turning NotReady/Ready.
 * New objects only where something changed, as a pushed patch would give.
 */
export function changeModel(
  model: { topology: ClusterTopology; status: ClusterStatus },
  k: number,
): { topology: ClusterTopology; status: ClusterStatus } {
  const { status } = model;
  const index = (k * 37) % status.services.length;
  const services = [...status.services];
  const service = services[index]!;
  const moved = k % 10 === 0 ? nodeName(1 + ((k / 10) % (benchSize.nodes - 1))) : service.leaseHolder!.node;
  services[index] = {
    ...service,
    holder: moved,
    leaseHolder: { ...service.leaseHolder!, node: moved, renewTime: new Date(k * 50).toISOString() },
  };
  let nodes = status.nodes;
  if (k % 20 === 0) {
    const n = 1 + ((k / 20) % (benchSize.nodes - 1));
    nodes = status.nodes.map((node, i) => (i === n ? { ...node, ready: !node.ready } : node));
  }
  return {
    topology: model.topology,
    status: { ...status, services, nodes, generatedAt: new Date(k * 50).toISOString() },
  };
}
