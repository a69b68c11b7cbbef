import { describe, expect, it } from 'vitest';
import { carvePool, checkPool, type UsedRange } from './pool-carve';

const node = (ip: string, name = 'demo-worker'): UsedRange => ({ cidr: `${ip}/32`, what: `node ${name}` });
const gateway = (ip: string): UsedRange => ({ cidr: `${ip}/32`, what: 'the network gateway (this machine)' });

describe('carvePool', () => {
  const cases: { title: string; network: string; used: UsedRange[]; expected: string }[] = [
    {
      title: "the article's block on a /16",
      network: '172.18.0.0/16',
      used: [gateway('172.18.0.1'), node('172.18.0.2'), node('172.18.0.3')],
      expected: '172.18.250.0/24',
    },
    {
      title: 'the next lower /24 when another cluster holds .250',
      network: '172.18.0.0/16',
      used: [gateway('172.18.0.1'), { cidr: '172.18.250.0/24', what: 'the pool p of cluster "a"' }],
      expected: '172.18.249.0/24',
    },
    {
      title: 'around a container that sits inside .250',
      network: '172.18.0.0/16',
      used: [node('172.18.250.77')],
      expected: '172.18.249.0/24',
    },
    {
      title: 'past a pool that overlaps only partly',
      network: '172.18.0.0/16',
      used: [
        { cidr: '172.18.249.128/25', what: 'pool' },
        { cidr: '172.18.250.0/28', what: 'pool' },
      ],
      expected: '172.18.248.0/24',
    },
    {
      title: 'on a /20 the last /24 holds the broadcast address, so the one below',
      network: '10.89.16.0/20',
      used: [gateway('10.89.16.1')],
      expected: '10.89.30.0/24',
    },
    {
      title: 'a smaller block when the network is a /24',
      network: '172.20.0.0/24',
      used: [gateway('172.20.0.1'), node('172.20.0.2')],
      expected: '172.20.0.128/26',
    },
    {
      title: 'smaller still when the top half is in use',
      network: '172.20.0.0/24',
      used: [gateway('172.20.0.1'), { cidr: '172.20.0.64/26', what: 'x' }, { cidr: '172.20.0.128/25', what: 'pool' }],
      expected: '172.20.0.32/27',
    },
    {
      title: 'pod or service subnets inside the network are avoided',
      network: '10.0.0.0/16',
      used: [
        { cidr: '10.0.0.0/17', what: 'the pod subnet' },
        { cidr: '10.0.250.0/23', what: 'the service subnet' },
      ],
      expected: '10.0.249.0/24',
    },
  ];
  it.each(cases)('$title', ({ network, used, expected }) => {
    expect(carvePool(network, used)).toEqual({ ok: true, cidr: expected });
  });

  it('says so when nothing of 8 addresses is left', () => {
    const result = carvePool('192.168.7.0/28', [gateway('192.168.7.1'), node('192.168.7.9')]);
    expect(result).toEqual({ ok: false, reason: 'no free block of 8 or more addresses is left in 192.168.7.0/28' });
  });

  it('refuses a network that is not IPv4', () => {
    expect(carvePool('fc00:f853:ccd:e793::/64', [])).toMatchObject({ ok: false });
  });

  it('never returns a block that overlaps what is used (every candidate order)', () => {
    const used = Array.from({ length: 41 }, (_, i) => ({ cidr: `172.18.${210 + i}.0/24`, what: 'pool' }));
    const result = carvePool('172.18.0.0/16', [...used, gateway('172.18.0.1')]);
    expect(result).toEqual({ ok: true, cidr: '172.18.209.0/24' });
  });
});

describe('checkPool', () => {
  const used = [gateway('172.18.0.1'), node('172.18.0.3', 'demo-control-plane')];
  it('accepts a free block inside the network', () => {
    expect(checkPool('172.18.250.0/24', '172.18.0.0/16', used)).toBeUndefined();
  });
  it.each([
    [
      '10.10.10.0/24',
      'pool-outside-network',
      /outside the kind network 172\.18\.0\.0\/16: ARP from this machine can never reach it/,
    ],
    ['172.17.255.0/23', 'pool-invalid', /not a canonical IPv4 CIDR/],
    ['172.18.0.0/24', 'pool-overlaps-in-use', /network or broadcast address/],
    ['172.18.0.0/30', 'pool-overlaps-in-use', /network or broadcast/],
    ['172.18.0.2/31', 'pool-overlaps-node', /overlaps node demo-control-plane \(172\.18\.0\.3\/32\)/],
    ['172.18.250.0', 'pool-invalid', /canonical/],
    ['not-a-cidr', 'pool-invalid', /canonical/],
  ])('%s → %s', (cidr, code, message) => {
    const problem = checkPool(cidr, '172.18.0.0/16', used);
    expect(problem?.code).toBe(code);
    expect(problem?.message).toMatch(message);
  });
});

describe('carvePool (property)', () => {
  it('any block it returns lies inside the network and overlaps nothing in use', async () => {
    const fc = (await import('fast-check')).default;
    const used = fc.array(
      fc
        .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 16, max: 32 }))
        .map(([c, d, bits]) => ({ cidr: `172.18.${c}.${d}/${bits}`, what: 'x' })),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(used, fc.integer({ min: 16, max: 28 }), (items, netBits) => {
        const network = `172.18.0.0/${netBits}`;
        const result = carvePool(network, items);
        if (!result.ok) return true;
        return checkPool(result.cidr, network, items) === undefined;
      }),
      { numRuns: 300 },
    );
  });
});
