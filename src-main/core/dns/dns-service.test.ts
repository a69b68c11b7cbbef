import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClusterStatus } from '../../contract';
import { toDisposable } from '../util/emitter';
import { createMemoryLogger } from '../util/logger';
import { DnsService, type DnsZoneSource } from './dns-service';
import { addressesOf, queryPacket, statusWith, udpExchange } from './dns-test-client';

/** A zone source whose clusters and statuses the test changes, as the cluster wing would push them. */
function fakeSource(initial: Record<string, ClusterStatus | Error>) {
  const state = { ...initial };
  const listeners = new Set<(cluster: string) => void>();
  const source: DnsZoneSource = {
    clusters: async () => Object.keys(state),
    status: async (cluster) => {
      const value = state[cluster];
      if (!value || value instanceof Error) throw value ?? new Error('gone');
      return value;
    },
    onDidChange: (listener) => (listeners.add(listener), toDisposable(() => listeners.delete(listener))),
  };
  return {
    source,
    set(cluster: string, value: ClusterStatus | Error | undefined) {
      if (value === undefined) delete state[cluster];
      else state[cluster] = value;
      listeners.forEach((listener) => listener(cluster));
    },
    listeners,
  };
}

const eventually = (fn: () => Promise<void>) => vi.waitFor(fn, { timeout: 10_000, interval: 50 });
let service: DnsService | undefined;
afterEach(() => service?.stop());

describe('DnsService keeps the zone in step with the cluster status', () => {
  it('answers a moved IP and then NXDOMAIN for a deleted service, on change events alone', async () => {
    const fake = fakeSource({
      demo: statusWith('demo', [{ namespace: 'default', name: 'web', ips: ['172.18.250.1'] }]),
    });
    // A refresh period far beyond the test: only the change events can update it.
    service = new DnsService({ source: fake.source, log: createMemoryLogger(), refreshMs: 3_600_000 });
    const port = await service.start(0);
    expect(addressesOf(await udpExchange(port, queryPacket('web.default.demo.kind.internal')))).toEqual([
      '172.18.250.1',
    ]);
    fake.set('demo', statusWith('demo', [{ namespace: 'default', name: 'web', ips: ['172.18.250.7'] }]));
    await eventually(async () =>
      expect(addressesOf(await udpExchange(port, queryPacket('web.default.demo.kind.internal')))).toEqual([
        '172.18.250.7',
      ]),
    );
    fake.set('demo', statusWith('demo', []));
    await eventually(async () =>
      expect((await udpExchange(port, queryPacket('web.default.demo.kind.internal')))?.rcode).toBe('NXDOMAIN'),
    );
  });

  it('finds changes by re-reading when no event comes (the CLI), and new clusters too', async () => {
    const fake = fakeSource({ demo: statusWith('demo', []) });
    service = new DnsService({ source: fake.source, log: createMemoryLogger(), refreshMs: 100 });
    const port = await service.start(0);
    fake.listeners.clear();
    fake.set('lab2', statusWith('lab2', [{ namespace: 'shop', name: 'cart', ips: ['172.18.251.9'] }]));
    await eventually(async () =>
      expect(addressesOf(await udpExchange(port, queryPacket('cart.shop.lab2.kind.internal')))).toEqual([
        '172.18.251.9',
      ]),
    );
  });

  it("keeps a cluster's last names while its API does not answer, and drops them when the cluster is gone", async () => {
    const fake = fakeSource({
      demo: statusWith('demo', [{ namespace: 'default', name: 'web', ips: ['172.18.250.1'] }]),
    });
    service = new DnsService({ source: fake.source, log: createMemoryLogger(), refreshMs: 3_600_000 });
    await service.start(0);
    fake.set('demo', new Error('The API server of "demo" does not answer'));
    await service.refresh();
    expect((await service.names()).names.map((n) => n.name)).toEqual(['web.default.demo.kind.internal']);
    expect((await service.names()).unavailable).toEqual([
      { cluster: 'demo', reason: 'The API server of "demo" does not answer' },
    ]);
    fake.set('demo', undefined);
    await service.refresh();
    expect((await service.names()).names).toEqual([]);
    await expect(service.names('demo')).rejects.toMatchObject({ code: 'CLUSTER_NOT_FOUND' });
  });

  it('lists services with their IPs and nodes, skipping hostnames and clusters whose name is not one DNS label', async () => {
    const fake = fakeSource({
      demo: statusWith(
        'demo',
        [
          { namespace: 'default', name: 'web', ips: ['172.18.250.1', 'fc00::1'] },
          { namespace: 'default', name: 'pending', ips: [] },
          { namespace: 'default', name: 'elb', ips: ['lb.example.com'] },
        ],
        [{ name: 'demo-worker', ip: '172.18.0.3' }],
      ),
      'my.lab': statusWith('my.lab', [{ namespace: 'default', name: 'web', ips: ['172.18.250.2'] }]),
    });
    service = new DnsService({ source: fake.source, log: createMemoryLogger() });
    const names = await service.names();
    expect(names.names).toEqual([
      {
        name: 'demo-worker.demo.kind.internal',
        kind: 'node',
        cluster: 'demo',
        node: 'demo-worker',
        addresses: ['172.18.0.3'],
      },
      {
        name: 'web.default.demo.kind.internal',
        kind: 'service',
        cluster: 'demo',
        namespace: 'default',
        service: 'web',
        addresses: ['172.18.250.1', 'fc00::1'],
      },
    ]);
    expect(names.skipped.map((s) => s.cluster)).toEqual(['my.lab']);
  });

  it('says the OS sends queries here only when the probe name reached the responder through the system resolver', async () => {
    const fake = fakeSource({});
    let wired = false;
    let port = 0;
    // Stands in for getaddrinfo: a wired OS forwards the probe to the responder, an unwired one fails as glibc does.
    const lookup = async (name: string) => {
      if (!wired) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
      const reply = await udpExchange(port, queryPacket(name));
      return { address: addressesOf(reply)[0]! };
    };
    service = new DnsService({ source: fake.source, log: createMemoryLogger(), lookup });
    expect((await service.status()).os.sendsQueries).toBe(false);
    port = await service.start(0);
    const unwired = await service.status();
    expect(unwired.os).toMatchObject({ sendsQueries: false, detail: expect.stringContaining('ENOTFOUND') });
    wired = true;
    const status = await service.status();
    expect(status.os).toMatchObject({ sendsQueries: true, detail: expect.stringContaining('got 127.0.0.1') });
    expect(status.responder).toEqual({ state: 'running', address: `127.0.0.1:${port}` });
    // The probe name answers only while its check runs.
    expect((await udpExchange(port, queryPacket(status.os.probeName)))?.rcode).toBe('NXDOMAIN');
  });
});

describe('DnsService with a cluster whose API hangs', () => {
  it('rebuilds the zone without waiting for it', async () => {
    const fake = fakeSource({
      demo: statusWith('demo', [{ namespace: 'default', name: 'web', ips: ['172.18.250.1'] }]),
    });
    const source: DnsZoneSource = {
      ...fake.source,
      clusters: async () => ['demo', 'paused'],
      status: (cluster) => (cluster === 'paused' ? new Promise(() => undefined) : fake.source.status(cluster)),
    };
    service = new DnsService({ source, log: createMemoryLogger() });
    const names = await service.names();
    expect(names.names.map((n) => n.name)).toEqual(['web.default.demo.kind.internal']);
    expect(names.unavailable).toEqual([{ cluster: 'paused', reason: 'no status in 3 s' }]);
  });
});

describe('DnsService status when another process runs the responder (the CLI beside the desktop app)', () => {
  it('reports that responder and checks the OS with a known name', async () => {
    const fake = fakeSource({
      demo: statusWith('demo', [{ namespace: 'default', name: 'web', ips: ['172.18.250.1'] }]),
    });
    const desktop = new DnsService({ source: fake.source, log: createMemoryLogger() });
    const port = await desktop.start(0);
    try {
      let asked = '';
      const cli = new DnsService({
        source: fake.source,
        log: createMemoryLogger(),
        lookup: async (name) => ((asked = name), { address: '172.18.250.1' }),
      });
      await cli.start(port).catch(() => undefined); // the port is taken: the CLI's own responder does not run
      const status = await cli.status();
      expect(status.responder).toMatchObject({
        state: 'running',
        address: `127.0.0.1:${port}`,
        reason: expect.stringContaining('another Kindscope process'),
      });
      expect(status.os).toMatchObject({ sendsQueries: true, probeName: 'web.default.demo.kind.internal' });
      expect(asked).toBe('web.default.demo.kind.internal');
    } finally {
      await desktop.stop();
    }
  });
});

describe('DnsService stopped while it starts', () => {
  it('binds nothing, so a closing app leaves no socket behind', async () => {
    let release: () => void = () => undefined;
    const fake = fakeSource({ demo: statusWith('demo', []) });
    const slow: DnsZoneSource = {
      ...fake.source,
      clusters: () => new Promise((resolve) => (release = () => resolve(['demo']))),
    };
    const dns = new DnsService({ source: slow, log: createMemoryLogger() });
    const starting = dns.start(0);
    await dns.stop();
    release();
    await expect(starting).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(dns.port).toBeUndefined();
  });
});
