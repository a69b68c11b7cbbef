import { describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { startKeepingAddresses } from './keep-addresses';

/**
 * A Docker engine's network as libnetwork's IPAM runs it for container endpoints: a starting
 * container gets the lowest free address (or, `serial`, the next after the last handed out).
 */
function fakeEngine(taken: Record<string, string>, serial = false) {
  const addresses = new Map<string, string | undefined>(Object.entries(taken));
  const running = new Set(Object.keys(taken));
  const toInt = (ip: string) => Number(ip.split('.')[3]);
  let last = Math.max(1, ...Object.values(taken).map(toInt));
  const allocate = () => {
    const used = new Set([...addresses.values()].filter(Boolean).map((ip) => toInt(ip!)));
    used.add(1);
    for (let n = serial ? last + 1 : 2; n < 255; n++)
      if (!used.has(n)) {
        last = n;
        return `172.30.0.${n}`;
      }
    throw new Error('full');
  };
  let helpers = 0;
  const container = (id: string) => ({
    id,
    inspect: async () => ({
      Image: 'sha256:node',
      NetworkSettings: { Networks: { lab: { IPAddress: addresses.get(id) ?? '' } } },
    }),
    start: async () => {
      running.add(id);
      addresses.set(id, allocate());
    },
    remove: async () => {
      running.delete(id);
      addresses.delete(id);
    },
  });
  const docker = {
    getContainer: container,
    getNetwork: () => ({
      inspect: async () => ({
        IPAM: { Config: [{ Subnet: '172.30.0.0/16', Gateway: '172.30.0.1' }, { Subnet: 'fc00:1::/64' }] },
        Containers: Object.fromEntries([...running].map((id) => [id, { IPv4Address: `${addresses.get(id)}/16` }])),
      }),
    }),
    createContainer: async (spec: { Entrypoint: string[]; HostConfig: { NetworkMode: string } }) => {
      expect(spec).toMatchObject({ Entrypoint: ['sleep'], HostConfig: { NetworkMode: 'lab' } });
      helpers += 1;
      return container(`helper-${helpers}`);
    },
  };
  return { docker: docker as unknown as Docker, addresses, running, helpers: () => helpers };
}

const nodes = [
  { id: 'lab-control-plane', name: 'lab-control-plane', state: 'exited' },
  { id: 'lab-worker', name: 'lab-worker', state: 'exited' },
  { id: 'lab-worker2', name: 'lab-worker2', state: 'exited' },
];
const old = new Map([
  ['lab-control-plane', '172.30.0.5'],
  ['lab-worker', '172.30.0.7'],
  ['lab-worker2', '172.30.0.6'],
]);

describe('start keeps node addresses where Docker allows it', () => {
  it('every node gets its old address back: free addresses below are held by helpers, removed after', async () => {
    // .2 is another running container; .3 and .4 are free (removed containers left holes).
    const engine = fakeEngine({ other: '172.30.0.2' });
    const lines: string[] = [];
    const outcomes = await startKeepingAddresses(engine.docker, nodes, old, (l) => lines.push(l));
    expect(outcomes).toEqual([
      { node: 'lab-control-plane', before: '172.30.0.5', after: '172.30.0.5', kept: true },
      { node: 'lab-worker', before: '172.30.0.7', after: '172.30.0.7', kept: true },
      { node: 'lab-worker2', before: '172.30.0.6', after: '172.30.0.6', kept: true },
    ]);
    expect(engine.helpers()).toBe(2);
    expect([...engine.running].sort()).toEqual(['lab-control-plane', 'lab-worker', 'lab-worker2', 'other']);
  });

  it("a node whose old address is another container's now starts last and is named; the others keep theirs", async () => {
    const engine = fakeEngine({ other: '172.30.0.2', occupier: '172.30.0.6' });
    const outcomes = await startKeepingAddresses(engine.docker, nodes, old, () => undefined);
    expect(outcomes.filter((o) => o.kept).map((o) => o.node)).toEqual(['lab-control-plane', 'lab-worker']);
    expect(outcomes.find((o) => o.node === 'lab-worker2')).toEqual({
      node: 'lab-worker2',
      before: '172.30.0.6',
      after: '172.30.0.3',
      kept: false,
      reason: '172.30.0.6 is taken by another container on lab now',
    });
  });

  it('a node with no recorded address, and an engine that does not hand out the lowest address, are said as such', async () => {
    const unrecorded = await startKeepingAddresses(
      fakeEngine({}).docker,
      nodes.slice(0, 1),
      new Map(),
      () => undefined,
    );
    expect(unrecorded[0]).toMatchObject({
      kept: false,
      after: '172.30.0.2',
      reason: expect.stringContaining('no address of it was recorded'),
    });
    const lines: string[] = [];
    const serial = await startKeepingAddresses(
      fakeEngine({ other: '172.30.0.20' }, true).docker,
      nodes.slice(0, 1),
      old,
      (l) => lines.push(l),
    );
    expect(serial[0]).toMatchObject({ kept: false, before: '172.30.0.5' });
    expect(lines.join('\n')).toContain('does not hand out the lowest free address');
  });
});
