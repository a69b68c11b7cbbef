import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { placeBesideHolders, holdersKey, leaseGap } from './beside-holders';
import { buildTopologyGraph } from './build-graph';
import type { Box } from './graph-types';
import { layoutGraph } from './layout';
import { labModels, lbService } from './test-models';

const elk = new ELK();
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

function holderOfBox(positions: Map<string, Box>, id: string, nodes: string[]): string {
  // The node whose top edge is nearest above the box's top: the one it sits beside.
  const y = positions.get(id)!.y;
  return nodes
    .filter((n) => positions.get(`node:${n}`)!.y <= y)
    .sort((a, b) => positions.get(`node:${b}`)!.y - positions.get(`node:${a}`)!.y)[0]!;
}

describe('placeBesideHolders', () => {
  it('puts each service right of the nodes, in the stack of the node that holds its lease, nothing overlapping', async () => {
    const { topology, status } = labModels();
    status.services.push(lbService('db', '172.18.230.7', 'i17-demo-worker2'));
    status.services.push(lbService('cache', '172.18.230.8', 'i17-demo-worker2'));
    const spec = buildTopologyGraph(topology, status);
    const positions = placeBesideHolders(spec, await layoutGraph(spec, elk));
    const nodes = topology.nodes.map((n) => n.name);
    const nodeRight = Math.max(...nodes.map((n) => positions.get(`node:${n}`)!.x + positions.get(`node:${n}`)!.width));
    for (const service of status.services) {
      const box = positions.get(`svc:default/${service.name}`)!;
      expect(box.x).toBe(nodeRight + leaseGap);
      expect({ service: service.name, beside: holderOfBox(positions, `svc:default/${service.name}`, nodes) }).toEqual({
        service: service.name,
        beside: service.leaseHolder!.node,
      });
    }
    const boxes = [...positions.values()];
    for (const [i, a] of boxes.entries()) for (const b of boxes.slice(i + 1)) expect(overlaps(a, b)).toBe(false);
  });

  it('moves a service to its new holder when the lease moves, and keeps every box left of the services where it was', async () => {
    const { topology, status } = labModels();
    const before = buildTopologyGraph(topology, status);
    const laidOut = await layoutGraph(before, elk);
    const first = placeBesideHolders(before, laidOut);
    const web = status.services.find((s) => s.name === 'web')!;
    const from = web.leaseHolder!.node;
    const to = topology.nodes.find((n) => n.role === 'worker' && n.name !== from)!.name;
    web.leaseHolder = { node: to, lease: web.leaseHolder!.lease };
    const after = buildTopologyGraph(topology, status);
    expect(holdersKey(after)).not.toBe(holdersKey(before));
    const moved = placeBesideHolders(after, first);
    const nodes = topology.nodes.map((n) => n.name);
    expect(holderOfBox(moved, 'svc:default/web', nodes)).toBe(to);
    for (const id of ['host', 'bridge:kind', ...nodes.map((n) => `node:${n}`)])
      expect(moved.get(id)).toEqual(first.get(id));
  });

  it('places a service with no holder (pending) in the services column too, never at the origin', async () => {
    const { topology, status } = labModels();
    status.services.push(lbService('waiting', undefined, undefined));
    const spec = buildTopologyGraph(topology, status);
    const positions = placeBesideHolders(spec, await layoutGraph(spec, elk));
    const pending =
      positions.get('svc:default/waiting') ?? [...positions.entries()].find(([id]) => id.includes('waiting'))![1];
    expect(pending.x).toBe(positions.get('svc:default/web')!.x);
  });
});
