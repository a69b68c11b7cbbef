import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { labEnv } from '../../../../e2e/lab/lab-cluster.ts';
import { docker, requireDocker } from '../../../../e2e/lab/require-docker.ts';
import { readFileSync } from 'node:fs';
import { importPlan } from './import/import-plan';
import { savePlanYaml } from './plan';
import { cidrsOverlap } from '../../net/cidr';
import { carvePool } from './pool-carve';
import { kindscopeEntry } from '../../../../e2e/lab/kindscope-entry.ts';

/**
 * The acceptance run: the plan imported from the seed article (its mistakes fixed), as
 * `kindscope script` prints it, executed by bash with the lab's stand-ins first on PATH
 * (kind, helm; the real kubectl and curl), must build a lab whose sample LoadBalancer IP
 * answers from this machine. The lab's helm refuses the article's own command
 * (--reuse-values on install) and its Cilium stays silent with kubeProxyReplacement=strict.
 */
const root = join(import.meta.dirname, '../../../..');
const name = `i14-script-${randomBytes(3).toString('hex')}`;
// A network of its own that does not exist yet: the script must carve from what kind makes (a fresh engine).
const network = `ks-first-${randomBytes(3).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'i14-script-'));
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  requireDocker();
  env = labEnv({ KUBECONFIG: join(dir, 'kubeconfig'), KIND_EXPERIMENTAL_DOCKER_NETWORK: network });
});

afterAll(() => {
  spawnSync('kind', ['delete', 'cluster', '--name', name], { env, encoding: 'utf8', timeout: 120_000 });
  spawnSync('docker', ['network', 'rm', network], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
});

it(
  "kindscope script for the article's fixed plan builds a lab whose sample IP answers",
  { timeout: 600_000 },
  async () => {
    expect(spawnSync('docker', ['network', 'inspect', network]).status, `${network} must not exist yet`).not.toBe(0);
    const fixtures = join(root, '../shared/fixtures/article');
    const article = `${readFileSync(join(fixtures, 'kind-config.yaml'), 'utf8')}\n${readFileSync(join(fixtures, 'helm-install.txt'), 'utf8')}`;
    const { plan } = importPlan([{ name: 'article.txt', text: article }], { name });
    expect(plan.cilium.operatorReplicas).toBe(2);
    expect(plan.pool.cidr).toBe('auto');
    writeFileSync(join(dir, 'lab.yaml'), savePlanYaml(plan));
    const generated = spawnSync(process.execPath, [...kindscopeEntry, 'script', '-f', join(dir, 'lab.yaml')], {
      cwd: root,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(generated.stderr).toBe('');
    expect(generated.status).toBe(0);
    writeFileSync(join(dir, 'lab.sh'), generated.stdout);

    const output = await new Promise<{ code: number | null; text: string }>((resolve) => {
      const child = spawn('bash', [join(dir, 'lab.sh')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.once('exit', (code) => resolve({ code, text }));
    });
    expect(output.code, output.text).toBe(0);
    const lines = output.text.trim().split('\n');
    // The block the script carved from the network kind made, the external IP from it, then the sample app's answer.
    const subnet = docker(['network', 'inspect', network, '--format', '{{range .IPAM.Config}}{{.Subnet}} {{end}}'])
      .split(' ')
      .find((s) => s.includes('.'))!;
    const pool = lines[lines.indexOf('==> Carve the LoadBalancer pool from the kind network') + 1]!;
    expect(carvePool(subnet, [])).toEqual({ ok: true, cidr: pool });
    const ip = lines[lines.indexOf('==> Wait for the external IP') + 1]!;
    expect(cidrsOverlap(pool, `${ip}/32`), `${ip} in ${pool}`).toBe(true);
    expect(lines.at(-1)).toMatch(/^kindscope-sample pod=web-\S+ token=\w+/);
  },
);
