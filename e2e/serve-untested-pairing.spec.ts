import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { expect, test } from '@playwright/test';
import { labEnv } from './lab/lab-cluster.ts';
import { requireDocker } from './lab/require-docker.ts';
import { CreateLabPage } from './pages/create-lab-page.ts';
import { startServe, type ServeProcess } from './support/serve-process.ts';

/**
 * Issue 26: the wizard's equivalent of `--allow-untested`. Cilium 1.18.14 lists Kubernetes
 * 1.30–1.33 as e2e tested; on the default node image (1.36.4) the plan refuses the pairing
 * until it is acknowledged — a checkbox with Cilium's reason beside it and a reason of the
 * user's own — and the acknowledgement is marked in lab.yaml and in the run.
 *
 * The run is stopped at its first tool step (a `helm` in front of the lab's that fails
 * `repo add`), so it makes nothing: what is checked is that the run says what it was built on.
 */
let home: string;
let serve: ServeProcess;
// Each check of the draft reads the engine (the kind network, other clusters' pools): on a busy
// shared machine that takes seconds, so the waits on its answers are long.
const slow = { timeout: 60_000 };
const next = async (lab: CreateLabPage, to: string) => {
  await expect(lab.next).toBeEnabled(slow);
  await lab.goNext(to);
};

test.describe.configure({ timeout: 180_000 });

test.beforeAll(async () => {
  requireDocker();
  home = mkdtempSync(join(tmpdir(), 'kindscope-i26-untested-'));
  const lab = labEnv({ KUBECONFIG: join(home, 'kubeconfig') });
  const wrappers = join(home, 'bin');
  mkdirSync(wrappers);
  writeFileSync(join(wrappers, 'helm'), '#!/bin/sh\necho "Error: repo add refused by the test" >&2\nexit 1\n');
  chmodSync(join(wrappers, 'helm'), 0o755);
  serve = await startServe({ ...lab, PATH: `${wrappers}${delimiter}${lab.PATH}` });
});

test.afterAll(async () => {
  await serve?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

test('an untested pairing is refused until its checkbox is ticked, then marked in lab.yaml and in the run', async ({
  page,
}) => {
  await page.goto(serve.url);
  const lab = new CreateLabPage(page);
  await lab.open();
  await lab.name.fill(`i26-${randomBytes(2).toString('hex')}`);
  await next(lab, 'Cilium');
  const version = page.getByRole('textbox', { name: 'Cilium chart version' });
  await version.fill('1.18.14');
  await expect(version).toHaveAccessibleDescription(
    /lists Kubernetes 1\.30, 1\.31, 1\.32, 1\.33 as e2e tested, not 1\.36\.4/,
    slow,
  );
  await expect(lab.next).toBeDisabled();

  const pairing = page.getByRole('group', { name: 'Untested pairing' });
  const acknowledge = pairing.getByRole('checkbox', { name: 'Use this untested pairing' });
  await expect(acknowledge).not.toBeChecked(slow);
  // The reason, beside the checkbox: Cilium's own word for an unlisted version.
  await expect(acknowledge).toHaveAccessibleDescription(/untested, not unsupported/);
  await acknowledge.check();
  await pairing.getByRole('textbox', { name: 'Why' }).fill('trying 1.18 on the newest image');
  await next(lab, 'Load balancing');
  await next(lab, 'Sample app');
  await next(lab, 'Review');
  await page.getByRole('tab', { name: 'Plan (lab.yaml)' }).click();
  await expect(page.getByRole('tabpanel')).toContainText(
    '# UNTESTED pairing acknowledged (cilium.allowUntested): kindest/node:v1.36.4 with Cilium 1.18.14 — trying 1.18 on the newest image',
    slow,
  );
  await expect(page.getByRole('tabpanel')).toContainText('allowUntested: true');

  await lab.create.click();
  await expect(lab.runState).toHaveText('Failed', { timeout: 120_000 });
  await expect(page.getByRole('note', { name: 'Untested pairing' })).toHaveText(
    "Untested pairing, acknowledged: Kubernetes 1.36.4 with Cilium 1.18.14 is not in Cilium's e2e-tested list — trying 1.18 on the newest image.",
  );
});

test('dual stack in the wizard: both families in the kind config, and an IPv6 pool block only when asked, checked beside its field', async ({
  page,
}) => {
  await page.goto(serve.url);
  const lab = new CreateLabPage(page);
  await lab.open();
  await lab.name.fill(`i26-${randomBytes(2).toString('hex')}`);
  await page.getByRole('combobox', { name: 'IP family' }).selectOption('dual');
  await next(lab, 'Cilium');
  await next(lab, 'Load balancing');
  const block = page.getByRole('textbox', { name: 'IPv6 block' });
  // Inside kind's IPv6 service subnet: refused beside the field.
  await block.fill('fd00:10:96::/120');
  await expect(block).toHaveAccessibleDescription(/overlaps kind's IPv6 service subnet fd00:10:96::\/112/, slow);
  await expect(lab.next).toBeDisabled();
  await block.fill('fd00:10:250::/112');
  await next(lab, 'Sample app');
  await next(lab, 'Review');
  await expect(page.getByRole('tabpanel')).toContainText('podSubnet: 10.244.0.0/16,fd00:10:244::/56', slow);
  await page.getByRole('tab', { name: 'Pool manifest' }).click();
  await expect(page.getByRole('tabpanel')).toContainText('cidr: fd00:10:250::/112');
});
