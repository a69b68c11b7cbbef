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

  it('carries its title, the time it was taken and the legend as text, and each lease line its holder', async () => {
    const { topology, status } = labModels();
    const spec = buildTopologyGraph(topology, status);
    const taken = new Date('2026-12-06T10:42:07Z');
    const svg = exportSvg(spec, await layoutGraph(spec, new ELK()), undefined, 'Kindscope topology of demo', taken);
    const texts = [...svg.matchAll(/<text[^>]*>(.*?)<\/text>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ' '));
    expect(texts).toContain('Kindscope topology of demo');
    expect(texts).toContain('Taken 2026-12-06 10:42:07 UTC by Kindscope');
    expect(texts).toContain('lease held by (L2 announcement)');
    for (const service of status.services.filter((s) => s.leaseHolder))
      expect(texts.some((t) => t.includes(`lease held by ${service.leaseHolder!.node}`))).toBe(true);
  });
});
