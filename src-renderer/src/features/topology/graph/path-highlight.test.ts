import { describe, expect, it } from 'vitest';
import { buildTopologyGraph } from './build-graph';
import { highlightPath } from './path-highlight';
import { labModels } from './test-models';

describe('highlightPath', () => {
  it('lights an IP’s way from this machine: host, bridge, the holder’s veth and the holder — not the other nodes', () => {
    const { topology, status } = labModels();
    const spec = buildTopologyGraph(topology, status);
    const lit = highlightPath(spec, 'svc:default/web');
    expect([...lit.nodes].sort()).toEqual([
      'bridge:kind',
      'host',
      'node:i17-demo-worker',
      'pool:i17-demo-pool',
      'svc:default/web',
      'veth:i17-demo-worker',
    ]);
    expect(lit.edges).toContain('lease:svc:default/web:172.18.230.1');
    expect(lit.edges).toContain('bridge:kind>veth:i17-demo-worker');
    expect(lit.edges).not.toContain('bridge:kind>veth:i17-demo-worker2');
  });

  it('lights nothing for no selection or a box that is gone', () => {
    const { topology, status } = labModels();
    const spec = buildTopologyGraph(topology, status);
    expect(highlightPath(spec, undefined).nodes.size).toBe(0);
    expect(highlightPath(spec, 'svc:default/gone').nodes.size).toBe(0);
  });
});
