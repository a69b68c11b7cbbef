import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { statusChangeKey, type ClusterStatus } from '../../contract';
import { kubectlOk } from '../../../e2e/lab/lab-api.ts';
import { startLabCluster, subnetSlot, type LabCluster } from '../../../e2e/lab/lab-cluster.ts';
import { docker, tryDocker } from '../../../e2e/lab/require-docker.ts';
import { comparable } from '../../core/cluster/status-comparison';
import { kubectlView, modelView } from '../../../e2e/lab/status-oracle.ts';
import { kindscope, StatusWatch } from './kindscope-process';

// A short stream deadline, so a hung API server shows as offline within a test's patience.
const deadlineMs = 4_000;
let cluster: LabCluster;
let env: NodeJS.ProcessEnv;
let watch: StatusWatch | undefined;
const controlPlane = () => `${cluster.name}-control-plane`;

/**
 * A /24 of the kind network outside the lab's per-cluster slots (x.y.200–249): on the
 * shared engine, two clusters whose names hash to the same slot answer ARP for the same
 * IPs, and a check then sees the other cluster's node answer.
 */
function privatePool(): string {
  return subnetSlot('kind', (count) =>
    count >= 256 ? 100 + (randomBytes(1)[0]! % 100) : 1 + (randomBytes(1)[0]! % (count / 2 - 1)),
  );
}

beforeAll(async () => {
  cluster = await startLabCluster({
    name: `i11-st-${randomBytes(2).toString('hex')}`,
    workers: 2,
    cilium: { pool: privatePool() },
  });
  env = { ...cluster.env, KINDSCOPE_STREAM_DEADLINE_MS: String(deadlineMs) };
  kubectlOk(cluster, ['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
  kubectlOk(cluster, ['expose', 'deployment', 'web', '--type=LoadBalancer', '--port=80']);
  await vi.waitFor(
    () =>
      expect(
        JSON.parse(kubectlOk(cluster, ['get', 'svc', 'web', '-o', 'json'])).status.loadBalancer.ingress?.[0]?.ip,
      ).toBeDefined(),
    { timeout: 30_000, interval: 200 },
  );
});

afterAll(async () => {
  await watch?.stop();
  // Never leave a paused or stopped node behind, even when a test failed half-way.
  tryDocker(['unpause', controlPlane()]);
  await cluster?.down();
});

function statusOnce(): {
  code: number | null;
  signal: NodeJS.Signals | null;
  status?: ClusterStatus;
  stdout: string;
  stderr: string;
} {
  const result = kindscope(['status', '--cluster', cluster.name, '--json'], env, 15_000);
  return { ...result, ...(result.code === 0 ? { status: JSON.parse(result.stdout) as ClusterStatus } : {}) };
}

describe('kindscope status (one shot)', () => {
  // 20 processes of up to 15 s each on a loaded 2-core machine: the test's own limit is the sum.
  it('20 runs in a row each exit within 15 s with complete data', { timeout: 20 * 15_000 }, () => {
    const web = JSON.parse(kubectlOk(cluster, ['get', 'svc', 'web', '-o', 'json']));
    for (let run = 0; run < 20; run++) {
      const result = statusOnce();
      expect(result.signal, `run ${run} was killed after 15 s`).toBeNull();
      expect(result.code, `run ${run}: ${result.stderr}`).toBe(0);
      expect(result.status).toMatchObject({
        complete: true,
        connection: { state: 'live' },
        cilium: { state: 'installed' },
      });
      expect(result.status!.services.find((s) => s.name === 'web')?.externalIPs).toEqual([
        web.status.loadBalancer.ingress[0].ip,
      ]);
    }
  });

  it(
    'with the API server hung (control plane paused) it exits non-zero saying the data is incomplete, and says nothing about Cilium',
    { timeout: 120_000 },
    () => {
      docker(['pause', controlPlane()]);
      try {
        for (const json of [true, false]) {
          const result = kindscope(['status', '--cluster', cluster.name, ...(json ? ['--json'] : [])], env, 30_000);
          expect(result.signal).toBeNull();
          expect(result.code).toBe(1);
          const said = `${result.stdout}${result.stderr}`;
          expect(said).toMatch(/incomplete/);
          expect(said).not.toMatch(/cilium/i);
          if (json) expect(JSON.parse(result.stdout).error).toMatchObject({ code: 'DATA_INCOMPLETE' });
        }
      } finally {
        docker(['unpause', controlPlane()]);
      }
    },
  );

  it('an unknown cluster is an error listing the clusters', () => {
    const result = kindscope(['status', '--cluster', 'i11-nosuch'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no kind cluster named i11-nosuch; clusters: ');
    expect(result.stderr).toContain(cluster.name);
  });

  it('check: an unknown service is an error listing the LoadBalancer services; a real one answers, worded as claim and measurement', () => {
    const wrong = kindscope(['check', '--cluster', cluster.name, '--service', 'nope/nope'], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('its LoadBalancer services: default/web');
    const right = kindscope(['check', '--cluster', cluster.name, '--service', 'web', '--json'], env);
    expect(right.code, right.stderr).toBe(0);
    const check = JSON.parse(right.stdout);
    const holder = JSON.parse(
      kubectlOk(cluster, ['get', 'lease', '-n', 'kube-system', 'cilium-l2announce-default-web', '-o', 'json']),
    ).spec.holderIdentity;
    expect(check).toMatchObject({
      verdict: 'answers',
      leaseHolder: { node: holder },
      answeredBy: { node: holder, checkedAt: expect.any(String) },
    });
    const text = kindscope(['check', '--cluster', cluster.name, '--service', 'web'], env).stdout;
    expect(text).toContain(`lease held by ${holder}`);
    expect(text).toMatch(new RegExp(`answered ARP: ${holder} \\(.*checked \\d\\d:\\d\\d:\\d\\d\\)`));
  });
});

describe('kindscope status --watch --json', () => {
  it('prints nothing for 10 s when nothing changes', async () => {
    watch = new StatusWatch(cluster.name, env);
    await watch.until((s) => expect(s).toMatchObject({ complete: true, connection: { state: 'live' } }));
    const settled = watch.documents.length;
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    // Lease renewals (about once a second) change nothing a script acts on: no document for
    // them. Other test files share the engine and the kind network, and a cluster of theirs
    // appearing can change this model (a pool overlap, a used address): such a document is a
    // real change — never a repeat of the one before.
    const printed = watch.documents.slice(settled - 1).map((d) => statusChangeKey(d.status));
    for (let i = 1; i < printed.length; i++)
      expect(printed[i], 'a document identical to the one before').not.toBe(printed[i - 1]);
  });

  it(
    'docker pause of the control plane: offline within the stream deadline; unpause: live again and equal to a fresh list',
    { timeout: 150_000 },
    async () => {
      docker(['pause', controlPlane()]);
      try {
        const offline = await watch!.until((s) => expect(s.connection.state).toBe('offline'));
        expect(offline.connection.reason).toMatch(/no answer|timeout|socket|ECONN/i);
        expect(offline.nodes.find((n) => n.name === controlPlane())?.container?.state).toBe('paused');
        // A change made while the stream was down must arrive after it: only a relist brings it.
      } finally {
        docker(['unpause', controlPlane()]);
      }
      kubectlOk(cluster, ['expose', 'deployment', 'web', '--name', 'after-pause', '--type=LoadBalancer', '--port=80']);
      await watch!.until((s) => {
        expect(s.connection.state).toBe('live');
        expect(s.services.map((svc) => svc.name)).toContain('after-pause');
        // kubectl's own reading, independent of the model builder both documents come from.
        expect(modelView(s)).toEqual(kubectlView(cluster));
        const fresh = statusOnce();
        expect(fresh.code).toBe(0);
        expect(comparable(s)).toEqual(comparable(fresh.status!));
      });
    },
  );

  it("a stopped node shows its container exited at once, Kubernetes' Ready beside it", async () => {
    const worker = `${cluster.name}-worker2`;
    docker(['stop', '-t', '0', worker]);
    try {
      const status = await watch!.until((s) =>
        expect(s.nodes.find((n) => n.name === worker)?.container).toEqual({ state: 'exited', running: false }),
      );
      expect(status.findings).toContainEqual(
        expect.objectContaining({ code: 'node-container-stopped', fix: `docker start ${worker}` }),
      );
      expect(typeof status.nodes.find((n) => n.name === worker)!.ready).toBe('boolean');
    } finally {
      docker(['start', worker]);
    }
    await watch!.until((s) =>
      expect(s.nodes.find((n) => n.name === worker)?.container).toEqual({ state: 'running', running: true }),
    );
    expect(await watch!.stop()).toBe(130);
    watch = undefined;
  });
});
