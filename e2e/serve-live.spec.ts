import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ensureToolsImage } from './lab/images.ts';
import { kubectlOk } from './lab/lab-api.ts';
import { startLabCluster, type LabCluster } from './lab/lab-cluster.ts';
import { startServe, type ServeProcess } from './support/serve-process.ts';
import { TopologyPage } from './pages/topology-page.ts';

let cluster: LabCluster;
let serve: ServeProcess;

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
const holder = () =>
  JSON.parse(kubectlOk(cluster, ['get', 'lease', '-n', 'kube-system', 'cilium-l2announce-default-web', '-o', 'json']))
    .spec.holderIdentity as string;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  cluster = await startLabCluster({
    name: `i28-lv-${randomBytes(3).toString('hex')}`,
    workers: 2,
    cilium: { pool: 'auto' },
  });
  kubectlOk(cluster, ['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
  kubectlOk(cluster, ['expose', 'deployment', 'web', '--type=LoadBalancer', '--port=80']);
  // Pending: no pool's selector matches it.
  const pool = JSON.parse(kubectlOk(cluster, ['get', 'ippools', '-o', 'json'])).items[0].metadata.name;
  kubectlOk(cluster, [
    'patch',
    'ippool',
    pool,
    '--type=merge',
    '-p',
    '{"spec":{"serviceSelector":{"matchExpressions":[{"key":"team","operator":"DoesNotExist"}]}}}',
  ]);
  kubectlOk(
    cluster,
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'picky', labels: { team: 'blue' } },
      spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 81 }] },
    }),
  );
  await expect
    .poll(
      () => kubectlOk(cluster, ['get', 'lease', '-n', 'kube-system', '-o', 'jsonpath={.items[*].spec.holderIdentity}']),
      {
        timeout: 60_000,
      },
    )
    .toMatch(/worker/);
  // No KINDSCOPE_CAPTURE_IMAGE: the capture image comes from Settings (or the default) here.
  serve = await startServe({ ...cluster.env, KINDSCOPE_CAPTURE_IMAGE: undefined });
});

test.afterAll(async () => {
  await serve?.stop();
  await cluster?.down();
});

test('Settings → Capture image: kept across a reload, named in the question before a pull, and used by Capture ARP; the measurement then shows in every view', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto(serve.url);
  await nav(page, 'Settings');
  const card = page.getByRole('region', { name: 'Capture image' });
  const inUse = card.getByLabel('Capture image in use');
  await expect(inUse).toContainText('docker.io/nicolaka/netshoot:v0.13');
  await expect(inUse).toContainText('the default');
  // An image no engine here has: the question before a pull names it, and where else to get one.
  const missing = `127.0.0.1:9/kindscope-i28-${randomBytes(3).toString('hex')}:v1`;
  const field = card.getByRole('textbox', { name: 'Image' });
  await field.fill('Not An Image!');
  await card.getByRole('button', { name: 'Save' }).click();
  await expect(card.getByRole('alert')).toContainText('must be an image reference');
  await field.fill(missing);
  await card.getByRole('button', { name: 'Save' }).click();
  await expect(inUse).toContainText(missing);
  await expect(inUse).toContainText('chosen here');
  await expect(inUse).toContainText('not on this engine');
  await page.reload();
  await expect(page.getByRole('region', { name: 'Capture image' }).getByRole('textbox', { name: 'Image' })).toHaveValue(
    missing,
  );

  await nav(page, 'Troubleshoot');
  await page.getByRole('combobox', { name: 'Cluster' }).selectOption(cluster.name);
  const row = page.getByRole('listitem', { name: 'Check default/web', exact: true });
  await row.getByRole('button', { name: 'Capture ARP' }).click();
  const ask = page.getByRole('alertdialog', { name: 'Pull the capture image?' });
  await expect(ask).toContainText(missing);
  await expect(ask).toContainText('Settings → Capture image');
  await expect(ask).toContainText('docker load -i');
  await ask.getByRole('button', { name: 'Cancel' }).click();

  // The lab's tools image is on this engine: chosen in Settings, the capture runs from it (no pull).
  await nav(page, 'Settings');
  await page
    .getByRole('region', { name: 'Capture image' })
    .getByRole('textbox', { name: 'Image' })
    .fill(ensureToolsImage());
  await page.getByRole('region', { name: 'Capture image' }).getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('region', { name: 'Capture image' }).getByLabel('Capture image in use')).toContainText(
    'on this engine',
  );
  await page.screenshot({ path: join(import.meta.dirname, 'artifacts/settings-capture-image.png'), fullPage: true });
  await nav(page, 'Troubleshoot');
  await row.getByRole('button', { name: 'Capture ARP' }).click();
  const result = page.getByRole('region', { name: 'Capture of default/web' });
  await expect(result.getByRole('status')).toHaveText('Lease holder answered', { timeout: 60_000 });

  // One store of measurements: the capture's is what every view shows, with the view that took it.
  const measured = new RegExp(
    `answered ARP: ${holder()} \\(([0-9a-f]{2}:){5}[0-9a-f]{2}\\) · measured \\d\\d:\\d\\d:\\d\\d by Capture ARP`,
  );
  await expect(row.getByLabel('Last measurement of default/web')).toHaveText(
    new RegExp(`lease held by ${holder()} · ${measured.source}`),
  );
  await nav(page, 'Topology');
  const topology = new TopologyPage(page);
  await topology.view('Tables').click();
  await expect(topology.table('Services').getByRole('row', { name: /default\/web/ })).toContainText(
    new RegExp(`${holder()} .* · measured \\d\\d:\\d\\d:\\d\\d by Capture ARP`),
  );
  await nav(page, 'Clusters');
  await page
    .getByRole('row', { name: `Cluster ${cluster.name}` })
    .getByRole('link', { name: `Open ${cluster.name}` })
    .click();
  await expect(page.getByRole('listitem', { name: 'Service default/web', exact: true })).toContainText(measured);
});

test('Stop then Start from Clusters: the start run says each node kept its address (the one Kubernetes has as its InternalIP)', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const nodeIp = (name: string) =>
    JSON.parse(kubectlOk(cluster, ['get', 'node', name, '-o', 'json'])).status.addresses.find(
      (a: { type: string }) => a.type === 'InternalIP',
    ).address as string;
  const before = new Map(cluster.nodeNames.map((n) => [n, nodeIp(n)]));
  await page.goto(serve.url);
  await nav(page, 'Clusters');
  await page.getByRole('button', { name: `Stop ${cluster.name}` }).click();
  await expect(page.getByRole('status', { name: 'Run state' })).toHaveText(/done/i, { timeout: 120_000 });
  await nav(page, 'Clusters');
  await page.getByRole('button', { name: `Start ${cluster.name}` }).click();
  const addresses = page.getByRole('region', { name: 'Node addresses' });
  await expect(addresses).toContainText('Every node got its old address back.', { timeout: 120_000 });
  for (const [name, ip] of before)
    await expect(addresses.getByLabel(`Address of ${name}`, { exact: true })).toHaveText(`${name} kept ${ip}`);
  await page.screenshot({ path: join(import.meta.dirname, 'artifacts/run-start-addresses.png'), fullPage: true });
});

test('a <pending> service says why and what to do in the same block on Troubleshoot, Topology and Clusters, with Fix… where the repair run can make it', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto(serve.url);
  const why = (where: Page | ReturnType<Page['getByRole']>) =>
    where.getByRole('group', { name: 'Reason and fix for default/picky' });
  const reason = "No pool's serviceSelector matches this service (labels: team=blue)";

  await nav(page, 'Troubleshoot');
  await page.getByRole('combobox', { name: 'Cluster' }).selectOption(cluster.name);
  const onTroubleshoot = why(page.getByRole('listitem', { name: 'Check default/picky', exact: true }));
  await expect(onTroubleshoot).toContainText('Why default/picky is <pending>');
  await expect(onTroubleshoot).toContainText(reason);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: serve.origin });
  const copy = onTroubleshoot.getByRole('button', { name: /^Copy: kubectl --context kind-.* label service picky/ });
  await copy.click();
  await expect(copy).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(
    new RegExp(`^kubectl --context kind-${cluster.name} -n default label service picky`),
  );
  await page.screenshot({ path: join(import.meta.dirname, 'artifacts/troubleshoot-why-pending.png'), fullPage: true });

  await nav(page, 'Topology');
  const topology = new TopologyPage(page);
  await topology.item(/^Service default\/picky <pending>/).click();
  await expect(why(topology.details)).toContainText(reason);
  await page.screenshot({ path: join(import.meta.dirname, 'artifacts/topology-why-pending.png'), fullPage: true });

  await nav(page, 'Clusters');
  await page
    .getByRole('row', { name: `Cluster ${cluster.name}` })
    .getByRole('link', { name: `Open ${cluster.name}` })
    .click();
  await expect(why(page.getByRole('listitem', { name: 'Service default/picky', exact: true }))).toContainText(reason);

  // Without an L2 policy every IP is unannounced: the repair run makes one, so Fix… is offered where the service is.
  kubectlOk(cluster, ['delete', 'ciliuml2announcementpolicies', '--all']);
  const web = page
    .getByRole('listitem', { name: 'Service default/web', exact: true })
    .getByRole('group', { name: 'Reason and fix for default/web' });
  await expect(web).toContainText('Apply an L2 announcement policy', { timeout: 30_000 });
  const fixWeb = web.getByRole('button', { name: `Fix ${cluster.name} for default/web` });
  const dialog = page.getByRole('dialog', { name: `Fix ${cluster.name}?` });
  // The repair plan follows the pushed status (re-read within a second); the dialog shows the plan as it was when opened.
  await expect(async () => {
    if (await dialog.isVisible()) await dialog.getByRole('button', { name: 'Not now' }).click();
    await fixWeb.click();
    await expect(dialog.getByRole('checkbox', { name: 'Create the L2 announcement policy' })).toBeChecked({
      timeout: 2_000,
    });
  }).toPass({ timeout: 30_000 });
  await page.screenshot({ path: join(import.meta.dirname, 'artifacts/clusters-why-fix.png'), fullPage: true });
  await dialog.getByRole('button', { name: 'Not now' }).click();
});
