import { describe, expect, it } from 'vitest';
import { buildTopologyGraph, routingMode } from './build-graph';
import { groupThreshold } from './build-services';
import type { GraphSpec } from './graph-types';
import { labModels, lbService } from './test-models';

const byLabel = (spec: GraphSpec, label: string) => spec.nodes.find((n) => n.label === label);
const edgeByLabel = (spec: GraphSpec, label: string) => spec.edges.find((e) => e.label === label);

describe('buildTopologyGraph', () => {
  it('draws host → bridge → veth pairs as ip link names them → nodes → pod CIDRs → LoadBalancer IPs joined to their lease holder', () => {
    const { topology, status } = labModels();
    const spec = buildTopologyGraph(topology, status);
    expect(byLabel(spec, 'This machine')).toBeDefined();
    expect(byLabel(spec, 'Bridge br-b78528e4a8b6')).toBeDefined();
    for (const node of topology.nodes) {
      const veth = byLabel(spec, `veth pair ${node.veth!.ifname} ⇄ eth0@if${node.veth!.ifindex} of ${node.name}`);
      expect(veth?.lines[0]).toBe(`${node.veth!.ifname}@if${node.eth0!.ifindex} ⇄ eth0@if${node.veth!.ifindex}`);
      expect(byLabel(spec, `Node ${node.name}`)?.lines).toEqual([
        `${node.role} · running · Ready`,
        node.ipv4,
        node.mac,
      ]);
    }
    expect(byLabel(spec, 'Pod CIDR 10.244.2.0/24 of i17-demo-worker2')?.lines[0]).toBe('cilium_host 10.244.2.204/32');
    const lease = edgeByLabel(spec, '172.18.230.1 — lease held by i17-demo-worker');
    expect(lease).toMatchObject({ source: 'node:i17-demo-worker', target: 'svc:default/web', kind: 'lease' });
    expect(edgeByLabel(spec, '172.18.230.2 — lease held by i17-demo-worker')?.target).toBe('svc:default/api');
    expect(byLabel(spec, 'Service default/web 172.18.230.1')?.lines).toContain('cilium-l2announce-default-web');
  });

  it('words the measurement apart from the claim, and only once a probe measured it', () => {
    const { topology, status } = labModels();
    const web = status.services.find((s) => s.name === 'web')!;
    expect(buildTopologyGraph(topology, status).edges.some((e) => e.label.includes('answered ARP'))).toBe(false);
    web.answeredBy = { node: 'i17-demo-worker', mac: '02:42:ac:12:00:06', checkedAt: '2026-12-01T10:42:07Z' };
    const clock = new Date('2026-12-01T10:42:07Z').toLocaleTimeString('en-GB', { hour12: false });
    const spec = buildTopologyGraph(topology, status);
    expect(
      edgeByLabel(
        spec,
        `172.18.230.1 — lease held by i17-demo-worker · answered ARP: i17-demo-worker (checked ${clock})`,
      ),
    ).toBeDefined();
    expect(byLabel(spec, 'This machine')?.lines).toContain('ARP 172.18.230.1 → i17-demo-worker (the holder)');
  });

  it('moves the lease edge to the new holder on failover (same edge, new source, nothing left at the old one)', () => {
    const { topology, status } = labModels();
    const before = buildTopologyGraph(topology, status);
    status.services.find((s) => s.name === 'web')!.leaseHolder = {
      node: 'i17-demo-worker2',
      lease: 'cilium-l2announce-default-web',
    };
    topology.nodes.find((n) => n.name === 'i17-demo-worker')!.running = false;
    const after = buildTopologyGraph(topology, status);
    const id = before.edges.find((e) => e.label === '172.18.230.1 — lease held by i17-demo-worker')!.id;
    expect(after.edges.filter((e) => e.id === id)).toEqual([
      expect.objectContaining({
        source: 'node:i17-demo-worker2',
        label: '172.18.230.1 — lease held by i17-demo-worker2',
      }),
    ]);
    expect(byLabel(after, 'Node i17-demo-worker')?.tone).toBe('stopped');
  });

  it('draws a <pending> service unattached, with its reason', () => {
    const { topology, status } = labModels();
    status.services.push(
      lbService('picky', undefined, undefined, {
        findings: [{ code: 'no-pool-matches', message: 'No pool selects this service', fix: 'Label it.' }],
      }),
    );
    const spec = buildTopologyGraph(topology, status);
    const pending = byLabel(spec, 'Service default/picky <pending>: No pool selects this service');
    expect(pending?.kind).toBe('pending');
    expect(spec.edges.some((e) => e.source === pending!.id || e.target === pending!.id)).toBe(false);
  });

  it(`collapses more than ${groupThreshold} services on one node into a group with a count, which expands`, () => {
    const { topology, status } = labModels();
    for (let i = 0; i < groupThreshold + 5; i += 1)
      status.services.push(lbService(`s${i}`, `172.18.231.${i + 1}`, 'i17-demo-worker2'));
    const collapsed = buildTopologyGraph(topology, status);
    expect(byLabel(collapsed, `${groupThreshold + 5} LoadBalancer services held by i17-demo-worker2`)?.title).toBe(
      `${groupThreshold + 5} services`,
    );
    expect(collapsed.nodes.filter((n) => n.kind === 'service')).toHaveLength(2);
    const expanded = buildTopologyGraph(topology, status, { expandedGroups: new Set(['i17-demo-worker2']) });
    expect(expanded.nodes.filter((n) => n.kind === 'service')).toHaveLength(groupThreshold + 7);
    expect(expanded.nodes.some((n) => n.kind === 'service-group')).toBe(false);
  });

  it('draws tunnel mode as an overlay through cilium_host with its MTU, native mode as routes via node IPs', () => {
    const { topology, status } = labModels();
    expect(routingMode(topology, status)).toBe('tunnel');
    const tunnel = buildTopologyGraph(topology, status);
    expect(byLabel(tunnel, 'Tunnel overlay between nodes, MTU 1450')?.lines).toContain(
      'MTU 1450 (50 bytes for the tunnel header)',
    );
    expect(tunnel.edges.find((e) => e.id === 'pods:i17-demo-worker>overlay')?.label).toBe(
      'Tunnel routes of i17-demo-worker: 10.244.0.0/24 via 10.244.1.187, 10.244.2.0/24 via 10.244.1.187',
    );

    status.cilium.routingMode = 'native';
    const worker = topology.nodes.find((n) => n.name === 'i17-demo-worker')!;
    worker.routes = [
      {
        type: 'unicast',
        dst: '10.244.2.0/24',
        via: '172.18.0.7',
        dev: 'eth0',
        flags: [],
        raw: '10.244.2.0/24 via 172.18.0.7 dev eth0',
        explanation: '',
      },
    ];
    const native = buildTopologyGraph(topology, status);
    expect(byLabel(native, 'Native routing over br-b78528e4a8b6')).toBeDefined();
    expect(native.edges.find((e) => e.id === 'pods:i17-demo-worker>overlay')).toMatchObject({
      kind: 'native',
      label: 'Native routes of i17-demo-worker: 10.244.2.0/24 via 172.18.0.7',
    });
  });

  it('keeps a stopped node’s veth slot, saying its pair is gone', () => {
    const { topology, status } = labModels();
    const node = topology.nodes.find((n) => n.name === 'i17-demo-worker2')!;
    Object.assign(node, { running: false, state: 'exited', veth: undefined });
    expect(
      byLabel(buildTopologyGraph(topology, status), 'veth pair of i17-demo-worker2: none (container exited)')?.tone,
    ).toBe('stopped');
  });
});

describe('buildTopologyGraph, this machine’s side', () => {
  it('says when this machine has no route to the kind network, and draws the engine’s VM as its own box', () => {
    const { topology, status } = labModels();
    topology.host.routes = topology.host.routes.filter((r) => r.network !== 'kind');
    const noRoute = buildTopologyGraph(topology, status);
    expect(noRoute.edges.find((e) => e.id === 'host>bridge:kind')).toMatchObject({
      text: 'no route — traffic goes nowhere',
      tone: 'bad',
    });
    expect(noRoute.nodes.find((n) => n.id === 'host')?.lines).toContain('kind: no route — traffic goes nowhere');

    topology.observedFrom = 'engine-vm';
    const vm = buildTopologyGraph(topology, status);
    expect(vm.nodes.find((n) => n.id === 'engine-vm')?.label).toBe("Docker engine's VM");
    expect(vm.edges.map((e) => e.id)).toEqual(expect.arrayContaining(['host>engine-vm', 'engine-vm>bridge:kind']));
  });
});
