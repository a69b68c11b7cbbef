import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { ensureToolsImage } from './lab/images.ts';
import { kubectlOk } from './lab/lab-api.ts';
import { startLabCluster, type LabCluster } from './lab/lab-cluster.ts';
import { docker } from './lab/require-docker.ts';
import { startServe, type ServeProcess } from './support/serve-process.ts';

let cluster: LabCluster;
let serve: ServeProcess;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  cluster = await startLabCluster({
    name: `i18-${randomBytes(3).toString('hex')}`,
    workers: 2,
    cilium: { pool: 'auto' },
  });
  kubectlOk(cluster, ['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
  kubectlOk(cluster, ['expose', 'deployment', 'web', '--type=LoadBalancer', '--port=80']);
  // Each test reads the holder from the Lease first: wait until there is one.
  await expect
    .poll(
      () => kubectlOk(cluster, ['get', 'lease', '-n', 'kube-system', '-o', 'jsonpath={.items[*].spec.holderIdentity}']),
      { timeout: 60_000 },
    )
    .toMatch(/worker/);
  // The lab's tools image (tcpdump, arping): no registry here, tests never pull.
  serve = await startServe({ ...cluster.env, KINDSCOPE_CAPTURE_IMAGE: ensureToolsImage() });
});

test.afterAll(async () => {
  await serve?.stop();
  await cluster?.down();
});

test('Troubleshoot captures ARP on the holder: the ladder with the request and the reply, the packet table, and the verdict naming the holder', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await page.goto(serve.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Troubleshoot' }).click();
  await page.getByRole('combobox', { name: 'Cluster' }).selectOption(cluster.name);
  const row = page.getByRole('listitem', { name: 'Check default/web', exact: true });
  await expect(row.getByRole('button', { name: 'Capture ARP' })).toBeEnabled();
  await row.getByRole('button', { name: 'Capture ARP' }).click();

  const result = page.getByRole('region', { name: 'Capture of default/web' });
  const holder = JSON.parse(
    kubectlOk(cluster, ['get', 'lease', '-n', 'kube-system', 'cilium-l2announce-default-web', '-o', 'json']),
  ).spec.holderIdentity as string;
  const mac = docker(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.MacAddress}}{{end}}', holder]).trim();
  const ip = kubectlOk(cluster, ['get', 'svc', 'web', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']).trim();
  await expect(result.getByRole('status')).toHaveText('Lease holder answered', { timeout: 60_000 });
  await expect(result).toContainText(
    `${holder} (${mac}) answered for ${ip}: it holds the lease cilium-l2announce-default-web`,
  );
  const ladder = result.getByRole('img', { name: 'ARP ladder' });
  await expect(ladder).toContainText(`who has ${ip}? tell`);
  await expect(ladder).toContainText(`${ip} is at ${mac}`);
  await expect(ladder).toContainText(`${holder} (${mac})`);
  const table = result.getByRole('table', { name: 'Decoded ARP packets' });
  await expect(table.getByRole('row').filter({ hasText: 'reply (2)' }).first()).toContainText(mac);
  await expect(table.getByRole('row').filter({ hasText: 'request (1)' }).first()).toContainText(ip);
  await expect(result).toContainText('Saved for Wireshark:');
  await page.screenshot({ path: join(import.meta.dirname, 'artifacts/troubleshoot-capture.png'), fullPage: true });

  // Ping a node from this machine; the service's Ping proves it with TCP + ARP instead of ICMP.
  const worker = page.getByRole('listitem', { name: `Node ${cluster.name}-worker`, exact: true });
  await worker.getByRole('button', { name: `Ping ${cluster.name}-worker` }).click();
  await expect(page.getByRole('region', { name: `Ping result for ${cluster.name}-worker` })).toContainText(
    /answered \d of 3 pings from this machine/,
  );
  await row.getByRole('button', { name: 'Ping', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Ping default/web' })).toContainText('cilium/cilium#14118');
});

test('Troubleshoot runs the failover drill only after confirmation, and draws its timeline', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(serve.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Troubleshoot' }).click();
  await page.getByRole('combobox', { name: 'Cluster' }).selectOption(cluster.name);
  const row = page.getByRole('listitem', { name: 'Check default/web', exact: true });
  const holder = JSON.parse(
    kubectlOk(cluster, ['get', 'lease', '-n', 'kube-system', 'cilium-l2announce-default-web', '-o', 'json']),
  ).spec.holderIdentity as string;
  await row.getByRole('button', { name: 'Failover drill' }).click();
  const dialog = page.getByRole('dialog', { name: 'Confirm the failover drill' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  expect(docker(['inspect', '-f', '{{.State.Running}}', holder]).trim()).toBe('true');

  await row.getByRole('button', { name: 'Failover drill' }).click();
  await dialog.getByRole('button', { name: `Stop ${holder} and measure` }).click();
  const result = page.getByRole('region', { name: 'Failover of default/web' });
  await expect(result).toContainText(`took the lease over from ${holder}`, { timeout: 90_000 });
  await expect(result).toContainText('sampled every 100 ms');
  const timeline = result.getByRole('img', { name: 'Failover timeline' });
  await expect(timeline).toContainText('holds the lease cilium-l2announce-default-web');
  await expect(timeline).toContainText('announced');
  await expect(timeline).toContainText(`${holder} started again`);
  // One definition of downtime, shown (issue 28): the figure is the span between the timeline's two marks.
  const [, downtime, from, to] = (await result.innerText())
    .match(/downtime (\d+) ms = from the last HTTP answer \((-?\d+) ms\) to the first again \((-?\d+) ms\)/)!
    .map(Number);
  expect(downtime).toBe(to! - from!);
  await expect(timeline).toContainText(`${from} ms · last HTTP answer before the outage`);
  await expect(timeline).toContainText(`${to} ms · HTTP answers again`);
  expect(docker(['inspect', '-f', '{{.State.Running}}', holder]).trim()).toBe('true');
  await page.screenshot({ path: join(import.meta.dirname, 'artifacts/troubleshoot-failover.png'), fullPage: true });
});

test('offline: the image question names the image and why; a failed pull is explained inline with KINDSCOPE_CAPTURE_IMAGE and docker load', async ({
  page,
}) => {
  test.setTimeout(120_000);
  // A registry on a closed loopback port: the pull fails as it does offline.
  const image = `127.0.0.1:9/kindscope-i28-${randomBytes(3).toString('hex')}:v1`;
  const offline = await startServe({ ...cluster.env, KINDSCOPE_CAPTURE_IMAGE: image });
  try {
    await page.goto(offline.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Troubleshoot' }).click();
    await page.getByRole('combobox', { name: 'Cluster' }).selectOption(cluster.name);
    const row = page.getByRole('listitem', { name: 'Check default/web', exact: true });
    await row.getByRole('button', { name: 'Failover drill' }).click();
    await page
      .getByRole('dialog', { name: 'Confirm the failover drill' })
      .getByRole('button', { name: /^Stop / })
      .click();
    const ask = page.getByRole('alertdialog', { name: 'Pull the capture image?' });
    await expect(ask).toContainText('The failover drill listens with tcpdump on every node');
    await expect(ask).toContainText(image);
    await ask.getByRole('button', { name: 'Pull and run the drill' }).click();
    const failed = row.getByRole('alert');
    await expect(failed).toContainText('The failover drill could not run', { timeout: 60_000 });
    await expect(failed).toContainText(`Pulling ${image} failed`);
    await expect(failed).toContainText('KINDSCOPE_CAPTURE_IMAGE');
    await expect(failed).toContainText('docker load -i');
    await page.screenshot({
      path: join(import.meta.dirname, 'artifacts/troubleshoot-capture-offline.png'),
      fullPage: true,
    });
  } finally {
    await offline.stop();
  }
});
