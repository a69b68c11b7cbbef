import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { labEnv } from '../../../e2e/lab/lab-cluster.ts';
import { docker, requireDocker } from '../../../e2e/lab/require-docker.ts';
import type { BgpView } from '../../contract';
import { probeHttp } from '../../core/host/probe';
import { kindscope } from './kindscope-process';
import { labPlanYaml } from '../../../e2e/lab/lab-kind-plan.ts';

/**
 * Issue 29, acceptance on the lab: `kindscope create -f lab.yaml` with `announce: bgp` and two
 * workers builds kind + the simulated Cilium running GoBGP in each worker + an FRR router
 * beside the lab, and ends with the sample IP answering from this machine through the router.
 * One lab for the whole file (CI time): the cases run in order on it.
 */
const suffix = randomBytes(3).toString('hex');
const network = `ks-bgp-${suffix}`;
const name = `bgp-${suffix}`;
const home = mkdtempSync(join(tmpdir(), 'ks-bgp-home-'));
const planFile = join(home, 'lab.yaml');
let env: NodeJS.ProcessEnv;
let runId: string | undefined;
let ip: string;

type CreateResult = {
  service: { ip: string };
  run: string;
  bgp: {
    hops: { hop: string; detail: string }[];
    nextHops: { ip: string; node?: string; installed: boolean }[];
    answeredPod?: string;
    flowVia?: { ip: string; node?: string };
    sessionEstablishedMs?: number;
  };
};

const lbSubnet = () =>
  JSON.parse(docker(['network', 'inspect', `${name}-lb`, '--format', '{{json .IPAM.Config}}']))[0].Subnet as string;

const vtysh = (command: string) =>
  JSON.parse(docker(['exec', `${name}-router`, 'vtysh', '-c', command])) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(() => {
  requireDocker();
  env = labEnv({ HOME: home, KIND_EXPERIMENTAL_DOCKER_NETWORK: network });
  for (const key of ['KUBECONFIG', 'KINDSCOPE_HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME']) delete env[key];
  writeFileSync(planFile, labPlanYaml(name, { announce: 'bgp', workers: 2 }));
});

afterAll(() => {
  if (runId) kindscope(['cleanup', runId, '--yes'], env, 300_000);
  // Whatever cleanup could not remove (a failed create before it journaled), by this test's unique names.
  spawnSync('kind', ['delete', 'cluster', '--name', name], { env, encoding: 'utf8', timeout: 120_000 });
  spawnSync('docker', ['rm', '--force', `${name}-router`], { encoding: 'utf8' });
  spawnSync('docker', ['network', 'rm', `${name}-lb`], { encoding: 'utf8' });
  spawnSync('docker', ['network', 'rm', network], { encoding: 'utf8' });
  rmSync(home, { recursive: true, force: true });
});

describe('BGP mode on the lab', () => {
  it('create ends with the sample IP answering from this machine through the router, the hops named', () => {
    const created = kindscope(['create', '-f', planFile, '--json'], env, 600_000);
    const result = JSON.parse(created.stdout || '{}') as CreateResult;
    runId = result.run;
    expect(created.code, `${created.stderr}\n${created.stdout}`).toBe(0);
    ip = result.service.ip;
    // The pool lies outside the kind network, on the pool's own Docker network.
    const kindSubnet = JSON.parse(docker(['network', 'inspect', network, '--format', '{{json .IPAM.Config}}']))[0]
      .Subnet;
    expect(ip.startsWith(kindSubnet.split('.').slice(0, 2).join('.') + '.')).toBe(false);
    expect(result.bgp.hops.map((h) => h.hop)).toEqual(['route', 'router', 'next hops', 'this flow', 'answer']);
    expect(result.bgp.nextHops.map((h) => h.node).sort()).toEqual([`${name}-worker`, `${name}-worker2`]);
    expect(result.bgp.answeredPod).toMatch(/^web-/);
    expect(result.bgp.flowVia?.node).toMatch(new RegExp(`^${name}-worker2?$`));
    console.log(`BGP session established ${result.bgp.sessionEstablishedMs} ms after the router started`);
  }, 660_000);

  it('answers from this machine now, with the sample marker', async () => {
    const answer = await probeHttp(ip, 80);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/^kindscope-sample pod=web-/);
  });

  it("the router's RIB lists the IP with one next hop per advertising worker, installed in its FIB", () => {
    const route = vtysh(`show ip route ${ip}/32 json`)[`${ip}/32`][0];
    expect(route.protocol).toBe('bgp');
    const hops = (route.nexthops as { ip: string; fib?: boolean }[]).filter((h) => h.fib);
    const workers = [`${name}-worker`, `${name}-worker2`].map((node) =>
      docker(['inspect', '--format', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, node]).trim(),
    );
    expect(hops.map((h) => h.ip).sort()).toEqual(workers.sort());
  });

  it('kindscope bgp --json keeps the nodes’ claim and the router’s measurement apart', () => {
    const out = kindscope(['bgp', '--cluster', name, '--json'], env);
    expect(out.code, out.stderr).toBe(0);
    const view = JSON.parse(out.stdout) as BgpView;
    expect(view.claimed.map((c) => c.node)).toEqual([`${name}-worker`, `${name}-worker2`]);
    for (const claim of view.claimed)
      expect(claim.peers[0]).toMatchObject({ peeringState: 'established', peerASN: 65000 });
    expect(
      view.measured.sessions
        .filter((s) => s.state === 'Established')
        .map((s) => s.node)
        .sort(),
    ).toEqual([`${name}-worker`, `${name}-worker2`]);
    expect(view.measured.routes.find((r) => r.prefix === `${ip}/32`)?.nextHops).toHaveLength(2);
    const status = kindscope(['status', '--cluster', name, '--json'], env);
    expect(JSON.parse(status.stdout).bgp.measured.router).toBe(`${name}-router`);
  });

  it('kindscope connectivity names the BGP path: the pool network’s route, the router, its next hops, this flow’s node, then the answer', () => {
    const out = kindscope(['connectivity', '--cluster', name, '--json'], env);
    expect(out.code, out.stderr + out.stdout).toBe(0);
    // --json prints the hops in path order.
    const hops = JSON.parse(out.stdout) as { hop: string; ok: boolean; detail: string }[];
    const names = hops.map((h) => h.hop);
    const at = (hop: string) => names.indexOf(hop);
    expect(at(`host route to ${lbSubnet()} (Docker network ${name}-lb)`)).toBeGreaterThan(-1);
    const path = [
      `BGP router for ${ip}`,
      `BGP next hops for ${ip}`,
      `BGP this flow for ${ip}`,
      `TCP default/web ${ip}:80`,
    ];
    expect(path.map(at)).toEqual([...path.map(at)].sort((a, b) => a - b));
    expect(path.every((hop) => at(hop) > at(`host route to ${lbSubnet()} (Docker network ${name}-lb)`))).toBe(true);
    expect(hops.find((h) => h.hop === `BGP next hops for ${ip}`)?.detail).toMatch(
      new RegExp(`${name}-worker\\).*${name}-worker2\\) \\(ECMP\\)`),
    );
    expect(hops.find((h) => h.hop === `BGP this flow for ${ip}`)?.detail).toMatch(new RegExp(`\\(${name}-worker2?\\)`));
  });

  it('doctor has nothing to fix on the healthy BGP lab (no L2 finding where nobody is meant to answer ARP)', () => {
    const out = kindscope(['doctor', '--cluster', name, '--json'], env);
    expect(JSON.parse(out.stdout).clusters[0].findings).toEqual([]);
    expect(out.code).toBe(0);
  });

  it('docker stop of a worker removes its next hop at the router', async () => {
    const started = Date.now();
    docker(['stop', '--time', '1', `${name}-worker2`]);
    const stopped = Date.now();
    const remaining = await vi.waitFor(
      () => {
        const hops = (vtysh(`show ip route ${ip}/32 json`)[`${ip}/32`]?.[0]?.nexthops ?? []) as { ip: string }[];
        if (hops.length !== 1) throw new Error(`still ${hops.length} next hops`);
        return hops;
      },
      { timeout: 30_000, interval: 100 },
    );
    console.log(
      `next hop withdrawn ${Date.now() - stopped} ms after docker stop returned (${stopped - started} ms to stop)`,
    );
    const worker = docker([
      'inspect',
      '--format',
      `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`,
      `${name}-worker`,
    ]).trim();
    expect(remaining.map((h) => h.ip)).toEqual([worker]);
    // Still answering through the remaining worker.
    await vi.waitFor(async () => expect((await probeHttp(ip, 80)).status).toBe(200), { timeout: 20_000 });
  });

  it('a wrong peer ASN in the cluster config (patched with kubectl) is a doctor finding, with its fix, naming the AS the router runs and expects; kindscope fix repairs it and the session comes up at the router', async () => {
    const kubectl = (...args: string[]) => {
      const result = spawnSync('kubectl', ['--context', `kind-${name}`, ...args], { env, encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
      return result.stdout;
    };
    kubectl(
      'patch',
      'ciliumbgpclusterconfig',
      'lab-bgp',
      '--type',
      'json',
      '--patch',
      JSON.stringify([{ op: 'replace', path: '/spec/bgpInstances/0/peers/0/peerASN', value: 65099 }]),
    );
    type Doctor = {
      clusters: { findings: { scope: string; code: string; message: string; fix: string; repair?: string }[] }[];
    };
    const wrong = await vi.waitFor(
      () => {
        const out = kindscope(['doctor', '--cluster', name, '--json'], env);
        const finding = (JSON.parse(out.stdout) as Doctor).clusters[0]!.findings.find(
          (f) => f.code === 'bgp-peer-asn-wrong',
        );
        if (!finding) throw new Error(`no finding yet: ${out.stdout}`);
        expect(out.code).toBe(1);
        return finding;
      },
      { timeout: 60_000, interval: 1000 },
    );
    // The claim (the node's CiliumBGPNodeConfig) and the measurement (the router, read with vtysh) are worded apart.
    expect(wrong.message).toMatch(/CiliumBGPNodeConfig claims its session to .* is (?!established)/);
    expect(wrong.message).toContain('AS 65099');
    expect(wrong.message).toContain(
      'the router runs AS 65000 (and expects AS 65001 from the nodes) — measured at the router',
    );
    expect(wrong.fix).toContain('peerASN to 65000');
    expect(wrong).toMatchObject({ scope: 'bgp', repair: 'bgp-peer' });
    // status --json carries it beside the claim and the measurement.
    const status = JSON.parse(kindscope(['status', '--cluster', name, '--json'], env).stdout);
    expect(status.bgp.findings.map((f: { code: string }) => f.code)).toContain('bgp-peer-asn-wrong');

    // fix shows its steps and asks for confirmation; --yes runs them.
    const shown = kindscope(['fix', '--cluster', name], env, 120_000);
    expect(shown.code).toBe(1);
    expect(shown.stderr).toMatch(/\[bgp-peer\] Set the router's ASN and address in the cluster config's peer/);
    expect(JSON.parse(kindscope(['bgp', '--cluster', name, '--json'], env).stdout).findings.length).toBeGreaterThan(0);
    const fixed = kindscope(['fix', '--cluster', name, '--yes'], env, 300_000);
    expect(fixed.code, `${fixed.stderr}\n${fixed.stdout}`).toBe(0);
    // The step's log names what it changed, and the verification the hops through the router.
    expect(fixed.stderr + fixed.stdout).toContain('lab-bgp: peerASN 65099 → 65000 (the AS the router runs)');
    expect(fixed.stdout).toMatch(new RegExp(`${ip.replaceAll('.', '\\.')}: answers through the router`));
    const peerASN = JSON.parse(kubectl('get', 'ciliumbgpclusterconfig', 'lab-bgp', '-o', 'json')).spec.bgpInstances[0]
      .peers[0].peerASN;
    expect(peerASN).toBe(65000);
    // Measured at the router: the running worker's session is Established again (worker2 was stopped above).
    const worker = docker([
      'inspect',
      '--format',
      `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`,
      `${name}-worker`,
    ]).trim();
    expect(vtysh('show bgp summary json').ipv4Unicast.peers[worker].state).toBe('Established');
    expect(
      JSON.parse(kindscope(['bgp', '--cluster', name, '--json'], env).stdout).findings.map(
        (f: { code: string }) => f.code,
      ),
    ).not.toContain('bgp-peer-asn-wrong');
  }, 500_000);
});
