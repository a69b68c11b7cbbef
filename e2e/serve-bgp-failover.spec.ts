import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { kindscopeEntry } from './lab/kindscope-entry.ts';
import { labEnv } from './lab/lab-cluster.ts';
import { docker, requireDocker } from './lab/require-docker.ts';
import { startServe, type ServeProcess } from './support/serve-process.ts';
import { labPlanYaml } from './lab/lab-kind-plan.ts';

/**
 * Issue 29 item 7 in the Troubleshoot page: on a BGP-mode lab the drill is offered with both
 * stops; a pause is confirmed, run, and shown with the router's measured withdrawal beside the
 * hold timer's prediction and the node's claim apart; the node is unpaused afterwards.
 */
const root = join(import.meta.dirname, '..');
const suffix = randomBytes(3).toString('hex');
const name = `bgpui-${suffix}`;
const network = `ks-bgpui-${suffix}`;
const home = mkdtempSync(join(tmpdir(), 'ks-bgpui-home-'));
let env: NodeJS.ProcessEnv;
let serve: ServeProcess | undefined;
let runId: string | undefined;

const cli = (args: string[], timeout = 120_000) =>
  spawnSync(process.execPath, [...kindscopeEntry, ...args], {
    cwd: root,
    env,
    encoding: 'utf8',
    timeout,
  });

test.beforeAll(async () => {
  test.setTimeout(660_000);
  requireDocker();
  env = labEnv({ HOME: home, KIND_EXPERIMENTAL_DOCKER_NETWORK: network });
  for (const key of ['KUBECONFIG', 'KINDSCOPE_HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME']) delete env[key];
  const plan = join(home, 'lab.yaml');
  writeFileSync(plan, labPlanYaml(name, { announce: 'bgp', workers: 2 }));
  const created = cli(['create', '-f', plan, '--json'], 600_000);
  runId = (JSON.parse(created.stdout || '{}') as { run?: string }).run;
  if (created.status !== 0) throw new Error(`create failed:\n${created.stderr}\n${created.stdout}`);
  serve = await startServe(env);
});

test.afterAll(async () => {
  await serve?.stop();
  for (const node of [`${name}-worker`, `${name}-worker2`]) {
    spawnSync('docker', ['unpause', node], { encoding: 'utf8' });
    spawnSync('docker', ['start', node], { encoding: 'utf8' });
  }
  if (runId) cli(['cleanup', runId, '--yes'], 300_000);
  spawnSync('kind', ['delete', 'cluster', '--name', name], { env, encoding: 'utf8', timeout: 120_000 });
  spawnSync('docker', ['rm', '--force', `${name}-router`], { encoding: 'utf8' });
  spawnSync('docker', ['network', 'rm', `${name}-lb`], { encoding: 'utf8' });
  spawnSync('docker', ['network', 'rm', network], { encoding: 'utf8' });
  rmSync(home, { recursive: true, force: true });
});

test('Troubleshoot offers both stops in BGP mode and shows a pause withdrawn at the hold timer, measured beside predicted', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto(serve!.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Troubleshoot' }).click();
  await page.getByRole('combobox', { name: 'Cluster' }).selectOption(name);
  const row = page.getByRole('listitem', { name: 'Check default/web', exact: true });
  const stops = row.getByRole('group', { name: 'How the drill takes the node away' });
  await expect(stops.getByRole('radio', { name: /docker stop/ })).toBeChecked();
  await stops.getByRole('radio', { name: /docker pause/ }).check();
  await row.getByRole('button', { name: 'Failover drill' }).click();
  const dialog = page.getByRole('dialog', { name: 'Confirm the failover drill' });
  await expect(dialog).toContainText("freezes (docker pause) the node the router sends this machine's flow");
  await dialog.getByRole('button', { name: 'Freeze a next hop and measure' }).click();

  const result = page.getByRole('region', { name: 'Failover of default/web' });
  await expect(result).toContainText('Measured: the router withdrew it', { timeout: 120_000 });
  const facts = result.getByRole('definition');
  await expect(result.getByRole('term').filter({ hasText: 'Measured withdrawal' })).toBeVisible();
  await expect(facts.filter({ hasText: 'hold timer (9 s)' })).toBeVisible();
  await expect(facts.filter({ hasText: 'lab-router: hold 9 s, keepalive 3 s, graceful restart off' })).toBeVisible();
  await expect(facts.filter({ hasText: 'CiliumBGPNodeConfig: established before' })).toBeVisible();
  const timeline = result.getByRole('img', { name: 'Failover timeline' });
  await expect(timeline).toContainText('frozen (docker pause)');
  await expect(timeline).toContainText("left the router's FIB");
  await expect(timeline).toContainText('unpaused');
  for (const node of [`${name}-worker`, `${name}-worker2`])
    expect(docker(['inspect', '-f', '{{.State.Running}} {{.State.Paused}}', node]).trim()).toBe('true false');
  await page.screenshot({ path: join(import.meta.dirname, 'artifacts/troubleshoot-bgp-failover.png'), fullPage: true });
});
