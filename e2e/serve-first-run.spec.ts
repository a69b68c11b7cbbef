import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { labEnv } from './lab/lab-cluster.ts';
import { docker, requireDocker } from './lab/require-docker.ts';
import { CreateLabPage } from './pages/create-lab-page.ts';
import { startServe, type ServeProcess } from './support/serve-process.ts';

/**
 * A newcomer's first lab through the wizard, in Chromium against serve mode, on a machine
 * where kind never ran: a HOME without ~/.kube, no KUBECONFIG, no Kindscope data folder yet,
 * and a kind network (KIND_EXPERIMENTAL_DOCKER_NETWORK, a name no other test uses) that does
 * not exist. With the defaults, the pool step and Review say how the pool will be carved,
 * and the run carves it once kind made the network and ends Reachable.
 */
const suffix = randomBytes(3).toString('hex');
const network = `ks-first-ui-${suffix}`;
const name = `first-ui-${suffix}`;
let home: string;

/** Whether IPv4 block `inner` lies inside `outer` (both a.b.c.d/n). */
function inside(inner: string, outer: string): boolean {
  const range = (cidr: string) => {
    const [address, bits] = cidr.split('/');
    const value = address!.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
    const size = 2 ** (32 - Number(bits));
    return [value, value + size - 1] as const;
  };
  const [a, b] = range(inner);
  const [c, d] = range(outer);
  return c <= a && b <= d;
}
let env: NodeJS.ProcessEnv;
let serve: ServeProcess;

test.beforeAll(async () => {
  requireDocker();
  home = mkdtempSync(join(tmpdir(), 'ks-first-ui-home-'));
  env = labEnv({ HOME: home, KIND_EXPERIMENTAL_DOCKER_NETWORK: network });
  for (const key of ['KUBECONFIG', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME']) env[key] = undefined;
  serve = await startServe(env, { dataDir: join(home, 'kindscope-data') });
});

test.afterAll(async () => {
  await serve?.stop();
  spawnSync('kind', ['delete', 'cluster', '--name', name], { env, encoding: 'utf8', timeout: 120_000 });
  spawnSync('docker', ['network', 'rm', network], { encoding: 'utf8' });
  if (home) rmSync(home, { recursive: true, force: true });
});

test('the wizard with its defaults builds the first lab where kind never ran: the pool carved mid-run, Reachable', async ({
  page,
}) => {
  test.setTimeout(300_000);
  expect(spawnSync('docker', ['network', 'inspect', network]).status, `${network} must not exist yet`).not.toBe(0);
  expect(existsSync(join(home, '.kube'))).toBe(false);
  await page.goto(serve.url);
  const lab = new CreateLabPage(page);
  await lab.open();
  await lab.name.fill(name);
  await expect(page.getByRole('status', { name: 'Plan check' })).toHaveText('Plan checked');
  for (const to of ['Cilium', 'Load balancing', 'Sample app', 'Review']) {
    await lab.goNext(to);
    if (to === 'Load balancing')
      await expect(page.getByRole('status', { name: 'Pool carved at run time' })).toContainText(
        `carved from the \`${network}\` network once kind creates it — on a fresh Docker that is usually 172.18.0.0/16, giving 172.18.250.0/24`,
      );
    if (to === 'Review')
      await expect(page.getByRole('definition').filter({ hasText: /^Carved from the/ })).toContainText(
        `Carved from the \`${network}\` network once kind creates it`,
      );
  }
  await expect(lab.create).toBeEnabled();
  await lab.create.click();
  await expect(page.getByRole('heading', { level: 1, name: `Building ${name}` })).toBeVisible();

  await expect(lab.runState).toHaveText('Done', { timeout: 240_000 });
  const subnet = docker(['network', 'inspect', network, '--format', '{{range .IPAM.Config}}{{.Subnet}} {{end}}'])
    .split(' ')
    .find((s) => s.includes('.'))!;
  // Whatever subnet Docker gave the new network (a /16, or a /20 once its /16s are taken): a block carved inside it.
  const status = page.getByRole('status', { name: 'LoadBalancer pool' });
  await expect(status).toHaveText(/^LoadBalancer pool: \S+ \(carved from the kind network during this run\)$/);
  const pool = /pool: (\S+) /.exec((await status.textContent()) ?? '')![1]!;
  expect(inside(pool, subnet), `${pool} inside ${subnet}`).toBe(true);
  // LB-IPAM's first usable address of the block (allowFirstLastIPs: No).
  const ip = pool.replace(/\.0\/\d+$/, '.1');
  await expect(lab.runRow(ip).getByRole('status', { name: 'Reachability' })).toHaveText('Reachable');
  const body = await (await fetch(`http://${ip}/`, { signal: AbortSignal.timeout(10_000) })).text();
  expect(body).toMatch(/^kindscope-sample pod=web-\S+ token=\w+/);
  // The run's journal went into the data folder the first run made.
  expect(readdirSync(join(home, 'kindscope-data', 'runs')).length).toBe(1);
});
