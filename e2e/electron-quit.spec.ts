import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { startLabCluster, type LabCluster } from './lab/lab-cluster.ts';
import { docker, requireDocker } from './lab/require-docker.ts';
import { TopologyPage } from './pages/topology-page.ts';
import { electronTarget, launchKindscope } from './support/electron-app.ts';

const helpers = () =>
  new Set(
    docker(['ps', '-a', '--filter', 'label=io.kindscope.helper', '--format', '{{.ID}}']).split('\n').filter(Boolean),
  );

/**
 * Reading a cluster's topology starts the helper container (README: "removed when
 * Kindscope exits"); quitting the app must remove it and end the process with 0.
 */
if (electronTarget) {
  const target = electronTarget;
  let cluster: LabCluster | undefined;

  test.beforeAll(async () => {
    requireDocker();
    cluster = await startLabCluster({ name: `i20-quit-${randomBytes(2).toString('hex')}`, workers: 0 });
  });
  test.afterAll(async () => {
    await cluster?.down();
  });

  test('the app quits cleanly and leaves no helper container @docker', async () => {
    const before = helpers();
    const { app } = await launchKindscope(target, cluster!.env);
    const window = await app.firstWindow();
    await window.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Topology' }).click();
    const topology = new TopologyPage(window);
    await topology.cluster.selectOption(cluster!.name);
    await expect(topology.node(`${cluster!.name}-control-plane`)).toBeVisible();
    // The snapshot above read the node namespaces through the helper: it exists now.
    expect([...helpers()].filter((id) => !before.has(id)).length).toBeGreaterThan(0);
    const exited = new Promise<number | null>((resolve) => app.process().once('exit', (code) => resolve(code)));
    // The process ends during this call, so its answer may never come.
    void app.evaluate(({ app: electronApp }) => electronApp.quit()).catch(() => undefined);
    expect(await exited).toBe(0);
    const left = [...helpers()].filter((id) => !before.has(id));
    expect(left).toEqual([]);
  });
}
