import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { labEnv } from './lab/lab-cluster.ts';
import { docker, requireDocker } from './lab/require-docker.ts';
import { CreateLabPage } from './pages/create-lab-page.ts';
import { TopologyPage } from './pages/topology-page.ts';
import { startServe, type ServeProcess } from './support/serve-process.ts';

/**
 * Issue 29 in the browser, one BGP lab for the whole file (CI time): the wizard with BGP chosen
 * and two workers builds it and ends with the sample IP answering through the router; Topology
 * draws the router, one session line per worker and the IP's next hops; `docker stop` of a
 * worker removes its next hop at the router within the hold time, and in the open page.
 */
const artifacts = join(import.meta.dirname, 'artifacts');
const suffix = randomBytes(3).toString('hex');
const name = `b29-${suffix}`;
const network = `ks-b29-${suffix}`;
const router = `${name}-router`;
const [worker, worker2] = [`${name}-worker`, `${name}-worker2`];
/** The plan's lab timer (bgp.holdTimeSeconds, the wizard's default). */
const holdTimeMs = 9_000;
/** A block outside any kind network, unlikely to be another lab's at the same moment. */
const pool = `10.253.${randomBytes(1)[0]}.0/25`;
let home: string;
let env: NodeJS.ProcessEnv;
let serve: ServeProcess;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  requireDocker();
  mkdirSync(artifacts, { recursive: true });
  home = mkdtempSync(join(tmpdir(), 'kindscope-b29-'));
  // Its own kind network, so the pool is carved beside no other test's cluster.
  env = labEnv({ KUBECONFIG: join(home, 'kubeconfig'), KIND_EXPERIMENTAL_DOCKER_NETWORK: network });
  serve = await startServe(env);
});

test.afterAll(async () => {
  await serve?.stop();
  spawnSync('kind', ['delete', 'cluster', '--name', name], { env, encoding: 'utf8', timeout: 120_000 });
  // What the run made beside kind, by this file's unique names (the run's cleanup is not what is tested here).
  spawnSync('docker', ['rm', '--force', router], { encoding: 'utf8' });
  spawnSync('docker', ['network', 'rm', `${name}-lb`], { encoding: 'utf8' });
  spawnSync('docker', ['network', 'rm', network], { encoding: 'utf8' });
  if (home) rmSync(home, { recursive: true, force: true });
});

const shot = (page: Page, file: string) => page.screenshot({ path: join(artifacts, file) });

/** The router's installed next hops for an IP, read from FRR itself (the test's own measurement). */
function routerHops(ip: string): string[] {
  const table = JSON.parse(docker(['exec', router, 'vtysh', '-c', `show ip route ${ip}/32 json`]) || '{}') as Record<
    string,
    { protocol: string; nexthops: { ip?: string; fib?: boolean }[] }[]
  >;
  return (table[`${ip}/32`] ?? [])
    .filter((r) => r.protocol === 'bgp')
    .flatMap((r) => r.nexthops.filter((h) => h.fib && h.ip).map((h) => h.ip!))
    .sort();
}

const nodeIp = (node: string) =>
  docker(['inspect', '--format', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, node]).trim();

test('the wizard with BGP and two workers builds the lab; the graph shows the router, its sessions and the next hops; a stopped worker’s next hop goes, at the router and in the page', async ({
  page,
}) => {
  test.setTimeout(600_000);
  await page.setViewportSize({ width: 1366, height: 860 });
  await page.goto(serve.url);
  const lab = new CreateLabPage(page);
  await lab.open();
  await lab.name.fill(name);
  await expect(page.getByRole('status', { name: 'Plan check' })).toHaveText('Plan checked');
  await expect(page.getByRole('spinbutton', { name: 'Workers' })).toHaveValue('2');
  await lab.goNext('Cilium');
  await lab.goNext('Load balancing');

  // L2 is the default, as in the article; BGP is the other choice, with its fields.
  const announce = page.getByRole('group', { name: 'Announce LoadBalancer IPs with' });
  await expect(announce.getByRole('radio', { name: /^L2 announcements/ })).toBeChecked();
  await announce.getByRole('radio', { name: /^BGP/ }).check();
  const routerAsn = page.getByRole('spinbutton', { name: 'Router’s ASN' });
  await expect(page.getByRole('spinbutton', { name: 'Nodes’ ASN' })).toHaveValue('65001');
  await expect(routerAsn).toHaveValue('65000');
  // A bad value is refused beside its field, naming it and the fix; Next waits.
  await routerAsn.fill('65001');
  const asnField = page.locator('.wizard-field').filter({ has: routerAsn });
  await expect(asnField).toContainText('The nodes and the router share ASN 65001');
  await expect(asnField).toContainText('Give the router another private ASN, e.g. 65000.');
  await expect(lab.next).toBeDisabled();
  await routerAsn.fill('70000');
  await expect(asnField).toContainText('ASN 70000 is not a private ASN');
  await routerAsn.fill('65000');
  await expect(asnField.locator('.field-finding')).toHaveCount(0);
  await expect(lab.next).toBeEnabled();
  await expect(page.getByRole('status', { name: 'Pool outside the kind network' })).toContainText(
    'the pool lies outside the kind network',
  );
  // A block of this file's own: auto would carve the first free block, the same as another BGP lab
  // being made at the same moment on this engine (both runs check it free, then both create its network).
  await lab.poolCidr.fill(pool);
  await expect(lab.poolCidr).toHaveValue(pool);
  await expect(lab.next).toBeEnabled();
  await shot(page, 'bgp-1-load-balancing.png');
  await lab.goNext('Sample app');
  await lab.goNext('Review');
  // The plan preview shows the BGP objects (and the router's configuration), not an L2 policy.
  await page.getByRole('tab', { name: 'BGP objects' }).click();
  const preview = page.getByRole('tabpanel');
  for (const kind of ['CiliumBGPClusterConfig', 'CiliumBGPPeerConfig', 'CiliumBGPAdvertisement'])
    await expect(preview).toContainText(`kind: ${kind}`);
  await expect(page.getByRole('tab', { name: 'L2 policy manifest' })).toHaveCount(0);
  await shot(page, 'bgp-2-review.png');

  await lab.create.click();
  await expect(page.getByRole('heading', { level: 1, name: `Building ${name}` })).toBeVisible();
  // Ends either way; a failure names its step and error at once instead of waiting out the timeout.
  await expect(lab.runState).toHaveText(/^(Done|Failed)$/, { timeout: 480_000 });
  if ((await lab.runState.textContent()) === 'Failed')
    throw new Error(`the run failed: ${await page.getByRole('main').innerText()}`);
  await expect(lab.step('Prove the IP answers from this machine through the router')).toHaveAccessibleName(/done/);
  await shot(page, 'bgp-3-run-done.png');

  // The sample IP answers from here, and the router has it through both workers (ECMP).
  const ip = spawnSync(
    'kubectl',
    ['--context', `kind-${name}`, 'get', 'svc', 'web', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}'],
    { env, encoding: 'utf8' },
  ).stdout.trim();
  expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  expect((await fetch(`http://${ip}/`)).ok).toBe(true);
  const [ip1, ip2] = [nodeIp(worker), nodeIp(worker2)];
  expect(routerHops(ip)).toEqual([ip1, ip2].sort());
  // The run view says so, with the hops the verification named.
  await expect(lab.runRow(ip).getByRole('status', { name: 'Reachability' })).toHaveText('Reachable');
  await expect(lab.result.getByRole('list', { name: 'Path from this machine through the router' })).toContainText(
    `the router installed ${ip}/32 via`,
  );

  // The picture: the router, one session line per worker, the IP's two next hops.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Topology' }).click();
  const topology = new TopologyPage(page);
  await topology.cluster.selectOption(name);
  // The first layout starts the ELK worker: slow on a loaded machine.
  await expect(topology.item(`Router ${router} (BGP)`)).toBeVisible({ timeout: 90_000 });
  const session = (node: string, nodeAddress: string) =>
    topology.item(new RegExp(`^BGP session ${router} ⇄ ${node} \\(${nodeAddress.replaceAll('.', '\\.')}\\)`));
  const nextHop = (node: string, nodeAddress: string) =>
    topology.item(
      new RegExp(
        `^${ip.replaceAll('.', '\\.')} — the router's next hop ${nodeAddress.replaceAll('.', '\\.')} \\(${node}\\), installed`,
      ),
    );
  await expect(session(worker, ip1)).toHaveCount(1);
  await expect(session(worker2, ip2)).toHaveCount(1);
  await expect(session(worker, ip1)).toHaveAccessibleName(/measured at the router .*: Established/);
  await expect(nextHop(worker, ip1)).toHaveCount(1);
  await expect(nextHop(worker2, ip2)).toHaveCount(1);
  await expect(topology.graph.getByText('router: 2 next hops (ECMP)')).toBeVisible();
  await shot(page, 'bgp-4-topology.png');

  // The router's table in plain words in its side panel.
  const viewportTransform = () =>
    page.evaluate(() => getComputedStyle(document.querySelector('.react-flow__viewport')!).transform);
  const beforeSelect = await viewportTransform();
  await topology.item(`Router ${router} (BGP)`).click({ timeout: 30_000 });
  const table = topology.details.getByRole('list', { name: "The router's table" });
  await expect(table).toContainText(`${ip}/32 (default/web): learned from ${worker} and ${worker2}`);
  await expect(table).toContainText('ECMP');
  await expect(topology.details.getByRole('list', { name: 'Sessions claimed by the nodes' })).toContainText(worker2);
  // Its path is lit and fitted, at a zoom where the graph's text stays readable beside the panel
  // (11.5 px × ≥ 0.96; before, the fit shrank it to ~6 px).
  await expect.poll(viewportTransform).not.toBe(beforeSelect);
  await page.waitForTimeout(500); // the fit's 250 ms animation ends
  const zoom = await page.evaluate(
    () => new DOMMatrixReadOnly(getComputedStyle(document.querySelector('.react-flow__viewport')!).transform).a,
  );
  expect(zoom).toBeGreaterThanOrEqual(0.95);
  await shot(page, 'bgp-5-router-details.png');

  // The SVG export carries the router and its lines.
  const download = page.waitForEvent('download');
  await topology.exportSvg.click();
  const svg = readFileSync((await (await download).path())!, 'utf8');
  expect(svg).toContain(`<title>Router ${router} (BGP)</title>`);
  expect(svg).toContain('BGP session (router-measured)');

  // A worker stops: its speaker closes the session and the router withdraws that next hop within the hold time.
  docker(['stop', worker2]);
  const stopped = Date.now();
  await expect.poll(() => routerHops(ip), { timeout: holdTimeMs, intervals: [200] }).toEqual([ip1]);
  test.info().annotations.push({ type: 'withdrawn after', description: `${Date.now() - stopped} ms` });
  // …and in the open page, without a reload.
  await expect(nextHop(worker2, ip2)).toHaveCount(0);
  await expect(session(worker2, ip2)).toHaveCount(0);
  await expect(nextHop(worker, ip1)).toHaveCount(1);
  await expect(topology.graph.getByText('router: 1 next hop', { exact: true })).toBeVisible();
  await shot(page, 'bgp-6-worker2-stopped.png');
});
