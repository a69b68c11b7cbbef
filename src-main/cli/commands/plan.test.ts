import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, requireDocker, tryDocker } from '../../../e2e/lab/require-docker.ts';
import { LabPlan } from '../../contract';
import { cidrsOverlap } from '../../core/net/cidr';
import { ipv4Range } from '../../core/lab/plan/pool-carve';
import { ExitCode } from '../output';
import { runCli } from '../run-cli';
import { kindscopeEntry } from '../../../e2e/lab/kindscope-entry.ts';

const root = join(import.meta.dirname, '../../..');
const fixtures = join(root, '../shared/fixtures/article');
const dir = mkdtempSync(join(tmpdir(), 'i14-plan-'));
// The kind network of this file (kind's KIND_EXPERIMENTAL_DOCKER_NETWORK), made here as kind makes it:
// never one an earlier test happened to leave on the engine.
const network = `ks-plan-${randomBytes(3).toString('hex')}`;

/** The real `kindscope` entry point, as `npm run cli` runs it. */
function kindscope(args: string[]) {
  const result = spawnSync(process.execPath, [...kindscopeEntry, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, KIND_EXPERIMENTAL_DOCKER_NETWORK: network },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  requireDocker();
  docker(['network', 'create', network]);
  // One file holding both, as pasted from the article.
  writeFileSync(
    join(dir, 'article.txt'),
    `${readFileSync(join(fixtures, 'kind-config.yaml'), 'utf8')}\n${readFileSync(join(fixtures, 'helm-install.txt'), 'utf8')}`,
  );
});
afterAll(() => {
  tryDocker(['network', 'rm', network]);
  rmSync(dir, { recursive: true, force: true });
});

/** What the kind network holds now: its IPv4 subnet and every container address on it. */
function kindNetwork() {
  const inspect = JSON.parse(docker(['network', 'inspect', network])) as [
    { IPAM: { Config: { Subnet: string }[] }; Containers: Record<string, { IPv4Address: string }> },
  ];
  return {
    subnet: inspect[0].IPAM.Config.find((c) => c.Subnet.includes('.'))!.Subnet,
    addresses: Object.values(inspect[0].Containers).map((c) => c.IPv4Address.split('/')[0]!),
  };
}

describe('kindscope plan', () => {
  it('--import on the article returns a plan plus findings for its mistakes, and the plan validates', () => {
    const result = kindscope(['plan', '--import', join(dir, 'article.txt'), '--name', 'i14-article', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(Object.keys(output)).toEqual(
      expect.arrayContaining(['plan', 'kindConfig', 'helmValues', 'manifests', 'findings']),
    );
    const codes = output.findings.map((f: { code: string }) => f.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        'k8s-service-host-unknown',
        'kube-proxy-replacement-strict',
        'helm-reuse-values-on-install',
        'ipam-mode-unset',
        'device-not-on-nodes',
      ]),
    );
    for (const f of output.findings)
      expect(f).toEqual(
        expect.objectContaining({ code: expect.any(String), message: expect.any(String), fix: expect.any(String) }),
      );
    expect(LabPlan.safeParse(output.plan).success).toBe(true);
    expect(output.helmValues).toMatchObject({
      kubeProxyReplacement: true,
      k8sServiceHost: 'i14-article-control-plane',
      ipam: { mode: 'kubernetes' },
      devices: ['eth0'],
    });
    // The returned plan validates on this engine.
    writeFileSync(join(dir, 'imported.json'), JSON.stringify(output.plan));
    const again = kindscope(['plan', '-f', join(dir, 'imported.json'), '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).findings.filter((f: { severity: string }) => f.severity !== 'info')).toEqual([]);
  });

  it('--name demo: the default plan, with a blocks pool inside the kind network overlapping nothing in use', () => {
    const result = kindscope(['plan', '--name', 'demo', '--json']);
    expect(result.code).toBe(0);
    const { plan, kindConfig, helmValues, manifests, poolCidr } = JSON.parse(result.stdout);
    expect(kindConfig).toMatch(/disableDefaultCNI: true/);
    expect(kindConfig).toMatch(/kubeProxyMode: none/);
    expect(plan.cluster.nodeImage).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(helmValues).toMatchObject({
      kubeProxyReplacement: true,
      k8sServiceHost: 'demo-control-plane',
      ipam: { mode: 'kubernetes' },
    });
    expect(manifests.pool).toContain(`blocks:\n    - cidr: ${poolCidr}`);
    expect(manifests.pool).toContain('allowFirstLastIPs: "No"');
    const network = kindNetwork();
    const pool = ipv4Range(poolCidr)!;
    const net = ipv4Range(network.subnet)!;
    expect(pool.first >= net.first && pool.last <= net.last).toBe(true);
    for (const address of network.addresses) expect(cidrsOverlap(poolCidr, `${address}/32`), address).toBe(false);
    expect(cidrsOverlap(poolCidr, plan.cluster.podSubnet) || cidrsOverlap(poolCidr, plan.cluster.serviceSubnet)).toBe(
      false,
    );
  });

  it('lists the steps the run will journal, the same list and titles as Review and `runs --json`', () => {
    const { runSteps } = JSON.parse(kindscope(['plan', '--name', 'i28-steps', '--json']).stdout);
    expect(runSteps.map((s: { name: string }) => s.name)).toEqual(
      expect.arrayContaining(['preflight', 'kind-create', 'carve-pool', 'verify']),
    );
    const printed = kindscope(['plan', '--name', 'i28-steps'])
      .stdout.split('Steps:\n')[1]!
      .trim()
      .split('\n')
      .map((line) => line.trim());
    expect(printed).toEqual(runSteps.map((s: { title: string }, i: number) => `${i + 1}. ${s.title}`));
  });

  it("--name: today's newest tested pairing, with its sources cited", () => {
    const result = kindscope(['plan', '--name', 'i26-default', '--json']);
    expect(result.code).toBe(0);
    const { plan, pairing } = JSON.parse(result.stdout);
    expect(plan.cluster.kindVersion).toBe('v0.33.0');
    expect(plan.cluster.nodeImage).toMatch(/^kindest\/node:v1\.36\.4@sha256:099e049362a1/);
    expect(plan.cilium.version).toBe('1.20.2');
    expect(pairing).toMatchObject({ kubernetes: '1.36.4', cilium: '1.20.2', tested: true, acknowledged: false });
    expect(pairing.sources).toEqual([
      expect.stringMatching(
        /^kind v0\.33\.0 node image: https:\/\/github\.com\/kubernetes-sigs\/kind\/releases\/tag\/v0\.33\.0/,
      ),
      expect.stringMatching(/^Cilium 1\.20\.2 tested Kubernetes 1\.33, 1\.34, 1\.35, 1\.36: .*copy, unconfirmed$/),
    ]);
    expect(kindscope(['plan', '--name', 'i26-default']).stdout).toMatch(
      /Pairing: kind v0\.33\.0 \(Kubernetes 1\.36\.4\) with Cilium 1\.20\.2: listed as e2e tested\n {2}source: /,
    );
  });

  it("kind v0.33.0's default image (Kubernetes 1.37.0) is refused without --allow-untested, accepted and marked with it", () => {
    writeFileSync(
      join(dir, 'k137.yaml'),
      'cluster:\n  name: i26-k137\n  kindVersion: v0.33.0\n  nodeImage: kindest/node:v1.37.0@sha256:a1ed56cfb0e7b93589bdf97c8cd566405a265939e3620fc4f5de89adff580ae5\n',
    );
    const refused = kindscope(['plan', '-f', join(dir, 'k137.yaml')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /not 1\.37\.0 .*untested, not unsupported; no Cilium release lists it yet \(cilium\.version\)\./,
    );
    expect(refused.stderr).toMatch(/--allow-untested/);
    const accepted = kindscope(['plan', '-f', join(dir, 'k137.yaml'), '--allow-untested', '--json']);
    expect(accepted.code).toBe(0);
    const { plan, findings, pairing } = JSON.parse(accepted.stdout);
    expect(plan.cilium).toMatchObject({
      allowUntested: true,
      untestedReason: expect.stringMatching(/--allow-untested/),
    });
    expect(pairing).toMatchObject({ tested: false, acknowledged: true });
    expect(findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'cilium-untested-acknowledged', severity: 'warning' })]),
    );
    expect(findings.filter((f: { severity: string }) => f.severity === 'error')).toEqual([]);
    const saved = join(dir, 'k137-saved.yaml');
    expect(kindscope(['plan', '-f', join(dir, 'k137.yaml'), '--allow-untested', '--save', saved]).code).toBe(0);
    expect(readFileSync(saved, 'utf8')).toMatch(
      /^# UNTESTED pairing acknowledged \(cilium\.allowUntested\): kindest\/node:v1\.37\.0 with Cilium 1\.20\.2/m,
    );
  });

  it('refuses a plan with the field and the fix, exit 1', () => {
    writeFileSync(
      join(dir, 'bad.yaml'),
      'cluster:\n  name: i14-bad\ncilium:\n  routingMode: native\n  l2announcements:\n    leaseDuration: 1s\n    leaseRenewDeadline: 2s\npool:\n  cidr: 10.99.0.0/24\n',
    );
    const result = kindscope(['plan', '-f', join(dir, 'bad.yaml')]);
    expect(result.code).toBe(1);
    // Each problem one sentence naming its field once (issue 28: not `pool.cidr: pool.cidr …`).
    expect(result.stderr).toMatch(
      /routingMode native needs ipv4NativeRoutingCIDR \(the chart refuses native routing without it\)\. /,
    );
    expect(result.stderr).toMatch(
      /Lease timings must satisfy .* leaseDuration \+ leaseRetryPeriod \(cilium\.l2announcements\)\. /,
    );
    expect(result.stderr).toMatch(
      /10\.99\.0\.0\/24 is outside the kind network .* would not answer \(pool\.cidr\)\.\n/,
    );
    expect(result.stderr).toMatch(/hint: .*Set cilium\.ipv4NativeRoutingCIDR to the pod subnet 10\.244\.0\.0\/16/);
  });

  it.each([
    [['plan'], /plan needs --name NAME, -f lab.yaml or --import FILE…/],
    [['plan', '--import', '/nonexistent/i14.txt'], /--import \/nonexistent\/i14.txt: no such file/],
    [['plan', '-f', '/nonexistent/lab.yaml'], /-f \/nonexistent\/lab.yaml: no such file/],
    [['plan', '--name', 'Bad_Name', '-f', '/nonexistent/x'], /no such file/],
  ])('usage: %j', async (args, message) => {
    let err = '';
    const code = await runCli(args, { out: () => undefined, err: (t) => void (err += t) });
    expect(code).toBe(ExitCode.usage);
    expect(err).toMatch(message);
  });

  it('--save writes lab.yaml, and replaces it only with --yes', () => {
    const file = join(dir, 'saved.yaml');
    expect(kindscope(['plan', '--name', 'i14-saved', '--save', file]).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/name: i14-saved/);
    const refused = kindscope(['plan', '--name', 'i14-other', '--save', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/the file exists; add --yes/);
    expect(readFileSync(file, 'utf8')).toMatch(/name: i14-saved/);
    expect(kindscope(['plan', '--name', 'i14-other', '--save', file, '--yes']).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/name: i14-other/);
  });
});

describe('kindscope script', () => {
  it('prints the script for a plan file', () => {
    const result = kindscope(['script', '--name', 'i14-printed']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^#!\/usr\/bin\/env bash\n/);
    expect(result.stdout).toContain('kind create cluster --name i14-printed --config "$workdir/kind-config.yaml"');
  });
});
