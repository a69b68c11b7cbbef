import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startLabCluster, type LabCluster } from './lab/lab-cluster.ts';
import { createMacStandIns, type MacStandIns } from './lab/mac-net-standins.ts';
import { startServe, type ServeProcess } from './support/serve-process.ts';

let cluster: LabCluster;
let mac: MacStandIns;
let serve: ServeProcess;
const elevatedStart =
  'osascript -e \'do shell script "/opt/homebrew/bin/brew services start chipmk/tap/docker-mac-net-connect" with administrator privileges\'';

test.beforeAll(async () => {
  test.setTimeout(240_000);
  cluster = await startLabCluster({ name: `i19-${randomBytes(3).toString('hex')}`, workers: 1 });
  // macOS with Docker Desktop, on Linux: stand-ins for brew, osascript, netstat, route, ping first on PATH.
  mac = createMacStandIns(cluster.env);
  serve = await startServe(mac.env);
});

test.afterAll(async () => {
  await serve?.stop();
  mac?.remove();
  await cluster?.down();
});

test('This machine: the failing hop, the fix only after the consent dialog showing the exact commands, then verified', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto(serve.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Troubleshoot' }).click();
  await page.getByRole('combobox', { name: 'Cluster' }).selectOption(cluster.name);
  const card = page.getByRole('region', { name: 'This machine', exact: true });
  await expect(card).toContainText('Fails at: docker-mac-net-connect', { timeout: 60_000 });
  await expect(card.getByRole('listitem', { name: 'Hop docker-mac-net-connect' })).toContainText(
    'Not installed (Homebrew at /opt/homebrew).',
  );

  await card.getByRole('button', { name: 'Fix: install and start docker-mac-net-connect' }).click();
  const dialog = page.getByRole('dialog', { name: 'Run these commands on this machine?' });
  await expect(dialog).toContainText(`${join(mac.dir, 'bin/brew')} install chipmk/tap/docker-mac-net-connect`);
  await expect(dialog).toContainText(elevatedStart);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  expect(mac.calls().filter(([tool, verb]) => tool === 'osascript' || verb === 'install')).toEqual([]);

  await card.getByRole('button', { name: 'Fix: install and start docker-mac-net-connect' }).click();
  await dialog.getByRole('button', { name: 'Run them' }).click();
  await expect(card.getByRole('status', { name: 'Fix result' })).toContainText('verified every hop', {
    timeout: 60_000,
  });
  await expect(card).toContainText('Reaches the cluster');
  await expect(card.getByRole('listitem', { name: /^Hop host route to/ })).toContainText(
    "dev utun0 — docker-mac-net-connect's tunnel route",
  );
  expect(mac.state()).toMatchObject({ state: 'running', routes: true });
  await card.getByRole('button', { name: 'Verify' }).click();
  await expect(card).toContainText('Reaches the cluster');
  await page.screenshot({ path: join(import.meta.dirname, 'artifacts/troubleshoot-this-machine.png'), fullPage: true });
});

test('This machine: Remove stops the service as root and uninstalls, only after its dialog', async ({ page }) => {
  test.setTimeout(120_000);
  mac.set({ state: 'running', routes: true });
  mac.clearCalls();
  await page.goto(serve.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Troubleshoot' }).click();
  await page.getByRole('combobox', { name: 'Cluster' }).selectOption(cluster.name);
  const card = page.getByRole('region', { name: 'This machine', exact: true });
  await card.getByRole('button', { name: 'Remove docker-mac-net-connect…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Stop and uninstall docker-mac-net-connect?' });
  await expect(dialog).toContainText(
    'osascript -e \'do shell script "/opt/homebrew/bin/brew services stop chipmk/tap/docker-mac-net-connect" with administrator privileges\'',
  );
  await expect(dialog).toContainText(`${join(mac.dir, 'bin/brew')} uninstall chipmk/tap/docker-mac-net-connect`);
  await dialog.getByRole('button', { name: 'Run them' }).click();
  await expect(card.getByRole('status', { name: 'Fix result' })).toContainText(
    'Stopped and uninstalled docker-mac-net-connect',
    { timeout: 60_000 },
  );
  expect(mac.state()).toMatchObject({ state: 'not-installed', routes: false });
  await expect(card).toContainText('Fails at: docker-mac-net-connect');
});
