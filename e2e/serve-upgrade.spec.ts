import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { kubectlOk } from './lab/lab-api.ts';
import { startLabCluster, type LabCluster } from './lab/lab-cluster.ts';
import { startServe, type ServeProcess } from './support/serve-process.ts';

/**
 * Issue 30's UI: "Upgrade Cilium" on Clusters shows the preflight, each item confirmed on its
 * own (the button stays off until every item is ticked), then the run view; Roll back there
 * starts the rollback run.
 */
let cluster: LabCluster;
let serve: ServeProcess;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  cluster = await startLabCluster({
    name: `i30-up-${randomBytes(3).toString('hex')}`,
    workers: 1,
    // 1.18 with the value 1.19 renamed: the preflight has items to confirm (the rename, the skipped minor).
    cilium: { pool: 'auto', version: '1.18.14', set: ['l2podAnnouncements.interface=eth0'] },
  });
  kubectlOk(cluster, ['create', 'deployment', 'web', '--image=nginx']);
  kubectlOk(cluster, ['expose', 'deployment', 'web', '--type=LoadBalancer', '--port=80']);
  serve = await startServe(cluster.env);
});

test.afterAll(async () => {
  await serve?.stop();
  await cluster?.down();
});

test('Upgrade Cilium: the preflight item by item, the run, then Roll back', async ({ page }) => {
  test.setTimeout(420_000);
  await page.goto(serve.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters', exact: true }).click();
  await page.getByRole('button', { name: `Upgrade Cilium on ${cluster.name}` }).click();
  const dialog = page.getByRole('dialog', { name: `Upgrade Cilium on ${cluster.name}` });
  await dialog.getByRole('combobox', { name: 'Target release' }).selectOption('1.20.2');
  const items = dialog.getByRole('list', { name: 'Preflight items' });
  await expect(items).toBeVisible({ timeout: 60_000 });
  const upgrade = dialog.getByRole('button', { name: 'Upgrade to 1.20.2' });
  // Items to confirm: nothing runs until each is ticked.
  const rename = items.getByRole('checkbox', {
    name: 'l2podAnnouncements.interface is l2podAnnouncements.interfacePattern in 1.20.2',
  });
  const skip = items.getByRole('checkbox', { name: '1.18.14 → 1.20.2 skips 1 minor release' });
  await expect(upgrade).toBeDisabled();
  await rename.check();
  await expect(upgrade).toBeDisabled();
  await skip.check();
  await expect(upgrade).toBeEnabled();
  await expect(items).toContainText('Kubernetes 1.33');
  await page.screenshot({ path: join(import.meta.dirname, 'artifacts/upgrade-preflight.png'), fullPage: true });
  await upgrade.click();
  await expect(page.getByRole('heading', { level: 1, name: `Upgrading ${cluster.name}` })).toBeVisible();
  await expect(page.getByRole('status', { name: 'Run state' })).toHaveText('Done', { timeout: 300_000 });
  expect(
    kubectlOk(cluster, ['get', 'cm', '-n', 'kube-system', 'cilium-config', '-o', 'jsonpath={.data.cilium-version}']),
  ).toBe('1.20.2');
  await page.getByRole('button', { name: 'Roll back' }).click();
  await page
    .getByRole('dialog', { name: `Roll ${cluster.name} back?` })
    .getByRole('button', { name: 'Roll back' })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: `Rolling back ${cluster.name}` })).toBeVisible();
  await expect(page.getByRole('status', { name: 'Run state' })).toHaveText('Done', { timeout: 300_000 });
  expect(
    kubectlOk(cluster, ['get', 'cm', '-n', 'kube-system', 'cilium-config', '-o', 'jsonpath={.data.cilium-version}']),
  ).toBe('1.18.14');
});
