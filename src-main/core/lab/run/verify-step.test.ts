import { describe, expect, it } from 'vitest';
import type { ConnectivityHop, Verification } from '../../../contract';
import { fakeClusterStatus, fakeService } from '../../../contract/cluster-status.fake';
import type { StepContext } from './pipeline-runner';
import { verifyStep, type VerifyStepDeps } from './verify-step';

const measured = (reachable: boolean): Verification => ({
  ip: '172.18.250.1',
  port: 80,
  http: reachable ? { ok: true, status: 200, ms: 3 } : { ok: false, error: 'connect ETIMEDOUT', ms: 2000 },
  leaseHolder: { node: 'demo-worker', mac: '02:42:ac:12:00:03', lease: 'cilium-l2announce-default-web' },
  neighbourCleared: true,
  reachable,
  findings: reachable ? [] : [{ code: 'arp-no-reply', message: 'No answer', fix: 'Run `kindscope check`.' }],
});

const route = (ok: boolean, subnet = '172.18.0.0/16'): ConnectivityHop =>
  ok
    ? { hop: `host route to ${subnet} (Docker network kind)`, target: subnet, ok: true, detail: `${subnet} dev br-1` }
    : {
        hop: `host route to ${subnet} (Docker network kind)`,
        target: subnet,
        ok: false,
        detail: `No route: no route in \`netstat -rn -f inet\` contains ${subnet}.`,
        fix: 'install and start docker-mac-net-connect (`kindscope connectivity --cluster demo --fix`)',
      };
const ping = (ok: boolean): ConnectivityHop => ({
  hop: 'ping demo-worker (172.18.0.3)',
  target: '172.18.0.3',
  ok,
  detail: ok ? '2 of 2 replies' : 'The route is fine but no reply came (2 sent).',
  ...(ok ? {} : { fix: 'sudo iptables -L DOCKER-USER -n -v' }),
});
const tcp = (ok: boolean): ConnectivityHop => ({
  hop: 'TCP default/web 172.18.250.1:80',
  target: '172.18.250.1',
  ok,
  detail: ok ? 'TCP connect in 1 ms; HTTP 200.' : 'TCP connect failed (ECONNREFUSED).',
  ...(ok ? {} : { fix: 'ip route get 172.18.250.1' }),
});

function context(): StepContext & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    signal: new AbortController().signal,
    log: (line) => void lines.push(line),
    created: () => undefined,
    progress: () => undefined,
    facts: {},
  };
}

function deps(reachable: boolean, hops: ConnectivityHop[] | Error): VerifyStepDeps {
  const status = fakeClusterStatus({ services: [fakeService({ externalIPs: ['172.18.250.1'] })] });
  return {
    statusSource: () => ({ status: async () => status, onChange: () => () => undefined }) as never,
    verify: async () => measured(reachable),
    hostCheck: async () => {
      if (hops instanceof Error) throw hops;
      return hops;
    },
  };
}

describe('the final verification', () => {
  it('keeps the connectivity hops and, when the IP does not answer, names the hop where the path breaks and its fix', async () => {
    const step = verifyStep(deps(false, [route(false), ping(false)]), { namespace: 'default', name: 'web' });
    const c = context();
    const failure = await step.run(c).then(
      () => undefined,
      (error: unknown) => error as { message: string; hint: string },
    );
    expect(failure?.message).toBe(
      '172.18.250.1 did not answer from this machine; ' +
        'the path breaks at "host route to 172.18.0.0/16 (Docker network kind)": No route: no route in `netstat -rn -f inet` contains 172.18.0.0/16.',
    );
    expect(failure?.hint).toBe(route(false).fix);
    expect(c.facts.connectivity).toEqual([route(false), ping(false)]);
    expect(c.facts.verification).toMatchObject({ ip: '172.18.250.1', reachable: false });
    expect(c.lines).toContain(`  ✗ ${route(false).hop}: ${route(false).detail}\n    fix: ${route(false).fix}`);
  });

  it('an IP that answers passes even when another hop fails (ICMP dropped); the hop is kept for the run view', async () => {
    const c = context();
    await verifyStep(deps(true, [route(true), ping(false)]), 'every-ip').run(c);
    expect(c.facts.verifications).toMatchObject([{ reachable: true }]);
    expect((c.facts.connectivity as ConnectivityHop[]).map((h) => h.ok)).toEqual([true, false]);
  });

  it('blames only a hop on the way to the IP: its TCP hop, not a node that drops ICMP; a route of another subnet is no cause', async () => {
    const c = context();
    const failure = await verifyStep(deps(false, [route(true), ping(false), tcp(false)]), 'every-ip')
      .run(c)
      .then(
        () => undefined,
        (error: unknown) => error as { message: string; hint: string },
      );
    expect(failure).toMatchObject({
      message: expect.stringContaining('the path breaks at "TCP default/web 172.18.250.1:80"'),
      hint: 'ip route get 172.18.250.1',
    });
    const other = await verifyStep(deps(false, [route(false, '10.89.0.0/24'), ping(false)]), 'every-ip')
      .run(context())
      .then(
        () => undefined,
        (error: unknown) => error as { message: string; hint: string },
      );
    expect(other).toMatchObject({
      message: '172.18.250.1 did not answer from this machine',
      hint: 'Run `kindscope check`.',
    });
  });

  it("blames that IP's own TCP hop, not another service's, and the tunnel before any route", async () => {
    const otherTcp: ConnectivityHop = {
      hop: 'TCP default/api 172.18.250.2:80',
      target: '172.18.250.2',
      ok: false,
      detail: 'TCP connect failed (ETIMEDOUT).',
      fix: 'ip route get 172.18.250.2',
    };
    const wrong = await verifyStep(deps(false, [route(true), otherTcp, tcp(true)]), {
      namespace: 'default',
      name: 'web',
    })
      .run(context())
      .then(
        () => undefined,
        (error: unknown) => error as { message: string },
      );
    expect(wrong?.message).toBe('172.18.250.1 did not answer from this machine (connect ETIMEDOUT)');
    const tunnel: ConnectivityHop = {
      hop: 'docker-mac-net-connect',
      ok: false,
      detail: 'docker-mac-net-connect 0.1.5 (not running).',
      fix: 'kindscope connectivity --cluster demo --fix',
    };
    const down = await verifyStep(deps(false, [tunnel, route(false), tcp(false)]), 'every-ip')
      .run(context())
      .then(
        () => undefined,
        (error: unknown) => error as { message: string; hint: string },
      );
    expect(down).toMatchObject({
      message: expect.stringContaining('the path breaks at "docker-mac-net-connect"'),
      hint: 'kindscope connectivity --cluster demo --fix',
    });
  });

  it('a cancel during the hop check ends the step at once', async () => {
    const c = context();
    const controller = new AbortController();
    const step = verifyStep({ ...deps(true, []), hostCheck: () => new Promise(() => undefined) }, 'every-ip');
    const running = step.run({ ...c, signal: controller.signal });
    controller.abort(new Error('cancelled'));
    await expect(running).rejects.toThrow('cancelled');
  });

  it("a hop check that cannot run is logged; the failure falls back to the measurement's own fix", async () => {
    const c = context();
    const failure = await verifyStep(deps(false, new Error('no Docker')), 'every-ip')
      .run(c)
      .then(
        () => undefined,
        (error: unknown) => error as { message: string; hint: string },
      );
    expect(failure).toMatchObject({
      message: '172.18.250.1 did not answer from this machine',
      hint: 'Run `kindscope check`.',
    });
    expect(c.facts.connectivity).toBeUndefined();
    expect(c.lines).toContain('path from this machine: not checked (no Docker)');
  });
});
