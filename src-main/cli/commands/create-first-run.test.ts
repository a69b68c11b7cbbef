import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labEnv } from '../../../e2e/lab/lab-cluster.ts';
import { docker, requireDocker } from '../../../e2e/lab/require-docker.ts';
import { carvePool } from '../../core/lab/plan/pool-carve';
import { cidrsOverlap } from '../../core/net/cidr';
import { kindscope } from './kindscope-process';

/**
 * A newcomer's first lab, as on a machine where kind never ran: a HOME with no ~/.kube and
 * no Kindscope data folder, no KUBECONFIG, and a kind network (kind's own
 * KIND_EXPERIMENTAL_DOCKER_NETWORK, a name no other test uses) that does not exist yet.
 * `kindscope plan` says how the pool will be carved and exits 0; `kindscope create --name X`
 * with no other option ends with the sample IP answering from this machine, its pool carved
 * from the network kind made.
 */
const suffix = randomBytes(3).toString('hex');
const network = `ks-first-cli-${suffix}`;
const name = `first-${suffix}`;
const outsideName = `outside-${suffix}`;
const laterNetwork = `ks-first-later-${suffix}`;
const home = mkdtempSync(join(tmpdir(), 'ks-first-home-'));
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  requireDocker();
  env = labEnv({ HOME: home, KIND_EXPERIMENTAL_DOCKER_NETWORK: network });
  for (const key of ['KUBECONFIG', 'KINDSCOPE_HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME']) delete env[key];
});

afterAll(() => {
  for (const cluster of [name, outsideName])
    spawnSync('kind', ['delete', 'cluster', '--name', cluster], { env, encoding: 'utf8', timeout: 120_000 });
  for (const made of [network, laterNetwork]) spawnSync('docker', ['network', 'rm', made], { encoding: 'utf8' });
  rmSync(home, { recursive: true, force: true });
});

describe('the first lab on a machine where kind never ran', () => {
  it('kindscope plan says the pool is carved once kind made the network, and exits 0', () => {
    expect(readdirSync(home)).toEqual([]);
    expect(spawnSync('docker', ['network', 'inspect', network]).status, `${network} must not exist yet`).not.toBe(0);
    const plan = kindscope(['plan', '--name', name], env);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(
      `LoadBalancer pool carved at run time (carved from the \`${network}\` network once kind creates it — on a fresh Docker that is usually 172.18.0.0/16, giving 172.18.250.0/24)`,
    );
    expect(plan.stdout).toContain('[pool-carved-at-run]');
    // Planning makes nothing: no network, no kubeconfig.
    expect(spawnSync('docker', ['network', 'inspect', network]).status).not.toBe(0);
    expect(existsSync(join(home, '.kube'))).toBe(false);
  });

  it(
    'kindscope create --name X ends with the sample answering from this machine, from a pool carved mid-run',
    { timeout: 600_000 },
    async () => {
      const created = kindscope(['create', '--name', name], env, 540_000);
      expect(created.code, `${created.stdout}\n${created.stderr}`).toBe(0);
      const ip = /answers at http:\/\/([\d.]+)\//.exec(created.stdout)?.[1];
      expect(ip, created.stdout).toBeDefined();
      const subnet = docker(['network', 'inspect', network, '--format', '{{range .IPAM.Config}}{{.Subnet}} {{end}}'])
        .split(' ')
        .find((s) => s.includes('.'))!;
      const carved = carvePool(subnet, []);
      expect(carved.ok).toBe(true);
      const pool = carved.ok ? carved.cidr : '';
      expect(created.stdout).toContain(`LoadBalancer pool ${pool} (carved from the kind network during this run)`);
      expect(cidrsOverlap(pool, `${ip}/32`)).toBe(true);
      expect(created.stderr).toContain('Carve the LoadBalancer pool from the kind network');
      // The answer, from this machine, now.
      const body = await (await fetch(`http://${ip}/`, { signal: AbortSignal.timeout(10_000) })).text();
      expect(body).toMatch(/^kindscope-sample pod=web-\S+ token=\w+/);
      // What a first run makes for the user: the kubeconfig (kind's) and Kindscope's data folder with the run.
      expect(readFileSync(join(home, '.kube', 'config'), 'utf8')).toContain(`kind-${name}`);
      expect(readdirSync(join(home, '.local', 'share', 'kindscope', 'runs')).some((d) => d.includes('create'))).toBe(
        true,
      );
    },
  );

  it(
    'a pool typed outside the subnet the network got stops the run at the pool, naming both, and never says it answers',
    { timeout: 600_000 },
    () => {
      // TEST-NET-2: outside any subnet Docker gives a network.
      const file = join(home, 'outside.yaml');
      writeFileSync(file, `cluster:\n  name: ${outsideName}\npool:\n  cidr: 198.51.100.200/29\n`);
      // Once the network exists the plan itself refuses it, naming the field.
      const refused = kindscope(['plan', '-f', file], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/198\.51\.100\.200\/29 is outside the kind network [\d.]+\/\d+.*\(pool\.cidr\)/);
      // On a network kind has yet to make, the run re-checks it the moment the network exists.
      const later = { ...env, KIND_EXPERIMENTAL_DOCKER_NETWORK: laterNetwork };
      const created = kindscope(['create', '-f', file], later, 540_000);
      expect(created.code).toBe(1);
      const said = `${created.stdout}${created.stderr}`;
      expect(said).not.toMatch(/answers at|Reachable|proven/);
      const message = /failed: (pool\.cidr: 198\.51\.100\.200\/29 is outside the kind network [\d.]+\/\d+)/.exec(
        said,
      )?.[1];
      expect(message, said).toBeDefined();
      // Said once, with its fix, not repeated by the step's log line.
      expect(said.split(message!).length - 1, said).toBe(2); // the step's line and the final summary
      expect(created.stderr).toContain('kindscope: step "carve-pool" failed:');
      expect(created.stderr).toMatch(/fix: Use pool\.cidr: auto \(here [\d.]+\/24\)/);
    },
  );
});
