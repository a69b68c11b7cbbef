import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { buildTopologyGraph } from './build-graph';
import { escapeXml, exportSvg } from './export-svg';
import { layoutGraph } from './layout';
import { labModels } from './test-models';

describe('exportSvg', () => {
  it('is a self-contained SVG with every node name and external IP as SVG text, and no foreignObject or stylesheet', async () => {
    const { topology, status } = labModels();
    topology.nodes[0]!.name = 'a<b&"c"'; // names are escaped, never markup
    const spec = buildTopologyGraph(topology, status);
    const svg = exportSvg(spec, await layoutGraph(spec, new ELK()));
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    for (const node of topology.nodes) expect(texts).toContain(escapeXml(node.name));
    for (const ip of status.services.flatMap((s) => s.externalIPs)) expect(texts).toContain(ip);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).not.toMatch(/foreignObject|<style|var\(--|class=/);
    expect(svg).not.toContain('a<b');
  });
});
