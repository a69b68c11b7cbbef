import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LabPlan, type ServiceCheck } from '../../contract';
import { ensureNodeImage, ensureToolsImage } from '../../../e2e/lab/images.ts';
import { kubectlOk } from '../../../e2e/lab/lab-api.ts';
import { startLabCluster, type LabCluster } from '../../../e2e/lab/lab-cluster.ts';
import { docker, tryDocker } from '../../../e2e/lab/require-docker.ts';
import { renderSample, sampleToken } from '../../core/lab/plan/render';
import { kindscope } from './kindscope-process';

/**
 * "Reachable" cannot be fooled (issue 25): `kindscope check --json` against a lab on a Docker
 * network of this file's own (kind's KIND_EXPERIMENTAL_DOCKER_NETWORK), with the sample app
 * Kindscope renders. Traffic goes only to containers this file made.
 */
const suffix = randomBytes(3).toString('hex');
const network = `c-proof-${suffix}`;
const impostor = `c-proof-impostor-${suffix}`;
let cluster: LabCluster;
let env: NodeJS.ProcessEnv;
let bridge: string;
let subnet: string;

const svc = (name: string) => JSON.parse(kubectlOk(cluster, ['get', 'svc', name, '-o', 'json']));
const ipOf = (name: string): string => svc(name).status.loadBalancer.ingress[0].ip;
const macOf = (node: string) =>
  docker(['inspect', '-f', `{{(index .NetworkSettings.Networks "${network}").MacAddress}}`, node]).trim();
const holderOf = (name: string): string =>
  JSON.parse(
    kubectlOk(cluster, ['get', 'lease', '-n', 'kube-system', `cilium-l2announce-default-${name}`, '-o', 'json']),
  ).spec.holderIdentity;
const check = (name: string): ServiceCheck => {
  const result = kindscope(['check', '--cluster', cluster.name, '--service', name, '--json'], env);
  expect(result.stdout, result.stderr).not.toBe('');
  return JSON.parse(result.stdout) as ServiceCheck;
};
const neigh = (...args: string[]) => spawnSync('ip', ['neigh', ...args], { encoding: 'utf8' });
const waitFor = (assertion: () => void) => vi.waitFor(assertion, { timeout: 180_000, interval: 500 });
// Each `kindscope check` is a CLI process reading the whole cluster status: tens of seconds on a loaded 2-core machine.
const slow = { timeout: 400_000 };

beforeAll(async () => {
  cluster = await startLabCluster({ name: `c-proof-${suffix}`, network, workers: 2, cilium: { pool: 'auto' } });
  // ARP is asked afresh from a helper when the entry cannot be refreshed: the lab's tools image has arping.
  env = { ...cluster.env, KINDSCOPE_CAPTURE_IMAGE: ensureToolsImage() };
  const inspected = JSON.parse(docker(['network', 'inspect', network]))[0];
  bridge = `br-${inspected.Id.slice(0, 12)}`;
  subnet = inspected.IPAM.Config.map((c: { Subnet: string }) => c.Subnet).find((s: string) => s.includes('.'));
  // Only services without a "pool" label take the cluster's own pool.
  const pool = JSON.parse(kubectlOk(cluster, ['get', 'ippools', '-o', 'json'])).items[0];
  kubectlOk(cluster, [
    'patch',
    'ippool',
    pool.metadata.name,
    '--type=merge',
    '-p',
    JSON.stringify({ spec: { serviceSelector: { matchExpressions: [{ key: 'pool', operator: 'DoesNotExist' }] } } }),
  ]);
  // The sample app exactly as a lab plan renders it (marker config, token on the Service).
  kubectlOk(cluster, ['apply', '-f', '-'], renderSample(LabPlan.parse({ cluster: { name: cluster.name } }))!);
  await waitFor(() => expect(svc('web').status.loadBalancer.ingress?.[0]?.ip).toBeDefined());
}, 240_000);

afterAll(async () => {
  tryDocker(['rm', '-f', impostor]);
  await cluster?.down();
  tryDocker(['network', 'rm', network]);
});

describe('the proof of "reachable"', () => {
  it("the sample answers with this lab's marker from the lease holder: proven", slow, async () => {
    const token = sampleToken(LabPlan.parse({ cluster: { name: cluster.name } }));
    await waitFor(() => {
      const result = check('web');
      const holder = holderOf('web');
      expect(result).toMatchObject({
        verdict: 'answers',
        answeredBy: { node: holder, mac: macOf(holder) },
        proof: { proven: true, path: { ok: true }, arp: { state: 'measured' }, answer: { state: 'marker' } },
      });
      expect(result.http?.body).toContain(`token=${token}`);
      expect(result.proof!.path.detail).toContain(bridge);
    });
  });

  it(
    "a stale neighbour entry naming another node: answeredBy is the lease holder's MAC, measured now",
    slow,
    async () => {
      const ip = ipOf('web');
      const holder = holderOf('web');
      const other = cluster.nodeNames.find((n) => n !== holder && !n.endsWith('control-plane'))!;
      expect(neigh('replace', ip, 'lladdr', macOf(other), 'dev', bridge, 'nud', 'stale').status).toBe(0);
      const result = check('web');
      expect(result.answeredBy).toMatchObject({ node: holder, mac: macOf(holder) });
      expect(result.verdict).toBe('answers');
    },
  );

  it('a permanent entry naming another node: kept, the holder measured afresh, the entry a finding', slow, async () => {
    const ip = ipOf('web');
    const holder = holderOf('web');
    const other = cluster.nodeNames.find((n) => n !== holder && !n.endsWith('control-plane'))!;
    expect(neigh('replace', ip, 'lladdr', macOf(other), 'dev', bridge, 'nud', 'permanent').status).toBe(0);
    try {
      const result = check('web');
      expect(result.answeredBy).toMatchObject({ node: holder, mac: macOf(holder) });
      expect(result.findings).toContainEqual(
        expect.objectContaining({
          code: 'neighbour-permanent-mismatch',
          message: expect.stringContaining(macOf(other)),
        }),
      );
      expect(result.proof).toMatchObject({ proven: false, failing: 'arp' });
      expect(result.verdict).not.toBe('answers');
      // Never silently deleted: the user's entry is still there, as they made it.
      expect(neigh('show', ip, 'dev', bridge).stdout).toMatch(new RegExp(`${macOf(other)} PERMANENT`, 'i'));
    } finally {
      neigh('del', ip, 'dev', bridge);
    }
  });

  it('an IP answered by a container that is not a node: never proven, and answeredBy names no node', slow, async () => {
    // A service with no endpoints: LB-IPAM gives it an IP, no node announces it; the impostor takes it.
    kubectlOk(cluster, ['create', 'service', 'loadbalancer', 'lonely', '--tcp=80:80']);
    await waitFor(() => expect(svc('lonely').status.loadBalancer.ingress?.[0]?.ip).toBeDefined());
    const ip = ipOf('lonely');
    docker([
      'run',
      '-d',
      '--name',
      impostor,
      '--network',
      network,
      '--cap-add',
      'NET_ADMIN',
      '--label',
      'io.kindscope.lab=c-proof',
      ensureNodeImage(),
      'sh',
      '-c',
      `ip addr add ${ip}/32 dev lo && mkdir -p /www && echo impostor > /www/index.html && httpd -f -p ${ip}:80 -h /www`,
    ]);
    const impostorMac = docker([
      'inspect',
      '-f',
      `{{(index .NetworkSettings.Networks "${network}").MacAddress}}`,
      impostor,
    ]).trim();
    await waitFor(() => {
      const result = check('lonely');
      expect(result.http?.status).toBe(200);
      expect(result.answeredBy).toEqual({ mac: impostorMac, checkedAt: expect.any(String) });
      expect(result.proof).toMatchObject({ proven: false, failing: 'arp', arp: { state: 'other' } });
      expect(result.verdict).not.toBe('answers');
    });
  });

  it('a pool outside the cluster network is never "reachable", and nothing is sent to it', slow, async () => {
    // 192.0.2.0/24 (TEST-NET-1, RFC 5737): never a Docker network, never routed here but by the default route.
    kubectlOk(
      cluster,
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'cilium.io/v2alpha1',
        kind: 'CiliumLoadBalancerIPPool',
        metadata: { name: 'outside' },
        spec: { blocks: [{ cidr: '192.0.2.200/29' }], serviceSelector: { matchLabels: { pool: 'outside' } } },
      }),
    );
    kubectlOk(
      cluster,
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'outside', labels: { pool: 'outside' } },
        spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80 }] },
      }),
    );
    await waitFor(() => expect(svc('outside').status.loadBalancer.ingress?.[0]?.ip).toBeDefined());
    const result = check('outside');
    expect(result.verdict).toBe('not-proven');
    expect(result.http).toBeUndefined();
    expect(result.proof).toMatchObject({ proven: false, failing: 'path', answer: { state: 'not-checked' } });
    expect(result.proof!.path.detail).toContain(subnet);
    expect(result.findings.map((f) => f.code)).toContain('path-not-cluster-network');
  });

  it('a 404 from the right node is not the sample answering', slow, async () => {
    const config = JSON.parse(kubectlOk(cluster, ['get', 'configmap', 'web-kindscope-marker', '-o', 'json']));
    const template: string = config.data['default.conf.template'];
    kubectlOk(cluster, [
      'patch',
      'configmap',
      'web-kindscope-marker',
      '--type=merge',
      '-p',
      JSON.stringify({ data: { 'default.conf.template': template.replace('return 200', 'return 404') } }),
    ]);
    // nginx renders its templates at start: the pods restart to read the new one, as a user would do.
    kubectlOk(cluster, ['rollout', 'restart', 'deployment', 'web']);
    await waitFor(() => {
      const result = check('web');
      const holder = holderOf('web');
      expect(result.http?.status).toBe(404);
      expect(result.answeredBy).toMatchObject({ node: holder });
      expect(result.proof).toMatchObject({ proven: false, failing: 'answer', answer: { state: 'something-else' } });
      expect(result.findings.map((f) => f.code)).toContain('answer-not-sample');
      expect(result.verdict).toBe('not-proven');
    });
  });
});
