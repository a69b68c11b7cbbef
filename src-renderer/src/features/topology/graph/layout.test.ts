import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { buildTopologyGraph } from './build-graph';
import type { Box } from './graph-types';
import { keepPositions } from './keep-positions';
import { layoutGraph, structureKey } from './layout';
import { labModels, lbService } from './test-models';

const elk = new ELK();

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

describe('layout', () => {
  it('lays the figure out left to right in the order a packet travels, with no two boxes overlapping', async () => {
    const { topology, status } = labModels();
    const spec = buildTopologyGraph(topology, status);
    const positions = await layoutGraph(spec, elk);
    const x = (id: string) => positions.get(id)!.x;
    expect(x('host')).toBeLessThan(x('bridge:kind'));
    expect(x('bridge:kind')).toBeLessThan(x('veth:i17-demo-worker'));
    expect(x('veth:i17-demo-worker')).toBeLessThan(x('node:i17-demo-worker'));
    expect(x('node:i17-demo-worker')).toBeLessThan(x('pods:i17-demo-worker'));
    expect(x('node:i17-demo-worker')).toBeLessThan(x('svc:default/web'));
    expect(x('svc:default/web')).toBeLessThan(x('pool:i17-demo-pool'));
    const boxes = [...positions.values()];
    for (const [i, a] of boxes.entries()) for (const b of boxes.slice(i + 1)) expect(overlaps(a, b)).toBe(false);
  });

  it('keeps unchanged boxes where they were when a node stops, its lease moves and a new service appears', async () => {
    const { topology, status } = labModels();
    const before = buildTopologyGraph(topology, status);
    const first = await layoutGraph(before, elk);

    // The holder stops: its veth is gone, the lease moves to worker2, and a new IP is handed out.
    const worker = topology.nodes.find((n) => n.name === 'i17-demo-worker')!;
    Object.assign(worker, { running: false, state: 'exited', veth: undefined });
    for (const s of status.services)
      s.leaseHolder = { node: 'i17-demo-worker2', lease: `cilium-l2announce-default-${s.name}` };
    status.services.push(lbService('new', '172.18.230.3', 'i17-demo-control-plane'));
    const after = buildTopologyGraph(topology, status);
    expect(structureKey(after)).not.toBe(structureKey(before));
    const merged = keepPositions(first, await layoutGraph(after, elk), after, after.epoch === before.epoch);

    for (const [id, box] of first)
      expect({ id, x: merged.get(id)?.x, y: merged.get(id)?.y }).toEqual({ id, x: box.x, y: box.y });
    const added = merged.get('svc:default/new')!;
    for (const [id, box] of merged) if (id !== 'svc:default/new') expect(overlaps(added, box)).toBe(false);
    expect(added.x).toBe(first.get('svc:default/web')!.x);
  });

  it('lays out afresh when the Kubernetes side arrives (a new epoch), not piecemeal', async () => {
    const { topology, status } = labModels();
    const dockerOnly = buildTopologyGraph(topology, undefined);
    const full = buildTopologyGraph(topology, status);
    expect(full.epoch).not.toBe(dockerOnly.epoch);
    const fresh = await layoutGraph(full, elk);
    expect(keepPositions(await layoutGraph(dockerOnly, elk), fresh, full, false)).toEqual(fresh);
  });
});

describe('provisionalLayout', () => {
  it('places every box, columns in packet order, no two overlapping', async () => {
    const { provisionalLayout } = await import('./provisional-layout');
    const { topology, status } = labModels();
    for (let i = 0; i < 30; i += 1)
      status.services.push(lbService(`p${i}`, `172.18.230.${i + 10}`, `i17-demo-worker${i % 2 ? '2' : ''}`));
    const spec = buildTopologyGraph(topology, status, {
      expandedGroups: new Set(['i17-demo-worker', 'i17-demo-worker2']),
    });
    const positions = provisionalLayout(spec);
    expect(positions.size).toBe(spec.nodes.length);
    expect(positions.get('host')!.x).toBeLessThan(positions.get('bridge:kind')!.x);
    expect(positions.get('node:i17-demo-worker')!.x).toBeLessThan(positions.get('svc:default/p1')!.x);
    const boxes = [...positions.values()];
    for (const [i, a] of boxes.entries()) for (const b of boxes.slice(i + 1)) expect(overlaps(a, b)).toBe(false);
  });
});
