import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { kubectlOk } from './lab/lab-api.ts';
import { startLabCluster, type LabCluster } from './lab/lab-cluster.ts';
import { docker } from './lab/require-docker.ts';
import { startServe, type ServeProcess } from './support/serve-process.ts';

let cluster: LabCluster;
let serve: ServeProcess;

test.beforeAll(async () => {
  cluster = await startLabCluster({
    name: `i11-e2e-${randomBytes(2).toString('hex')}`,
    workers: 2,
    cilium: { pool: 'auto' },
  });
  kubectlOk(cluster, ['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
  kubectlOk(cluster, ['expose', 'deployment', 'web', '--type=LoadBalancer', '--port=80']);
  serve = await startServe(cluster.env);
});

test.afterAll(async () => {
  await serve?.stop();
  await cluster?.down();
});

test('Clusters shows who answers for each LoadBalancer IP, and explains one that is pending', async ({ page }) => {
  await page.goto(serve.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' }).click();
  // Clusters is a list (issue 16); Open shows the cluster's detail.
  await page
    .getByRole('row', { name: `Cluster ${cluster.name}` })
    .getByRole('link', { name: `Open ${cluster.name}` })
    .click();
  await expect(page.getByRole('combobox', { name: 'Cluster' })).toHaveValue(cluster.name);
  const web = page.getByRole('listitem', { name: 'Service default/web', exact: true });
  const holder = () =>
    JSON.parse(kubectlOk(cluster, ['get', 'lease', '-n', 'kube-system', 'cilium-l2announce-default-web', '-o', 'json']))
      .spec.holderIdentity as string;
  // The Lease's claim, never worded as an answer: no probe has run yet.
  await expect(web.getByRole('status').first()).toHaveText(/^lease held by /);
  await expect(web.getByRole('status').first()).toHaveText(`lease held by ${holder()}`);
  await expect(web).not.toContainText('answered ARP');
  await expect(web).toContainText(
    kubectlOk(cluster, ['get', 'svc', 'web', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']).trim(),
  );

  // A service outside every pool's selector: pushed live, with the reason and the fix.
  const pool = JSON.parse(kubectlOk(cluster, ['get', 'ippools', '-o', 'json'])).items[0].metadata.name;
  kubectlOk(cluster, [
    'patch',
    'ippool',
    pool,
    '--type=merge',
    '-p',
    '{"spec":{"serviceSelector":{"matchLabels":{"pool":"lab"}}}}',
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
  const picky = page.getByRole('listitem', { name: 'Service default/picky', exact: true });
  await expect(picky.getByRole('status')).toHaveText('pending');
  await expect(picky).toContainText("No pool's serviceSelector matches this service (labels: team=blue)");
  await expect(picky).toContainText('Fix: Label the service to match a pool');
  await page.screenshot({ path: join(import.meta.dirname, 'artifacts/clusters.png'), fullPage: true });

  // A stopped node: its container's state shows at once, Kubernetes' own view beside it.
  const worker2 = `${cluster.name}-worker2`;
  const nodes = page.getByRole('region', { name: 'Nodes' });
  await expect(nodes.getByRole('row', { name: new RegExp(worker2) })).toContainText('container running');
  docker(['stop', '-t', '0', worker2]);
  try {
    await expect(nodes.getByRole('row', { name: new RegExp(worker2) })).toContainText('container exited');
    await expect(nodes.getByRole('row', { name: new RegExp(worker2) })).toContainText('Kubernetes:');
  } finally {
    docker(['start', worker2]);
  }
  await expect(nodes.getByRole('row', { name: new RegExp(worker2) })).toContainText('container running');

  // The topology joins the Kubernetes side: in the graph, the IP's lease line from its holder, and the holder's pod CIDR box.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Topology' }).click();
  const ip = kubectlOk(cluster, ['get', 'svc', 'web', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']).trim();
  const graph = page.getByRole('region', { name: 'Topology graph' });
  await expect(
    graph.getByRole('group', { name: new RegExp(`^${ip.replaceAll('.', '\\.')} — lease held by ${holder()}`) }),
  ).toHaveCount(1);
  await expect(
    graph.getByRole('group', { name: new RegExp(`^Pod CIDR 10\\.244\\.\\d+\\.0/24 of ${holder()}$`) }),
  ).toContainText('cilium_host');
  await page.screenshot({ path: join(import.meta.dirname, 'artifacts/topology-cilium.png'), fullPage: true });

  // Troubleshoot: curl the IP from this machine; the answer and the node that answered ARP.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Troubleshoot' }).click();
  // The pending one says why and what to do where it is listed, before any check (issue 28).
  const pickyRow = page.getByRole('listitem', { name: 'Check default/picky', exact: true });
  await expect(pickyRow.getByRole('list', { name: 'Why default/picky' })).toContainText(
    "No pool's serviceSelector matches this service",
  );
  await expect(pickyRow).toContainText('Fix: Label the service to match a pool');
  const row = page.getByRole('listitem', { name: 'Check default/web', exact: true });
  await row.getByRole('button', { name: 'Check from this machine' }).click();
  const result = page.getByRole('region', { name: 'Result for default/web' });
  await expect(result.getByRole('status')).toHaveText('Answers');
  await expect(result).toContainText(`lease held by ${holder()}`);
  await expect(result).toContainText(`answered ARP: ${holder()}`);
  await expect(result).toContainText('Response: Hello from web-');
  await page.screenshot({ path: join(import.meta.dirname, 'artifacts/troubleshoot.png'), fullPage: true });
});
