import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { buildTopologyGraph } from './build-graph';
import { neighbourInDirection } from './keyboard-navigation';
import { layoutGraph } from './layout';
import { labModels } from './test-models';

describe('neighbourInDirection', () => {
  it('follows lines with Left/Right and walks a column with Up/Down', async () => {
    const { topology, status } = labModels();
    const spec = buildTopologyGraph(topology, status);
    const positions = await layoutGraph(spec, new ELK());
    expect(neighbourInDirection(spec, positions, 'node:i17-demo-worker', 'ArrowLeft')).toBe('veth:i17-demo-worker');
    expect(neighbourInDirection(spec, positions, 'veth:i17-demo-worker', 'ArrowLeft')).toBe('bridge:kind');
    expect(neighbourInDirection(spec, positions, 'host', 'ArrowRight')).toBe('bridge:kind');
    expect(neighbourInDirection(spec, positions, 'node:i17-demo-control-plane', 'ArrowDown')).toBe(
      'node:i17-demo-worker',
    );
    expect(neighbourInDirection(spec, positions, 'node:i17-demo-worker', 'ArrowUp')).toBe(
      'node:i17-demo-control-plane',
    );
    expect(neighbourInDirection(spec, positions, 'host', 'ArrowLeft')).toBeUndefined();
  });
});
