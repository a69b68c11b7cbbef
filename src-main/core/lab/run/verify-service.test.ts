import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../../../contract';
import { fakeClusterStatus, fakeService } from '../../../contract/cluster-status.fake';
import { verifyService, type VerifyProbes } from './verify-service';

let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((_, response) => response.end('Hello from web-1'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const holderMac = '02:42:ac:12:00:03';
const otherMac = '02:42:ac:12:00:04';

/** A status whose service's "external IP" is this machine's loopback server, so the HTTP probe is real. */
function status(): ClusterStatus {
  const node = (name: string, mac: string) => ({ name, roles: [], ready: true, podCIDRs: [], mac });
  return fakeClusterStatus({
    nodes: [node('demo-worker', holderMac), node('demo-worker2', otherMac)],
    services: [
      fakeService({
        ports: [`${port}/TCP`],
        servicePorts: [{ port, protocol: 'TCP' }],
        externalIPs: ['127.0.0.1'],
        holder: 'demo-worker',
        holderMac,
        leaseHolder: { node: 'demo-worker', mac: holderMac, lease: 'cilium-l2announce-default-web' },
      }),
    ],
  });
}

const probes = (entry: { state: string; mac?: string }, cleared: boolean): VerifyProbes => ({
  table: { refresh: async () => ({ refreshed: cleared }), read: async () => entry },
  // The loopback server stands in for the cluster: its path is taken as checked.
  path: async () => ({ ok: true, detail: 'loopback' }),
});

describe('verifyService', () => {
  it('reports who answered from the neighbour entry, not from the Lease, and calls a mismatch a finding', async () => {
    const result = await verifyService(status(), 'default', 'web', probes({ state: 'REACHABLE', mac: otherMac }, true));
    expect(result).toMatchObject({
      reachable: true,
      neighbourCleared: true,
      leaseHolder: { node: 'demo-worker', mac: holderMac },
      answeredBy: { node: 'demo-worker2', mac: otherMac },
    });
    expect(result?.findings.map((f) => f.code)).toEqual(['answer-mismatch']);
    expect(Date.parse(result!.answeredBy!.checkedAt)).toBeGreaterThan(Date.now() - 10_000);
  });

  it("agrees with the Lease when the measured MAC is the holder's", async () => {
    const result = await verifyService(
      status(),
      'default',
      'web',
      probes({ state: 'REACHABLE', mac: holderMac }, true),
    );
    expect(result).toMatchObject({ answeredBy: { node: 'demo-worker', mac: holderMac }, findings: [] });
  });

  it('an entry it could not clear and the probe did not confirm is no measurement', async () => {
    const stale = await verifyService(status(), 'default', 'web', probes({ state: 'STALE', mac: otherMac }, false));
    expect(stale?.answeredBy).toBeUndefined();
    expect(stale).toMatchObject({ neighbourCleared: false, neighbourState: 'STALE', findings: [] });
    const permanent = await verifyService(
      status(),
      'default',
      'web',
      probes({ state: 'PERMANENT', mac: otherMac }, false),
    );
    expect(permanent?.answeredBy).toBeUndefined();
    // DELAY: the kernel still re-checks an old MAC — not confirmed, so no measurement (probe.ts's state rule).
    const delayed = await verifyService(status(), 'default', 'web', probes({ state: 'DELAY', mac: holderMac }, false));
    expect(delayed?.answeredBy).toBeUndefined();
    const confirmed = await verifyService(
      status(),
      'default',
      'web',
      probes({ state: 'REACHABLE', mac: holderMac }, false),
    );
    expect(confirmed?.answeredBy?.node).toBe('demo-worker');
  });

  it("a MAC that is no node's is reported without a node name", async () => {
    const result = await verifyService(
      status(),
      'default',
      'web',
      probes({ state: 'REACHABLE', mac: '02:42:de:ad:be:ef' }, true),
    );
    expect(result?.answeredBy).toEqual({ mac: '02:42:de:ad:be:ef', checkedAt: expect.any(String) });
    expect(result?.findings[0]?.message).toContain('02:42:de:ad:be:ef');
  });
});
