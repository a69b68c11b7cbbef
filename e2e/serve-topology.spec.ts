import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { kubectlOk } from './lab/lab-api.ts';
import { startLabCluster, type LabCluster } from './lab/lab-cluster.ts';
import { docker } from './lab/require-docker.ts';
import { TopologyPage } from './pages/topology-page.ts';
import { startServe, type ServeProcess } from './support/serve-process.ts';

let cluster: LabCluster;
let serve: ServeProcess;
const artifacts = join(import.meta.dirname, 'artifacts');

test.describe.configure({ mode: 'serial', timeout: 240_000 });

test.beforeAll(async () => {
  cluster = await startLabCluster({
    name: `i17-${randomBytes(3).toString('hex')}`,
    workers: 2,
    cilium: { pool: 'auto' },
  });
  for (const [name, port] of [
    ['web', '80'],
    ['api', '8080'],
  ] as const) {
    kubectlOk(cluster, ['create', 'deployment', name, '--image=nginx', '--replicas=2']);
    kubectlOk(cluster, ['expose', 'deployment', name, '--type=LoadBalancer', `--port=${port}`]);
  }
  serve = await startServe(cluster.env);
});

test.afterAll(async () => {
  await serve?.stop();
  await cluster?.down();
});

const externalIP = (service: string) =>
  kubectlOk(cluster, ['get', 'svc', service, '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']).trim();
const holderOf = (service: string) =>
  JSON.parse(
    kubectlOk(cluster, ['get', 'lease', '-n', 'kube-system', `cilium-l2announce-default-${service}`, '-o', 'json']),
  ).spec.holderIdentity as string;

async function openTopology(page: Page): Promise<TopologyPage> {
  const topology = new TopologyPage(page);
  await page.goto(serve.url);
  const listed = page
    .getByRole('list', { name: 'Kind clusters' })
    .getByRole('listitem')
    .filter({ hasText: cluster.name });
  await expect(listed.getByRole('status')).toHaveText('3/3 nodes running');
  await listed.getByRole('link', { name: cluster.name }).click();
  await expect(topology.heading).toBeVisible();
  await expect(topology.cluster).toHaveValue(cluster.name);
  return topology;
}

test('the graph draws bridge, veth pairs, nodes, pod CIDRs and each IP joined to its lease holder; a failover moves the line live', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const topology = await openTopology(page);
  const networkId: string = JSON.parse(docker(['network', 'inspect', 'kind']))[0].Id;
  await expect(topology.bridge(`br-${networkId.slice(0, 12)}`)).toBeVisible();
  await expect(topology.host()).toBeVisible();

  const hostLinks: { ifindex: number; ifname: string }[] = JSON.parse(
    spawnSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' }).stdout,
  );
  const podCIDRs: Record<string, string> = Object.fromEntries(
    JSON.parse(kubectlOk(cluster, ['get', 'nodes', '-o', 'json'])).items.map(
      (n: { metadata: { name: string }; spec: { podCIDR: string } }) => [n.metadata.name, n.spec.podCIDR],
    ),
  );
  for (const name of cluster.nodeNames) {
    // The pair as `ip link` names it: the host side by its ifname, the node side as eth0@if<host ifindex>.
    const iflink = Number(docker(['exec', name, 'cat', '/sys/class/net/eth0/iflink']).trim());
    const veth = hostLinks.find((link) => link.ifindex === iflink)!.ifname;
    await expect(topology.item(`veth pair ${veth} ⇄ eth0@if${iflink} of ${name}`)).toBeVisible();
    const node = topology.node(name);
    await expect(node).toContainText(
      docker(['inspect', '--format', '{{.NetworkSettings.Networks.kind.IPAddress}}', name]).trim(),
    );
    await expect(node).toContainText('running · Ready');
    await expect(topology.item(`Pod CIDR ${podCIDRs[name]} of ${name}`)).toContainText('cilium_host');
  }
  await expect(topology.item(/^Tunnel overlay between nodes, MTU 1450$/)).toBeVisible();

  const ips = { web: externalIP('web'), api: externalIP('api') };
  for (const service of ['web', 'api'] as const) {
    await expect(topology.item(`Service default/${service} ${ips[service]}`)).toBeVisible();
    await expect(topology.lease(ips[service], holderOf(service))).toHaveCount(1);
  }

  // Selecting the IP lights its path: the holder, its veth pair, the bridge and this machine.
  const holder = holderOf('web');
  await topology.item(`Service default/web ${ips.web}`).click();
  await expect(topology.details).toContainText(`held by ${holder}`);
  for (const lit of [
    topology.node(holder),
    topology.item(new RegExp(`^veth pair .* of ${holder}$`)),
    topology.bridge(`br-${networkId.slice(0, 12)}`),
    topology.host(),
    topology.lease(ips.web, holder),
  ]) {
    await expect(lit).toHaveAttribute('data-lit', 'true');
  }
  const other = cluster.nodeNames.find((n) => n.endsWith('-worker') || n.endsWith('-worker2'))!;
  const bystander =
    other === holder ? cluster.nodeNames.find((n) => n !== holder && !n.endsWith('control-plane'))! : other;
  await expect(topology.node(bystander)).not.toHaveAttribute('data-lit', 'true');

  // Stopping the holder: the IP's line moves to the other worker in the open page, the old one is gone.
  docker(['stop', '-t', '1', holder]);
  await expect(topology.lease(ips.web, bystander)).toHaveCount(1, { timeout: 60_000 });
  await expect(topology.lease(ips.web, holder)).toHaveCount(0);
  await expect(topology.node(holder)).toContainText('exited');
  await expect(topology.item(`veth pair of ${holder}: none (container exited)`)).toBeVisible();
  await page.screenshot({ path: join(artifacts, 'topology-failover.png') });

  // It comes back with all of its routes, without Refresh (they are re-read until they settle).
  docker(['start', holder]);
  await expect(topology.node(holder)).toContainText('running');
  await topology.node(holder).click();
  const routes = topology.details.getByRole('list', { name: `Routes of ${holder}` }).getByRole('listitem');
  const expected = docker(['exec', holder, 'ip', 'route', 'show']).trim().split('\n').length;
  await expect(routes).toHaveCount(expected, { timeout: 60_000 });
});

test('selecting a node explains its routes; arrow keys move between boxes; tables and the SVG carry the same facts', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const topology = await openTopology(page);
  const worker = `${cluster.name}-worker`;
  await topology.node(worker).click();
  const routes = topology.details.getByRole('list', { name: `Routes of ${worker}` });
  await expect(routes.getByRole('listitem').first()).toBeVisible();
  // The kind network's own gateway: on an engine where other networks came first it is not 172.18.0.1.
  const gateway = docker(['network', 'inspect', 'kind', '--format', '{{range .IPAM.Config}}{{.Gateway}} {{end}}'])
    .split(' ')
    .find((g) => g.includes('.'))!;
  await expect(routes).toContainText(`default via ${gateway} dev eth0`);
  await expect(routes).toContainText('Everything else leaves through eth0');

  // Keyboard: Enter selects the focused box, ArrowLeft follows its line upstream to its veth pair.
  await topology.node(worker).focus();
  await page.keyboard.press('ArrowLeft');
  await expect(topology.item(new RegExp(`^veth pair .* of ${worker}$`))).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(topology.details.getByRole('heading', { name: worker })).toBeVisible();

  const ips = [externalIP('web'), externalIP('api')];
  const download = page.waitForEvent('download');
  await topology.exportSvg.click();
  const svg = readFileSync((await (await download).path())!, 'utf8');
  const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  for (const name of [...cluster.nodeNames, ...ips]) expect(texts).toContain(name);
  expect(svg).not.toContain('foreignObject');

  await topology.view('Tables').click();
  const services = topology.table('Services');
  for (const ip of ips) await expect(services).toContainText(ip);
  await services.getByRole('searchbox', { name: 'Filter Services' }).fill(ips[1]!);
  await expect(services.getByRole('row')).toHaveCount(2);
  // Copy gives what is shown, as tab-separated text.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: serve.origin });
  await services.getByRole('button', { name: 'Copy Services' }).click();
  await expect(services.getByRole('button', { name: 'Copied' })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied.split('\n')[0]).toBe('Service\tExternal IP\tLease held by\tAnswered ARP\tEndpoints\tWhy');
  expect(copied).toContain(`default/api\t${ips[1]}\t`);
  expect(copied).not.toContain(ips[0]!);
  await expect(topology.table('Pools').getByRole('meter')).toHaveCount(1);
  const nodes = topology.table('Nodes');
  await nodes.getByRole('button', { name: 'Name' }).click();
  await expect(nodes.getByRole('row').nth(1)).toContainText(`${cluster.name}-worker2`);
  await topology.view('Graph').click();

  for (const colorScheme of ['light', 'dark'] as const) {
    for (const [width, height] of [
      [1280, 800],
      [1024, 700],
    ] as const) {
      await page.emulateMedia({ colorScheme });
      await page.setViewportSize({ width, height });
      const close = page.getByRole('button', { name: 'Close details' });
      if (await close.isVisible()) await close.click();
      await page.getByRole('button', { name: 'Fit View' }).click();
      await expect(topology.node(worker)).toBeInViewport();
      await page.screenshot({ path: join(artifacts, `topology-${colorScheme}-${width}x${height}.png`) });
    }
  }
});

test.describe('a native-routing lab with one worker holding 21 LoadBalancer IPs', () => {
  let native: LabCluster;
  let nativeServe: ServeProcess;

  test.beforeAll(async () => {
    native = await startLabCluster({
      name: `i17-${randomBytes(3).toString('hex')}`,
      workers: 1,
      cilium: { pool: 'auto', routing: 'native' },
    });
    kubectlOk(native, ['create', 'deployment', 'web', '--image=nginx', '--replicas=1']);
    const services = Array.from({ length: 21 }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `web-${i}` },
      spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80 }] },
    }));
    kubectlOk(native, ['apply', '-f', '-'], services.map((service) => JSON.stringify(service)).join('\n'));
    nativeServe = await startServe(native.env);
  });

  test.afterAll(async () => {
    await nativeServe?.stop();
    await native?.down();
  });

  test('native routes are drawn via node IPs, and 21 services on one node collapse into a group that expands on click', async ({
    page,
  }) => {
    const topology = new TopologyPage(page);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(nativeServe.url);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Topology' }).click();
    await topology.cluster.selectOption(native.name);
    const network = JSON.parse(docker(['network', 'inspect', 'kind']))[0];
    await expect(topology.item(`Native routing over br-${(network.Id as string).slice(0, 12)}`)).toBeVisible();
    // Via the other node's address on the kind network (Docker gave it whatever subnet was free).
    const firstOctets = (network.IPAM.Config as { Subnet: string }[])
      .find((c) => c.Subnet.includes('.'))!
      .Subnet.split('.')
      .slice(0, 2)
      .join('\\.');
    await expect(
      topology.item(
        new RegExp(`^Native routes of ${native.name}-worker: 10\\.244\\.\\d+\\.0/24 via ${firstOctets}\\.`),
      ),
    ).toHaveCount(1);
    await expect(topology.item(/^Tunnel overlay/)).toHaveCount(0);

    const worker = `${native.name}-worker`;
    const group = topology.item(`21 LoadBalancer services held by ${worker}`);
    await expect(group).toContainText('21 services', { timeout: 60_000 });
    await expect(topology.item(/^Service default\/web-\d+ /)).toHaveCount(0);
    await group.click();
    await expect(topology.item(/^Service default\/web-\d+ /)).toHaveCount(21);
    await expect(group).toHaveCount(0);
    await expect(topology.details.getByRole('heading', { name: worker })).toBeVisible();
    await expect(topology.item(/^Service default\/web-7 /)).toHaveAttribute('data-lit', 'true');
    await page.screenshot({ path: join(artifacts, 'topology-native-expanded.png') });
  });
});
