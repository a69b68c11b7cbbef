import { describe, expect, it } from 'vitest';
import type { ClusterStatus } from '../../../contract';
import { fakeClusterStatus, fakeService } from '../../../contract/cluster-status.fake';
import { noEvent } from '../../util/emitter';
import { allAnnounced } from './cluster-watch';
import { chartHasValue } from '../plan/chart-keys';
import { fixesFor, fixSteps } from './fix-pipeline';
import type { LifecycleDeps } from './lifecycle-pipelines';
import type { StepContext } from './pipeline-runner';

type Over = {
  cilium?: Partial<ClusterStatus['cilium']>;
  pools?: number;
  /** The pools' findings (all pools alike). */
  poolFindings?: ClusterStatus['pools'][number]['findings'];
  policies?: number;
  services?: ClusterStatus['services'];
};
function status(over: Over = {}): ClusterStatus {
  return fakeClusterStatus({
    cilium: {
      installed: true,
      state: 'installed',
      agents: { ready: 2, desired: 2 },
      operator: { ready: 1, desired: 1 },
      kubeProxyReplacement: 'true',
      l2Announcements: true,
      ...over.cilium,
    },
    services: over.services ?? [],
    pools: Array.from({ length: over.pools ?? 1 }, (_, i) => ({
      name: `p${i}`,
      apiVersion: 'cilium.io/v2',
      ranges: [],
      disabled: false,
      conflict: false,
      findings: over.poolFindings ?? [],
    })),
    policies: Array.from({ length: over.policies ?? 1 }, (_, i) => ({
      name: `l2-${i}`,
      interfaces: [],
      loadBalancerIPs: true,
      externalIPs: false,
    })),
  });
}

describe('fixesFor (what `kindscope fix` repairs)', () => {
  it.each([
    ['nothing missing', {}, []],
    ['no pool', { pools: 0 }, ['pool']],
    ['no policy', { policies: 0 }, ['l2-policy']],
    [
      'only a pool outside the Docker network (ARP can never reach its IPs: a repair, not "nothing to do")',
      {
        poolFindings: [
          {
            code: 'pool-outside-docker-network',
            message: 'The pool p0 (172.18.255.200/29) is outside every Docker network of this cluster',
            fix: 'Use a range inside 172.26.0.0/16.',
          },
        ],
      },
      ['pool'],
    ],
    ['L2 announcements off', { cilium: { l2Announcements: false } }, ['cilium-values']],
    [
      'kube-proxy replacement strict (1.15 accepts it without the features, cilium/cilium#32711)',
      { cilium: { kubeProxyReplacement: 'strict' } },
      ['cilium-values'],
    ],
    [
      'all three',
      { pools: 0, policies: 0, cilium: { l2Announcements: false } },
      ['cilium-values', 'pool', 'l2-policy'],
    ],
  ] as const)('%s', (_, over, expected) => {
    expect(fixesFor(status(over as Over))).toEqual(expected);
  });

  it('refuses a cluster without Cilium, pointing at create', () => {
    expect(() => fixesFor(status({ cilium: { installed: false } }))).toThrow(/Cilium is not installed/);
  });
});

describe('allAnnounced (the re-verification wait after start)', () => {
  const service = (renewTime?: string) =>
    fakeService({
      externalIPs: ['172.18.250.1'],
      leaseHolder: { node: 'demo-worker', lease: 'cilium-l2announce-default-web', ...(renewTime ? { renewTime } : {}) },
    });
  it('a Lease left from before the start is not a re-election; one renewed since is', () => {
    const started = Date.parse('2026-12-01T10:00:00Z');
    const check = allAnnounced(started);
    expect(check(status({ services: [service('2026-12-01T09:59:00Z')] }))).toMatchObject({
      done: false,
      detail: expect.stringContaining('not renewed since the start'),
    });
    expect(check(status({ services: [service('2026-12-01T10:00:02Z')] })).done).toBe(true);
    expect(allAnnounced()(status({ services: [service('2026-12-01T09:59:00Z')] })).done).toBe(true);
  });
});

describe('fixSteps (the planned repairs, made or skipped out loud)', () => {
  function fake(now: () => ClusterStatus) {
    const ran: string[][] = [];
    const deps: LifecycleDeps = {
      docker: {} as LifecycleDeps['docker'],
      runTool: async (name, args) =>
        (ran.push([name, ...args]), { exitCode: 0, stdout: '', stderr: '' }) as Awaited<
          ReturnType<LifecycleDeps['runTool']>
        >,
      statusSource: () => ({ status: async () => now(), onDidChange: noEvent }),
      verify: async () => undefined,
      environment: async () =>
        ({ network: { name: 'kind', subnet: '172.18.0.0/16' }, used: [] }) as unknown as Awaited<
          ReturnType<LifecycleDeps['environment']>
        >,
    };
    return { deps, ran };
  }
  const context = (): StepContext & { lines: string[] } => {
    const lines: string[] = [];
    return {
      lines,
      signal: new AbortController().signal,
      log: (line) => void lines.push(line),
      created: () => undefined,
      progress: () => undefined,
      facts: {},
    };
  };
  const stepNamed = (steps: ReturnType<typeof fixSteps>, name: string) => steps.find((s) => s.name === name)!;

  it('a planned repair made meanwhile (by hand) is skipped by its step, saying so; the others run', async () => {
    let now = status({ pools: 0, policies: 0 });
    const { deps, ran } = fake(() => now);
    const steps = fixSteps('demo', now, deps, ['pool', 'l2-policy']);
    expect(steps.map((s) => s.name)).toEqual(['apply-pool', 'apply-l2-policy', 'leases', 'verify']);
    now = status({ pools: 1, policies: 0 });
    const pool = context();
    await stepNamed(steps, 'apply-pool').run(pool);
    expect(pool.lines).toEqual(['the cluster has a pool now (p0): nothing to make']);
    expect(ran).toEqual([]);
    await stepNamed(steps, 'apply-l2-policy').run(context());
    expect(ran).toEqual([['kubectl', '--context', 'kind-demo', 'apply', '-f', '-']]);
  });

  it('a needed repair that was not planned stops the wait at once, naming it and the command that makes it', async () => {
    const now = status({ pools: 0, policies: 0 });
    const { deps } = fake(() => now);
    const leases = stepNamed(fixSteps('demo', now, deps, ['l2-policy']), 'leases');
    await expect(leases.run(context())).rejects.toMatchObject({
      message:
        'demo still needs a LoadBalancer IP pool [pool], which this run was not confirmed to make: without it no LoadBalancer IP gets an address',
      hint: expect.stringContaining('kindscope fix --cluster demo --only pool'),
    });
  });

  it('helm upgrade keeps the chart version read when the fix was confirmed, not a default, when the status lacks it', () => {
    const { deps } = fake(() => status());
    const unread = status({ cilium: { l2Announcements: false, version: undefined } });
    expect(stepNamed(fixSteps('demo', unread, deps, ['cilium-values'], 'v1.16.3'), 'cilium-upgrade').command).toContain(
      '--version 1.16.3 ',
    );
  });

  it("helm upgrade --sets only values the cluster's chart has: externalIPs.enabled up to 1.17, never from 1.18", () => {
    const { deps } = fake(() => status());
    const sets = (version: string) => {
      const words = stepNamed(
        fixSteps('demo', status(), deps, ['cilium-values'], version),
        'cilium-upgrade',
      ).command.split(' ');
      return words.flatMap((w, i) => (words[i - 1] === '--set' ? [w.split('=')[0]!] : []));
    };
    for (const version of ['1.18.14', '1.19.8', '1.20.2']) {
      expect(sets(version)).not.toContain('externalIPs.enabled');
      expect(sets(version)).toEqual(expect.arrayContaining(['kubeProxyReplacement', 'l2announcements.enabled']));
      // Each written value is one of that chart's own (the generated table from its values.yaml).
      for (const path of sets(version)) expect(chartHasValue(version, path), `${version} ${path}`).toBe(true);
    }
    expect(sets('1.17.18')).toContain('externalIPs.enabled');
  });
});
