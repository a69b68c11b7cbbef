import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { fakeClusterStatus, fakeService } from '../../contract/cluster-status.fake';
import type { RunResult } from '../tools/run-tool';
import { createMemoryLogger } from '../util/logger';
import { routerLoopScript, runBgpFailoverDrill } from './bgp-failover-drill';

// Any use of the Docker API fails the test: a refused drill must stop or pause nothing.
const untouchableDocker = new Proxy({} as Docker, {
  get: (_target, key) => {
    throw new Error(`the drill touched Docker (${String(key)}) although it should have refused`);
  },
});

const ok = (stdout: string): RunResult => ({ exitCode: 0, stdout, stderr: '' }) as RunResult;

/** The router's answers (FRR's JSON), with the given next hops for the IP. */
function routerWith(hops: string[], running = true) {
  const calls: string[][] = [];
  const run = async (tool: 'kubectl' | 'docker', args: string[]) => {
    calls.push([tool, ...args]);
    if (!running) throw new Error('Error response from daemon: container demo-router is not running');
    const command = args.at(-1)!;
    if (command === 'show bgp summary json') return ok(JSON.stringify({ ipv4Unicast: { as: 65000, peers: {} } }));
    if (command === 'show ip route json')
      return ok(
        JSON.stringify({
          '10.250.250.129/32': [
            {
              protocol: 'bgp',
              selected: true,
              installed: true,
              nexthops: hops.map((ip) => ({ ip, fib: true, active: true })),
            },
          ],
        }),
      );
    return ok('{}');
  };
  return { run, calls };
}

const drill = (router: ReturnType<typeof routerWith>, stop: 'stop' | 'pause' = 'pause') =>
  runBgpFailoverDrill(
    {
      docker: untouchableDocker,
      run: router.run,
      statusOf: async () => fakeClusterStatus({ services: [fakeService({ externalIPs: ['10.250.250.129'] })] }),
      nodeAddresses: async () => [
        { name: 'demo-worker', ipv4: '172.18.0.3' },
        { name: 'demo-worker2', ipv4: '172.18.0.4' },
      ],
      log: createMemoryLogger(),
    },
    { cluster: 'demo', namespace: 'default', service: 'web', stop },
  );

describe('the BGP failover drill refuses before stopping or pausing anything', () => {
  it('when the router has one next hop for the IP: nothing to fail over to', async () => {
    await expect(drill(routerWith(['172.18.0.3']))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('has 1 installed next hop(s) for 10.250.250.129 (demo-worker)'),
      hint: expect.stringContaining('Let a second node advertise 10.250.250.129'),
    });
  });

  it('when the router cannot be read, naming how to start it', async () => {
    await expect(drill(routerWith([], false), 'stop')).rejects.toMatchObject({
      message: expect.stringContaining('the router demo-router could not be read'),
      hint: expect.stringContaining('docker start demo-router'),
    });
  });
});

describe("the router's reading loop", () => {
  it('reads the FIB every pass and the slower vtysh parts every third, for a bounded time', () => {
    const script = routerLoopScript('10.250.250.129', 41.2);
    expect(script).toContain('end=$(( ${up0%.*} + 42 ))');
    expect(script).toContain('ip -j -4 route show 10.250.250.129/32');
    expect(script).toContain("vtysh -c 'show ip bgp 10.250.250.129/32 json'");
    expect(script).toContain('if [ $((i % 3)) -eq 0 ]');
  });
});
