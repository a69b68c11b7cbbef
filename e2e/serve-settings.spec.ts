import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startServe, type ServeProcess } from './support/serve-process.ts';

let serve: ServeProcess;

test.beforeAll(async () => {
  serve = await startServe();
});

test.afterAll(async () => {
  await serve?.stop();
});

test('Settings lists the tools with their versions and refuses a path that is not a program', async ({ page }) => {
  await page.goto(serve.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  const tools = page.getByRole('list', { name: 'Tools' });
  const kubectl = tools.getByRole('listitem', { name: 'Tool kubectl', exact: true });
  const version = /"gitVersion":\s*"v(\d+\.\d+\.\d+)/.exec(
    spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' }).stdout,
  )![1]!;
  await expect(kubectl).toContainText(version);
  await expect(kubectl.getByRole('status')).toHaveText('Ready');
  await expect(
    tools.getByRole('listitem', { name: 'Tool helm', exact: true }).getByRole('button', { name: /^Download 3\./ }),
  ).toBeVisible();

  await kubectl.getByRole('button', { name: 'Choose…' }).click();
  const notAProgram = join(mkdtempSync(join(tmpdir(), 'kindscope-')), 'notes.txt');
  writeFileSync(notAProgram, 'not a program', { mode: 0o644 });
  await kubectl.getByRole('textbox', { name: 'Path to kubectl' }).fill(notAProgram);
  await kubectl.getByRole('button', { name: 'Use this file' }).click();
  const alert = page.getByRole('alert').filter({ hasText: `${notAProgram} is not an executable file` });
  await expect(alert).toContainText('What to do: Choose the kubectl program itself');
  await page.screenshot({ path: join(import.meta.dirname, 'artifacts/settings.png'), fullPage: true });
});

test('Settings refuses a program that is not the tool, and marks PATH folders the user did not set', async ({
  page,
}) => {
  await page.goto(serve.url);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  const kind = page.getByRole('list', { name: 'Tools' }).getByRole('listitem', { name: 'Tool kind', exact: true });
  await kind.getByRole('button', { name: 'Choose…' }).click();
  await kind.getByRole('textbox', { name: 'Path to kind' }).fill('/bin/sh');
  await kind.getByRole('button', { name: 'Use this file' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'kind path: /bin/sh is not kind: its file name is "sh"' });
  await expect(alert).toContainText('What to do: Choose the kind program itself');
  await expect(kind).not.toContainText('/bin/sh · found in settings');

  const folders = page.getByRole('list', { name: 'PATH folders' });
  await expect(folders.getByRole('listitem').filter({ hasText: '/opt/homebrew/bin' })).toContainText(
    'not on this machine',
  );
  await expect(
    folders
      .getByRole('listitem')
      .filter({ hasText: /node_modules\/\.bin/ })
      .first(),
  ).toContainText('added by npm run, not by you');
  const usrBin = folders.getByRole('listitem').filter({ has: page.getByText('/usr/bin', { exact: true }) });
  await expect(usrBin).toHaveText('/usr/bin process');
});
