import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { labEnv, run } from './lab/lab-cluster.ts';
import { docker, requireDocker } from './lab/require-docker.ts';
import { CreateLabPage } from './pages/create-lab-page.ts';
import { startServe, type ServeProcess } from './support/serve-process.ts';

/**
 * The Create-lab wizard and run view in Chromium against serve mode and the lab: from no
 * cluster to "Reachable", the plan's own refusals beside the fields, the article's import,
 * a helm killed mid-install then resumed, a cancelled run cleaned up, a reload mid-run,
 * and Fix on a hand-made cluster stuck at <pending>.
 */
const artifacts = join(import.meta.dirname, 'artifacts');
const article = join(import.meta.dirname, '../../shared/fixtures/article');
let home: string;
let env: NodeJS.ProcessEnv;
let serve: ServeProcess;
const made: string[] = [];

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  requireDocker();
  mkdirSync(artifacts, { recursive: true });
  home = mkdtempSync(join(tmpdir(), 'kindscope-i16-'));
  const lab = labEnv({ KUBECONFIG: join(home, 'kubeconfig') });
  const real = (tool: string) =>
    (lab.PATH ?? '')
      .split(delimiter)
      .map((dir) => join(dir, tool))
      .find((path) => existsSync(path))!;
  // Wrappers in front of the lab's stand-ins, armed by a flag file: helm hangs in `install`
  // (so the test can kill it, as a user's kill -9 would); kind creates the cluster, then
  // lingers, so a cancel lands while the step runs and after it made containers.
  const wrappers = join(home, 'bin');
  mkdirSync(wrappers);
  writeFileSync(
    join(wrappers, 'helm'),
    `#!/bin/sh\nif [ "$1" = install ] && [ -f "${home}/hang-helm" ]; then rm "${home}/hang-helm"; echo $$ > "${home}/helm.pid.tmp"; mv "${home}/helm.pid.tmp" "${home}/helm.pid"; exec sleep 120; fi\nexec "${real('helm')}" "$@"\n`,
  );
  writeFileSync(
    join(wrappers, 'kind'),
    `#!/bin/sh\nif [ "$1" = create ] && [ -f "${home}/slow-kind" ]; then rm "${home}/slow-kind"; "${real('kind')}" "$@"; touch "${home}/kind-created"; exec sleep 120; fi\nexec "${real('kind')}" "$@"\n`,
  );
  chmodSync(join(wrappers, 'helm'), 0o755);
  chmodSync(join(wrappers, 'kind'), 0o755);
  env = { ...lab, PATH: `${wrappers}${delimiter}${lab.PATH}` };
  serve = await startServe(env);
});

test.afterAll(async () => {
  await serve?.stop();
  for (const name of made) await run('kind', ['delete', 'cluster', '--name', name], env);
  if (home) rmSync(home, { recursive: true, force: true });
});

const newName = () => {
  const name = `i16-${randomBytes(2).toString('hex')}`;
  made.push(name);
  return name;
};

function kubectl(name: string, args: string[], input?: string): string {
  const result = spawnSync('kubectl', ['--context', `kind-${name}`, ...args], {
    env,
    encoding: 'utf8',
    input,
    timeout: 60_000,
  });
  if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

const containersOf = (name: string) =>
  docker(['ps', '-a', '--filter', `label=io.x-k8s.kind.cluster=${name}`, '--format', '{{.Names}}']).trim();
const kubeconfigText = () =>
  existsSync(join(home, 'kubeconfig')) ? readFileSync(join(home, 'kubeconfig'), 'utf8') : '';
const shot = (page: Page, file: string) => page.screenshot({ path: join(artifacts, file), fullPage: true });

/** From the Cluster step to the run view, with the defaults (Next on each step). */
async function buildWithDefaults(lab: CreateLabPage, name: string, screenshots = false) {
  await lab.name.fill(name);
  await expect(lab.page.getByRole('status', { name: 'Plan check' })).toHaveText('Plan checked');
  if (screenshots) await shot(lab.page, 'create-lab-1-cluster.png');
  for (const [to, file] of [
    ['Cilium', 'create-lab-2-cilium.png'],
    ['Load balancing', 'create-lab-3-load-balancing.png'],
    ['Sample app', 'create-lab-4-sample.png'],
    ['Review', 'create-lab-5-review.png'],
  ] as const) {
    await lab.goNext(to);
    // The block, or — on an engine where kind never ran (no network yet) — how the run will carve it.
    if (to === 'Load balancing')
      await expect(lab.page.getByRole('status', { name: /^(Picked pool|Pool carved at run time)$/ })).toContainText(
        /Kindscope picked \d+\.\d+\.\d+\.\d+\/\d+|carved from the `kind` network once kind creates it/,
      );
    if (to === 'Review') await expect(lab.page.getByRole('tabpanel')).toContainText('kind: Cluster');
    if (screenshots) await shot(lab.page, file);
  }
  await expect(lab.create).toBeEnabled();
  await lab.create.click();
  await expect(lab.page.getByRole('heading', { level: 1, name: `Building ${name}` })).toBeVisible();
}

/** The measured result: the service's IP answered, with the node that answered ARP beside the lease holder. */
async function expectReachable(lab: CreateLabPage, name: string) {
  await expect(lab.runState).toHaveText('Done', { timeout: 120_000 });
  const ip = kubectl(name, ['get', 'svc', 'web', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ip}']).trim();
  const holder = JSON.parse(
    kubectl(name, ['get', 'lease', '-n', 'kube-system', 'cilium-l2announce-default-web', '-o', 'json']),
  ).spec.holderIdentity as string;
  const row = lab.runRow(ip);
  await expect(row.getByRole('status', { name: 'Reachability' })).toHaveText('Reachable');
  // The measurement and the claim, worded apart, each in its own definition beside the other.
  await expect(row.getByRole('definition').filter({ hasText: /^answered ARP/ })).toHaveText(
    new RegExp(`^answered ARP: ${holder} \\(([0-9a-f]{2}:){5}[0-9a-f]{2}, checked \\d\\d:\\d\\d:\\d\\d\\)$`),
  );
  await expect(row.getByRole('definition').filter({ hasText: /^lease held by/ })).toHaveText(
    new RegExp(`^lease held by ${holder}`),
  );
  return { ip, holder };
}

test('from no cluster of ours, the wizard with its defaults builds a lab; a reload mid-run shows the same run still going; it ends Reachable', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1280, height: 860 });
  const name = newName();
  expect(containersOf(name)).toBe('');
  await page.goto(serve.url);
  const lab = new CreateLabPage(page);
  await lab.open();
  await buildWithDefaults(lab, name, true);
  const runUrl = page.url();
  expect(runUrl).toMatch(/#\/create-lab\/run\/[a-z0-9-]+$/);
  await expect(lab.step('Check this machine')).toHaveAccessibleName(/done/);

  // Reload while it runs: the same run, read back from the journal, still progressing.
  await expect(lab.runState).toHaveText('Running');
  await page.reload();
  expect(page.url()).toBe(runUrl);
  await expect(page.getByRole('heading', { level: 1, name: `Building ${name}` })).toBeVisible();
  const doneBefore = await lab.steps.getByRole('button', { name: /, done/ }).count();
  await expect(lab.runState).toHaveText('Running');
  await expect
    .poll(() => lab.steps.getByRole('button', { name: /, done/ }).count(), { timeout: 60_000 })
    .toBeGreaterThan(doneBefore);
  await shot(page, 'run-view-running.png');

  const { ip } = await expectReachable(lab, name);
  await expect(page.getByRole('progressbar', { name: 'Overall progress' })).toHaveAttribute('aria-valuenow', '100');
  await lab.step('Prove the IP answers from this machine').click();
  await expect(page.getByRole('log', { name: 'Log of Prove the IP answers from this machine' })).toContainText(
    `HTTP 200 from ${ip}`,
  );
  // The same hops `kindscope connectivity` checks, as the verification saw them: all answer here.
  await page.getByText(/^Path from this machine: all \d+ hops answer$/).click();
  const path = page.getByRole('list', { name: 'Path from this machine' });
  await expect(
    path.getByRole('listitem').filter({ hasText: /host route to .* \(Docker network kind\)/ }),
  ).toContainText('✓ ok');
  await expect(path.getByRole('listitem').filter({ hasText: `ping ${name}-control-plane` })).toContainText('✓ ok');
  await expect(path.getByRole('listitem').filter({ hasText: `TCP default/web ${ip}:80` })).toContainText('HTTP 200');
  await shot(page, 'run-view-reachable.png');

  // A long log stays fast: 20 000 lines on disk, only a window of them in the page, following the end.
  const panel = page.getByRole('region', { name: 'Step Prove the IP answers from this machine' });
  const logPath = (await panel.getByText(/^Log on disk:/).innerText()).replace(/^Log on disk:\s*/, '').trim();
  writeFileSync(logPath, Array.from({ length: 20_000 }, (_, i) => `line ${i + 1} of a long log`).join('\n') + '\n', {
    flag: 'a',
  });
  await lab.step('Wait for the external IP').click();
  await lab.step('Prove the IP answers from this machine').click();
  const log = page.getByRole('log', { name: 'Log of Prove the IP answers from this machine' });
  await expect(log).toContainText('line 20000 of a long log');
  expect(await log.evaluate((element) => element.querySelectorAll('pre > div').length)).toBeLessThan(200);
  await page.setViewportSize({ width: 1024, height: 700 });
  await shot(page, 'run-view-1024x700.png');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'run-view-dark.png');
});

test('keyboard only: through every wizard step to the review, and between its files', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto(serve.url);
  const lab = new CreateLabPage(page);
  await lab.open();
  await lab.name.focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(`i16-${randomBytes(2).toString('hex')}`);
  /** Tab forward until the named button has focus (a keyboard user's way to it), then press it. */
  const tabTo = async (name: string) => {
    const target = page.getByRole('button', { name, exact: true });
    for (let i = 0; i < 60 && !(await target.evaluate((el) => el === document.activeElement)); i++)
      await page.keyboard.press('Tab');
    await expect(target).toBeFocused();
    await expect(target).toBeEnabled();
    await page.keyboard.press('Enter');
  };
  for (const to of ['Cilium', 'Load balancing', 'Sample app', 'Review']) {
    await tabTo('Next');
    await expect(lab.stepHeading(to)).toBeVisible();
    if (to === 'Load balancing') await shot(page, 'create-lab-1024x700-pool.png');
  }
  const kindTab = page.getByRole('tab', { name: 'kind config' });
  await expect(kindTab).toHaveAttribute('aria-selected', 'true');
  await kindTab.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Helm values' })).toBeFocused();
  await expect(page.getByRole('tabpanel')).toContainText('kubeProxyReplacement: true');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shot(page, 'create-lab-review-dark.png');
});

test("an invalid pool CIDR and a taken cluster name show the plan's message next to the field and keep Next disabled", async ({
  page,
}) => {
  // The lab the first test built; run alone, any kind cluster on the engine (only its name is read).
  const taken =
    made.find((name) => containersOf(name) !== '') ??
    docker(['ps', '-a', '--filter', 'label=io.x-k8s.kind.cluster', '--format', '{{.Label "io.x-k8s.kind.cluster"}}'])
      .trim()
      .split('\n')[0]!;
  expect(taken, 'a kind cluster must exist for the taken-name check').not.toBe('');
  await page.goto(serve.url);
  const lab = new CreateLabPage(page);
  await lab.open();
  await lab.name.fill(taken);
  await expect(lab.name).toHaveAccessibleDescription(
    new RegExp(`A kind cluster named "${taken}" already exists on this engine`),
  );
  await expect(lab.name).toHaveAttribute('aria-invalid', 'true');
  await expect(lab.next).toBeDisabled();
  await shot(page, 'create-lab-name-taken.png');

  await lab.name.fill(`i16-${randomBytes(2).toString('hex')}`);
  await lab.goNext('Cilium');
  await lab.goNext('Load balancing');
  await lab.poolCidr.fill('10.99.0.0/24');
  await expect(lab.poolCidr).toHaveAccessibleDescription(
    /10\.99\.0\.0\/24 is outside the kind network .*ARP from this machine can never reach it/,
  );
  await expect(lab.next).toBeDisabled();
  const network = docker(['network', 'inspect', 'kind', '--format', '{{range .IPAM.Config}}{{.Subnet}} {{end}}'])
    .split(' ')
    .find((s) => s.includes('.'))!;
  const malformed = network.replace(/\/\d+$/, '/33');
  await lab.poolCidr.fill(malformed);
  await expect(lab.poolCidr).toHaveAccessibleDescription(new RegExp(malformed.replace(/[./]/g, '\\$&')));
  await expect(lab.next).toBeDisabled();
  await shot(page, 'create-lab-pool-invalid.png');
  await lab.poolCidr.fill('auto');
  await expect(lab.next).toBeEnabled();
});

test("pasting the article's helm command shows the typo and the strict findings, and the fixed plan builds", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const name = newName();
  await page.goto(serve.url);
  const lab = new CreateLabPage(page);
  await lab.open();
  await lab.name.fill(name);
  await page.getByRole('button', { name: 'Import…' }).click();
  const pasted = `${readFileSync(join(article, 'kind-config.yaml'), 'utf8')}\n${readFileSync(join(article, 'helm-install.txt'), 'utf8')}`;
  await page.getByRole('textbox', { name: 'Pasted kind config and/or helm command' }).fill(pasted);
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const findings = page.getByRole('list', { name: 'Import findings' });
  const typo = findings.getByRole('listitem').filter({ hasText: 'k8sServiceHost=kind-control-plan names no node' });
  await expect(typo).toContainText('Fixed in the plan');
  await expect(typo).toContainText(`Set k8sServiceHost=${name}-control-plane.`);
  // The fix names the plan's node: renaming the cluster renames it there too (issue 28), and back.
  await lab.name.fill(`${name}b`);
  await expect(typo).toContainText(`Set k8sServiceHost=${name}b-control-plane.`);
  await lab.name.fill(name);
  await expect(typo).toContainText(`Set k8sServiceHost=${name}-control-plane.`);
  const strict = findings
    .getByRole('listitem')
    .filter({ hasText: 'the last value' })
    .or(findings.getByRole('listitem').filter({ hasText: '"strict"' }));
  await expect(strict).toContainText('cilium/cilium#32711');
  await expect(strict).toContainText('Set kubeProxyReplacement=true, once.');
  await expect(findings).toContainText('--reuse-values');
  await expect(findings).toContainText('net0');
  await shot(page, 'create-lab-import.png');
  // The imported plan keeps the article's operator.replicas=2 and drops net0.
  await lab.goNext('Cilium');
  await expect(page.getByRole('spinbutton', { name: 'Operator replicas' })).toHaveValue('2');
  await expect(page.getByRole('textbox', { name: 'Devices' })).toHaveValue('eth0');
  await lab.goNext('Load balancing');
  await lab.goNext('Sample app');
  await lab.goNext('Review');
  const reviewed = page.getByRole('region', { name: 'What will be created' }).locator('.review-steps > li > strong');
  await expect(reviewed.first()).toBeVisible();
  const announced = await reviewed.allInnerTexts();
  await lab.create.click();
  await expectReachable(lab, name);
  // Review announced exactly the steps the run has, in order (it listed 12 for a run of 11).
  expect(await lab.steps.locator('.run-step-title').allInnerTexts()).toEqual(announced);
});

test('a helm killed mid-install fails its step with the log shown; Resume completes the run', async ({ page }) => {
  test.setTimeout(240_000);
  const name = newName();
  writeFileSync(join(home, 'hang-helm'), '');
  await page.goto(serve.url);
  const lab = new CreateLabPage(page);
  await lab.open();
  await buildWithDefaults(lab, name);
  await expect(lab.step('Install Cilium')).toHaveAccessibleName(/, running/, { timeout: 60_000 });
  await expect.poll(() => existsSync(join(home, 'helm.pid')), { timeout: 30_000 }).toBe(true);
  process.kill(Number(readFileSync(join(home, 'helm.pid'), 'utf8')), 'SIGKILL');
  rmSync(join(home, 'helm.pid'));
  await expect(lab.runState).toHaveText('Failed');
  await expect(lab.step('Install Cilium')).toHaveAccessibleName(/, failed/);
  const panel = page.getByRole('region', { name: /^Step Install Cilium/ });
  await expect(panel.getByRole('alert')).toContainText(/helm install .* failed \(SIGKILL\)/);
  await expect(panel.getByRole('log', { name: /^Log of Install Cilium/ })).toContainText(
    '$ helm install cilium cilium/cilium',
  );
  await shot(page, 'run-view-failed.png');
  await page.getByRole('button', { name: /^Resume from “Install Cilium/ }).click();
  await expectReachable(lab, name);
  await expect(lab.step('Create the kind cluster')).toHaveAccessibleName(/, done/);
});

test('a run cancelled during cluster creation and cleaned up leaves no container and no context', async ({ page }) => {
  test.setTimeout(180_000);
  const name = newName();
  writeFileSync(join(home, 'slow-kind'), '');
  await page.goto(serve.url);
  const lab = new CreateLabPage(page);
  await lab.open();
  await buildWithDefaults(lab, name);
  await expect(lab.step('Create the kind cluster')).toHaveAccessibleName(/, running/, { timeout: 60_000 });
  await expect.poll(() => existsSync(join(home, 'kind-created')), { timeout: 60_000 }).toBe(true);
  expect(containersOf(name)).not.toBe('');
  await page.getByRole('button', { name: 'Cancel run' }).click();
  const cancel = page.getByRole('dialog', { name: 'Cancel this run?' });
  await cancel.getByRole('button', { name: 'Cancel run' }).click();
  await expect(lab.runState).toHaveText('Cancelled');
  await expect(lab.step('Create the kind cluster')).toHaveAccessibleName(/, cancelled/);

  await page.getByRole('button', { name: 'Clean up…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Clean up this run?' });
  const removal = dialog.getByRole('list', { name: 'Will be removed' });
  await expect(removal.getByRole('listitem')).toHaveText([
    `kind cluster (its node containers) ${name}`,
    `kubeconfig context kind-${name}`,
  ]);
  await shot(page, 'run-view-cleanup.png');
  await dialog.getByRole('button', { name: 'Remove these' }).click();
  await expect(lab.runState).toHaveText('Cleaned up');
  expect(containersOf(name)).toBe('');
  expect(kubeconfigText()).not.toContain(`kind-${name}`);
});

test('on a hand-made cluster stuck at <pending>, Fix on the Clusters page makes its service answer', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const name = newName();
  // As a user following the article would: kind, then helm install cilium, no pool, no policy.
  const { startLabCluster } = await import('./lab/lab-cluster.ts');
  await startLabCluster({ name, workers: 1, kubeconfig: join(home, 'kubeconfig'), cilium: {} });
  kubectl(name, ['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
  kubectl(name, ['expose', 'deployment', 'web', '--type=LoadBalancer', '--port=80']);
  expect(kubectl(name, ['get', 'svc', 'web', '-o', 'jsonpath={.status.loadBalancer.ingress}']).trim()).toBe('');

  await page.goto(serve.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' }).click();
  const row = page.getByRole('row', { name: `Cluster ${name}` });
  await expect(row).toContainText('made by hand');
  await expect(row).toContainText('<pending>');
  await expect(row.getByRole('button', { name: `Fix ${name}` })).toBeVisible();
  await page.setViewportSize({ width: 1024, height: 700 });
  await shot(page, 'clusters-list-1024x700.png');
  await page.setViewportSize({ width: 1280, height: 720 });
  await row.getByRole('button', { name: `Fix ${name}` }).click();
  const dialog = page.getByRole('dialog', { name: `Fix ${name}?` });
  await expect(dialog.getByRole('list', { name: 'Fix steps' })).toContainText('pool');
  await expect(dialog.getByRole('list', { name: 'Fix steps' })).toContainText('L2 announcement policy');
  // Each repair is ticked on its own: with the pool unticked, only the policy is made, and the
  // wait stops at once naming the pool; Fix then offers the pool alone.
  const poolChoice = dialog.getByRole('checkbox', { name: 'Create a LoadBalancer IP pool from the kind network' });
  await expect(poolChoice).toBeChecked();
  await poolChoice.uncheck();
  await expect(dialog.getByRole('button', { name: 'Run 1 of 2 repairs' })).toBeVisible();
  await shot(page, 'clusters-fix.png');
  await dialog.getByRole('button', { name: 'Run 1 of 2 repairs' }).click();
  const lab = new CreateLabPage(page);
  await expect(page.getByRole('heading', { level: 1, name: `Fixing ${name}` })).toBeVisible();
  // A run started on Clusters is shown there: the sidebar keeps Clusters current, with the way back.
  expect(page.url()).toMatch(/#\/clusters\/run\/[a-z0-9-]+-fix-[a-z0-9]+$/);
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' })).toHaveAttribute(
    'aria-current',
    'page',
  );
  await expect(page.getByRole('link', { name: '← All clusters' })).toBeVisible();
  await expect(lab.step('Create the L2 announcement policy')).toBeVisible();
  await expect(lab.step('Create a LoadBalancer IP pool')).toHaveCount(0);
  await expect(lab.runState).toHaveText('Failed');
  await expect(lab.step('Wait for every LoadBalancer IP')).toHaveAccessibleName(/failed/);
  await expect(
    page.getByRole('region', { name: 'Step Wait for every LoadBalancer IP and its lease holder' }),
  ).toContainText('still needs a LoadBalancer IP pool [pool], which this run was not confirmed to make');
  await shot(page, 'run-view-fix-partial.png');
  expect(kubectl(name, ['get', 'ippools', '-o', 'name']).trim()).toBe('');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' }).click();
  await row.getByRole('button', { name: `Fix ${name}` }).click();
  const again = page.getByRole('dialog', { name: `Fix ${name}?` });
  await expect(again.getByRole('list', { name: 'Fix steps' })).not.toContainText('L2 announcement policy');
  await again.getByRole('button', { name: 'Run these steps' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Fixing ${name}` })).toBeVisible();
  await expectReachable(lab, name);
  await shot(page, 'run-view-fix.png');
});

test('Clusters: Export kubeconfig saves the context alone; Stop, then Start answers again; Delete names the containers and the context', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const name = made[made.length - 1]!; // the cluster Fix repaired
  expect(containersOf(name), 'runs after the Fix test').not.toBe('');
  await page.goto(serve.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' }).click();
  const row = page.getByRole('row', { name: `Cluster ${name}` });
  const download = page.waitForEvent('download');
  await row.getByRole('button', { name: `Export kubeconfig of ${name}` }).click();
  const saved = await download;
  expect(saved.suggestedFilename()).toBe(`kind-${name}.kubeconfig`);
  const text = readFileSync((await saved.path())!, 'utf8');
  expect(text).toContain(`current-context: kind-${name}`);
  expect(text.match(/^\s*- name: /gm)?.length, 'one cluster, one context, one user').toBe(3);

  const lab = new CreateLabPage(page);
  await row.getByRole('button', { name: `Stop ${name}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Stopping ${name}` })).toBeVisible();
  await expect(lab.runState).toHaveText('Done', { timeout: 120_000 });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' }).click();
  await expect(row).toContainText('0/2 running');
  await row.getByRole('button', { name: `Start ${name}` }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Starting ${name}` })).toBeVisible();
  await expectReachable(lab, name);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' }).click();
  await row.getByRole('button', { name: `Delete ${name}` }).click();
  const dialog = page.getByRole('dialog', { name: `Delete ${name}?` });
  await expect(dialog.getByRole('list', { name: 'Will be removed' }).getByRole('listitem')).toHaveText([
    `container ${name}-control-plane`,
    `container ${name}-worker`,
    `kubeconfig context kind-${name}`,
  ]);
  await dialog.getByRole('button', { name: 'Delete cluster' }).click();
  await expect(lab.runState).toHaveText('Done', { timeout: 120_000 });
  expect(containersOf(name)).toBe('');
  expect(kubeconfigText()).not.toContain(`kind-${name}`);
  expect(docker(['network', 'ls', '--filter', 'name=^kind$', '--format', '{{.Name}}']).trim()).toBe('kind');
});
