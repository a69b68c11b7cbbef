import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { kubectlOk } from './lab/lab-api.ts';
import { startLabCluster, type LabCluster } from './lab/lab-cluster.ts';
import { docker } from './lab/require-docker.ts';
import { TopologyPage } from './pages/topology-page.ts';
import { startServe, type ServeProcess } from './support/serve-process.ts';

// Issue 28: the picture legible at a glance, on a 3-node lab with four LoadBalancer services.
let cluster: LabCluster;
let serve: ServeProcess;
const artifacts = join(import.meta.dirname, 'artifacts');
const services = ['web', 'api', 'db', 'cache'] as const;

test.describe.configure({ mode: 'serial', timeout: 240_000 });

test.beforeAll(async () => {
  cluster = await startLabCluster({
    name: `i28-${randomBytes(3).toString('hex')}`,
    workers: 2,
    cilium: { pool: 'auto' },
  });
  kubectlOk(cluster, ['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
  for (const name of services)
    kubectlOk(cluster, ['expose', 'deployment', 'web', `--name=${name}`, '--type=LoadBalancer', '--port=80']);
  serve = await startServe(cluster.env);
});

test.afterAll(async () => {
  await serve?.stop();
  await cluster?.down();
});

const holderOf = (service: string) =>
  JSON.parse(
    kubectlOk(cluster, ['get', 'lease', '-n', 'kube-system', `cilium-l2announce-default-${service}`, '-o', 'json']),
  ).spec.holderIdentity as string;

async function openTopology(page: Page): Promise<TopologyPage> {
  const topology = new TopologyPage(page);
  await page.goto(serve.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Topology' }).click();
  await topology.cluster.selectOption(cluster.name);
  return topology;
}

/** The smallest text on screen in the graph's boxes and line labels: computed font size × the viewport's zoom. */
function smallestText(page: Page) {
  return page.evaluate(() => {
    const viewport = document.querySelector<HTMLElement>('.react-flow__viewport')!;
    const zoom = new DOMMatrixReadOnly(getComputedStyle(viewport).transform).a;
    const texts = [
      ...document.querySelectorAll<HTMLElement>(
        '.graph-box-title, .graph-box-line, .lease-label div, .react-flow__edge-text',
      ),
    ].filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden');
    const sizes = texts.map((el) => parseFloat(getComputedStyle(el).fontSize) * zoom);
    return { count: sizes.length, min: Math.min(...sizes), zoom };
  });
}

/** The node box nearest above a service box's top: the node it is drawn beside. */
function besideWhich(page: Page, service: string) {
  return page.evaluate((id) => {
    const box = (sel: string) => document.querySelector<HTMLElement>(sel)!.getBoundingClientRect();
    const svc = box(`.react-flow__node[data-id="${CSS.escape(id)}"]`);
    const nodes = [...document.querySelectorAll<HTMLElement>('.react-flow__node[data-id^="node:"]')].map((el) => ({
      name: el.dataset.id!.slice('node:'.length),
      rect: el.getBoundingClientRect(),
    }));
    const right = Math.max(...nodes.map((n) => n.rect.right));
    const above = nodes.filter((n) => n.rect.top <= svc.top + 1).sort((a, b) => b.rect.top - a.rect.top)[0];
    return { rightOfNodes: svc.left > right, beside: above?.name };
  }, `svc:default/${service}`);
}

for (const [width, height] of [
  [1024, 768],
  [1280, 800],
] as const) {
  test(`at ${width}×${height} the first view's text is at least 11 px and every lease line names its holder`, async ({
    page,
  }) => {
    await page.setViewportSize({ width, height });
    const topology = await openTopology(page);
    for (const name of services) {
      const holder = holderOf(name);
      await expect(topology.item(new RegExp(`^Service default/${name} `))).toBeVisible({ timeout: 60_000 });
      await expect(
        page
          .locator('.lease-label')
          .filter({ hasText: `lease held by ${holder}` })
          .first(),
      ).toBeVisible();
    }
    // Each service sits right of the nodes, beside the node that holds its lease.
    for (const name of services)
      expect(await besideWhich(page, name)).toEqual({ rightOfNodes: true, beside: holderOf(name) });
    await page.waitForTimeout(400); // the first view's 200 ms move to settle before measuring
    const text = await smallestText(page);
    expect(text.count).toBeGreaterThan(10);
    expect(text.min).toBeGreaterThanOrEqual(11);
    // The legend and the minimap are out of the way until asked for.
    await expect(page.getByRole('list', { name: 'Legend' })).toHaveCount(0);
    await page.getByRole('button', { name: 'Legend' }).click();
    await expect(page.getByRole('list', { name: 'Legend' })).toBeVisible();
    await page.screenshot({ path: join(artifacts, `topology-legible-${width}x${height}.png`) });
    await page.getByRole('button', { name: 'Legend' }).click();
  });
}

test('Tab goes box to box, the details follow the arrow keys, and the selected cluster survives a reload', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const topology = await openTopology(page);
  const worker = `${cluster.name}-worker`;
  await expect(topology.node(worker)).toBeVisible({ timeout: 60_000 });
  // Lines are not tab stops: the first Tab into the graph lands on a box.
  await topology.host().focus();
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.classList.contains('react-flow__node'))).toBe(true);
  await topology.node(worker).focus();
  await page.keyboard.press('ArrowLeft');
  await expect(topology.item(new RegExp(`^veth pair .* of ${worker}$`))).toBeFocused();
  await expect(topology.details).toBeVisible();
  await expect(topology.details).toContainText(worker);

  await topology.view('Tables').click();
  await expect(page.getByText('Export draws the graph: switch to Graph.')).toBeVisible();
  const tables = page.locator('.tables > section, .tables > div');
  await expect(tables.first()).toContainText('Services');
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.screenshot({ path: join(artifacts, 'topology-tables-1024.png'), fullPage: true });
  await topology.view('Graph').click();

  await page.reload();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Topology' }).click();
  await expect(topology.cluster).toHaveValue(cluster.name);
});

test('stopping the holder moves its service box beside the new holder and relabels its line, without Refresh', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const topology = await openTopology(page);
  const holder = holderOf('web');
  await expect(
    page
      .locator('.lease-label')
      .filter({ hasText: `lease held by ${holder}` })
      .first(),
  ).toBeVisible({
    timeout: 60_000,
  });
  docker(['stop', '-t', '1', holder]);
  try {
    await expect.poll(() => holderOf('web'), { timeout: 60_000 }).not.toBe(holder);
    const next = holderOf('web');
    await expect(
      topology.lease(
        kubectlOk(cluster, ['get', 'svc', 'web', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']).trim(),
        next,
      ),
    ).toHaveCount(1, { timeout: 60_000 });
    await expect
      .poll(() => besideWhich(page, 'web'), { timeout: 30_000 })
      .toEqual({ rightOfNodes: true, beside: next });
    await page.screenshot({ path: join(artifacts, 'topology-legible-moved.png') });
  } finally {
    docker(['start', holder]);
  }
});
