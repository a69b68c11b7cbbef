import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startLabCluster, type LabCluster } from './lab/lab-cluster.ts';
import { docker } from './lab/require-docker.ts';
import { TopologyPage } from './pages/topology-page.ts';
import { startServe, type ServeProcess } from './support/serve-process.ts';

let cluster: LabCluster;
let serve: ServeProcess;

test.beforeAll(async () => {
  cluster = await startLabCluster({ workers: 2 });
  serve = await startServe(cluster.env);
});

test.afterAll(async () => {
  await serve?.stop();
  await cluster?.down();
});

test('the topology shows the bridge, each veth pair and node, and follows a node stopping', async ({ page }) => {
  const topology = new TopologyPage(page);
  await page.goto(serve.url);
  // Home lists the cluster (found from Docker labels); its link opens the Topology.
  const listed = page.getByRole('list', { name: 'Kind clusters' }).getByRole('listitem').filter({ hasText: cluster.name });
  await expect(listed.getByRole('status')).toHaveText('3/3 nodes running');
  await listed.getByRole('link', { name: cluster.name }).click();
  await expect(topology.heading).toBeVisible();
  await expect(topology.cluster).toHaveValue(cluster.name);

  const networkId: string = JSON.parse(docker(['network', 'inspect', 'kind']))[0].Id;
  const bridge = topology.bridge(`br-${networkId.slice(0, 12)}`);
  await expect(bridge).toBeVisible();
  const hostLinks: { ifindex: number; ifname: string }[] = JSON.parse(spawnSync('ip', ['-j', 'link', 'show'], { encoding: 'utf8' }).stdout);
  for (const name of cluster.nodeNames) {
    const iflink = Number(docker(['exec', name, 'cat', '/sys/class/net/eth0/iflink']).trim());
    const veth = hostLinks.find((link) => link.ifindex === iflink)!.ifname;
    const node = topology.node(name);
    await expect(node).toContainText(veth);
    await expect(node).toContainText(docker(['inspect', '--format', '{{.NetworkSettings.Networks.kind.IPAddress}}', name]).trim());
    await expect(node.getByRole('status')).toHaveText('running');
  }
  await expect(topology.host.getByRole('status')).toHaveText('Reaches the nodes');
  await page.screenshot({ path: join(import.meta.dirname, 'artifacts/topology.png'), fullPage: true });

  const worker2 = `${cluster.name}-worker2`;
  docker(['stop', '-t', '1', worker2]);
  await expect(topology.node(worker2).getByRole('status')).toHaveText('exited');
  await expect(topology.node(worker2)).toContainText('no veth');
  docker(['start', worker2]);
  await expect(topology.node(worker2).getByRole('status')).toHaveText('running');
});
