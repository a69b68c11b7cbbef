import { describe, expect, it } from 'vitest';
import type { BgpView, ClusterStatus, ClusterTopology } from '@contract';
import { routeSentence, uptimeText } from './build-bgp';
import { buildTopologyGraph } from './build-graph';
import { exportSvg } from './export-svg';
import { layoutGraph } from './layout';
import { labModels, lbService } from './test-models';
import ELK from 'elkjs/lib/elk.bundled.js';

const measuredAt = '2026-12-06T10:42:07Z';
const clock = new Date(measuredAt).toLocaleTimeString('en-GB', { hour12: false });
const [worker, worker2] = ['i17-demo-worker', 'i17-demo-worker2'];
const ips = { [worker]: '172.18.0.6', [worker2]: '172.18.0.7' } as Record<string, string>;
const vip = '10.250.250.130';

/** The lab's recorded cluster in BGP mode: its router on kind and on the pool's network, one LoadBalancer IP. */
function bgpModels(): { topology: ClusterTopology; status: ClusterStatus } {
  const { topology, status } = labModels();
  topology.router = {
    name: 'i17-demo-router',
    containerId: 'r0',
    state: 'running',
    running: true,
    image: 'quay.io/frrouting/frr:10.2.1',
    attachments: [
      { network: 'i17-demo-lb', ipv4: '10.250.250.2' },
      { network: 'kind', ipv4: '172.18.0.2' },
    ],
    poolNetwork: {
      name: 'i17-demo-lb',
      id: 'lb0',
      driver: 'bridge',
      subnets: [{ subnet: '10.250.250.0/24', gateway: '10.250.250.1', family: 4 }],
      bridge: { name: 'br-0a0b0c0d0e0f', present: true, addresses: ['10.250.250.1/24'] },
    },
    poolRoutes: [
      {
        dst: '10.250.250.0/24',
        dev: 'br-0a0b0c0d0e0f',
        network: 'i17-demo-lb',
        raw: '10.250.250.0/24 dev br-0a0b0c0d0e0f proto kernel scope link src 10.250.250.1',
        explanation: '',
      },
    ],
  };
  status.services = [lbService('sample', vip, undefined)];
  return { topology, status };
}

/** The router's view as `cluster:bgp` gives it (values from FRR 8.4's JSON in core/bgp/fixtures). */
function bgpView(
  sessions: string[],
  hops: { node: string; installed?: boolean }[],
  claims: Record<string, string> = {},
): BgpView {
  return {
    cluster: 'i17-demo',
    claimed: Object.entries(claims).map(([node, state]) => ({
      node,
      localASN: 65001,
      peers: [{ name: 'router', peerAddress: '172.18.0.2', peerASN: 65000, peeringState: state, advertised: 1 }],
    })),
    measured: {
      router: 'i17-demo-router',
      measuredAt,
      running: true,
      asn: 65000,
      sessions: sessions.map((node) => ({
        peer: ips[node]!,
        node,
        remoteAs: 65001,
        state: 'Established',
        uptimeMs: 15000,
        prefixesReceived: 1,
      })),
      routes: hops.length
        ? [
            {
              prefix: `${vip}/32`,
              service: 'default/sample',
              nextHops: hops.map((h) => ({ ip: ips[h.node]!, node: h.node, installed: h.installed ?? true })),
            },
          ]
        : [],
    },
    findings: [],
  };
}

const sessionEdges = (spec: ReturnType<typeof buildTopologyGraph>) =>
  spec.edges.filter((e) => e.id.startsWith('session:'));
const hopEdges = (spec: ReturnType<typeof buildTopologyGraph>) => spec.edges.filter((e) => e.kind === 'nexthop');

describe('BGP mode in the topology graph', () => {
  it.each([
    {
      name: 'two workers advertising: two sessions, an ECMP fan-out of two next hops',
      view: bgpView([worker, worker2], [{ node: worker }, { node: worker2 }], {
        [worker]: 'established',
        [worker2]: 'established',
      }),
      sessions: [worker, worker2],
      hops: [worker, worker2],
      serviceLine: 'router: 2 next hops (ECMP)',
    },
    {
      name: 'worker2 stopped: its session and next hop are gone at the router; its stale claim is drawn apart',
      view: bgpView([worker], [{ node: worker }], { [worker]: 'established', [worker2]: 'established' }),
      sessions: [worker],
      hops: [worker],
      serviceLine: 'router: 1 next hop',
      claimOnly: worker2,
    },
    {
      name: 'a next hop learned but not installed: drawn, worded and toned as such',
      view: bgpView([worker, worker2], [{ node: worker }, { node: worker2, installed: false }]),
      sessions: [worker, worker2],
      hops: [worker, worker2],
      serviceLine: 'router: 1 next hop',
      notInstalled: worker2,
    },
  ])('$name', ({ view, sessions, hops, serviceLine, claimOnly, notInstalled }) => {
    const { topology, status } = bgpModels();
    if (claimOnly) topology.nodes.find((n) => n.name === claimOnly)!.running = false;
    const spec = buildTopologyGraph(topology, status, { bgp: view });
    const router = spec.nodes.find((n) => n.id === 'router:i17-demo-router');
    expect(router?.kind).toBe('router');
    expect(router?.lines).toContain(
      `${sessions.length} of ${sessions.length} session${sessions.length > 1 ? 's' : ''} Established`,
    );
    expect(router?.lines).toContain(`measured ${clock}`);
    // One line per session the router measured, from the router to that node.
    expect(sessionEdges(spec).map((e) => e.target)).toEqual(sessions.map((n) => `node:${n}`));
    for (const edge of sessionEdges(spec)) {
      expect(edge.source).toBe('router:i17-demo-router');
      // The measurement first, the claim on its own line, each worded as what it is.
      const [measured, claim] = edge.text!.split('\n');
      expect(measured).toBe('router: Established · up 15 s · 1 received');
      expect(claim).toMatch(/^node claims: /);
      expect(edge.label).toContain(`measured at the router ${clock}`);
    }
    // The IP drawn with the router's next hops: one line from each node it learned the IP from.
    expect(hopEdges(spec).map((e) => e.source)).toEqual(hops.map((n) => `node:${n}`));
    expect(hopEdges(spec).every((e) => e.target === 'svc:default/sample')).toBe(true);
    const service = spec.nodes.find((n) => n.id === 'svc:default/sample');
    expect(service?.kind).toBe('service');
    expect(service?.lines).toContain(serviceLine);
    expect(spec.edges.filter((e) => e.id.startsWith('claim:')).map((e) => e.id)).toEqual(
      claimOnly ? [`claim:${claimOnly}`] : [],
    );
    if (claimOnly) {
      const claim = spec.edges.find((e) => e.id === `claim:${claimOnly}`);
      expect(claim?.label).toBe(
        `No BGP session at the router i17-demo-router from ${claimOnly} (measured ${clock}) · node claims: established · 1 advertised`,
      );
      expect(claim?.tone).toBe('stopped');
    }
    if (notInstalled) {
      const edge = hopEdges(spec).find((e) => e.source === `node:${notInstalled}`)!;
      expect(edge).toMatchObject({ tone: 'warn', text: `not installed: ${ips[notInstalled]}` });
    }
  });

  it('draws the router on the kind bridge and on the pool network, whose bridge is this machine’s path (no host route)', () => {
    const { topology, status } = bgpModels();
    const spec = buildTopologyGraph(topology, status, { bgp: bgpView([worker], [{ node: worker }]) });
    const lbBridge = spec.nodes.find((n) => n.id === 'bridge:i17-demo-lb');
    expect(lbBridge?.title).toBe('br-0a0b0c0d0e0f');
    expect(spec.edges.find((e) => e.id === 'host>bridge:i17-demo-lb')).toMatchObject({
      text: 'pool: on-link, no host route',
      tone: 'normal',
    });
    expect(spec.edges.filter((e) => e.target === 'router:i17-demo-router').map((e) => e.source)).toEqual([
      'bridge:i17-demo-lb',
      'bridge:kind',
    ]);
    expect(spec.nodes.find((n) => n.id === 'host')?.lines).toContain('pool 10.250.250.0/24 → br-0a0b0c0d0e0f');
  });

  it.each([
    {
      name: 'before the first measurement',
      view: undefined,
      routerLine: 'reading its tables…',
      reason: 'the router’s table is not read yet',
      tone: 'normal',
    },
    {
      name: 'when the router cannot be read',
      view: {
        ...bgpView([], []),
        measured: {
          ...bgpView([], []).measured,
          running: false,
          problem: 'the router i17-demo-router could not be read',
        },
      },
      routerLine: 'its tables could not be read',
      reason: 'the router’s table could not be read',
      tone: 'bad',
    },
    {
      name: 'when the router has no route to the IP',
      view: bgpView([worker], []),
      routerLine: '1 of 1 session Established',
      reason: `the router has no route to ${vip} (measured ${clock})`,
      tone: 'normal',
    },
  ])('leaves the IP unattached with the reason $name', ({ view, routerLine, reason, tone }) => {
    const { topology, status } = bgpModels();
    const spec = buildTopologyGraph(topology, status, view ? { bgp: view } : {});
    const router = spec.nodes.find((n) => n.id === 'router:i17-demo-router');
    expect(router?.lines).toContain(routerLine);
    expect(router?.tone).toBe(tone);
    const pending = spec.nodes.find((n) => n.id === 'svc:default/sample');
    expect(pending?.kind).toBe('pending');
    expect(pending?.label).toContain(reason);
    expect(hopEdges(spec)).toEqual([]);
  });

  it('draws nothing of BGP for an L2 cluster, and no router-measured wording on its hosts', () => {
    const { topology, status } = labModels();
    status.services.push(lbService('sample', vip, undefined));
    const spec = buildTopologyGraph(topology, status, { bgp: bgpView([worker], [{ node: worker }]) });
    expect(spec.nodes.some((n) => n.kind === 'router')).toBe(false);
    expect(spec.nodes.find((n) => n.id === 'svc:default/sample')?.label).toContain('no node holds its lease');
    expect(spec.edges.some((e) => e.kind === 'session' || e.kind === 'nexthop')).toBe(false);
  });

  it('a stopped router is drawn stopped with its wires', () => {
    const { topology, status } = bgpModels();
    topology.router = { ...topology.router!, running: false, state: 'exited' };
    const spec = buildTopologyGraph(topology, status, { bgp: bgpView([], []) });
    expect(spec.nodes.find((n) => n.id === 'router:i17-demo-router')).toMatchObject({
      tone: 'stopped',
      lines: expect.arrayContaining(['AS 65000 · container exited', 'not running: no sessions']),
    });
    expect(spec.edges.find((e) => e.id === 'bridge:kind>router:i17-demo-router')?.tone).toBe('stopped');
  });

  it.each([
    {
      hops: [
        { ip: '172.18.0.6', node: worker, installed: true },
        { ip: '172.18.0.7', node: worker2, installed: true },
      ],
      words: `${vip}/32 (default/sample): learned from ${worker} and ${worker2}; installed next hops 172.18.0.6 (${worker}) and 172.18.0.7 (${worker2}) — ECMP, the router spreads flows across them. Measured at ${clock}.`,
    },
    {
      hops: [{ ip: '172.18.0.6', node: worker, installed: false }],
      words: `${vip}/32 (default/sample): learned from ${worker}; no next hop installed; learned but not installed: 172.18.0.6 (${worker}). Measured at ${clock}.`,
    },
  ])('says a row of the router’s table in plain words', ({ hops, words }) => {
    expect(routeSentence({ prefix: `${vip}/32`, service: 'default/sample', nextHops: hops }, measuredAt)).toBe(words);
  });

  it.each([
    [15000, '15 s'],
    [185000, '3 min 5 s'],
    [7440000, '2 h 4 min'],
  ])('uptime %i ms reads %s', (ms, text) => expect(uptimeText(ms)).toBe(text));

  it('the SVG export has the router, the sessions with their words, the next hops and their legend', async () => {
    const { topology, status } = bgpModels();
    const spec = buildTopologyGraph(topology, status, {
      bgp: bgpView([worker, worker2], [{ node: worker }, { node: worker2 }], { [worker]: 'established' }),
    });
    const svg = exportSvg(spec, await layoutGraph(spec, new ELK()), undefined, 'BGP', new Date(measuredAt));
    expect(svg).toContain('<title>Router i17-demo-router (BGP)</title>');
    expect(svg).toContain('router: Established · up 15 s · 1 received');
    expect(svg).toContain('node claims: established · 1 advertised');
    expect(svg).toContain(`${vip} — the router&apos;s next hop 172.18.0.7 (${worker2}), installed in its FIB`);
    expect(svg).toContain('BGP session (router-measured)');
  });
});
