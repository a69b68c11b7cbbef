import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { docker, requireDocker } from './lab/require-docker.ts';
import { HomePage } from './pages/home-page';
import { WelcomeDialog } from './pages/welcome-dialog.ts';
import { startServe, type ServeProcess } from './support/serve-process';

/**
 * The installed app's first-run welcome. The desktop app shows it by itself; serve mode
 * only with KINDSCOPE_WELCOME=1, which is how it is seen in Chromium here (the same UI).
 */
let serve: ServeProcess | undefined;
test.afterEach(async () => {
  await serve?.stop();
  serve = undefined;
});

test('the first run says what will be created and where, shows the engine and tools found, and is shown once', async ({
  page,
}) => {
  requireDocker();
  const home = mkdtempSync(join(tmpdir(), 'kindscope-welcome-e2e-'));
  const env = { KINDSCOPE_WELCOME: '1', KINDSCOPE_HOME: home, DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined };
  serve = await startServe(env);
  const welcome = new WelcomeDialog(page);
  await page.goto(serve.url);
  await expect(welcome.dialog).toBeVisible();
  await expect(welcome.creates).toContainText(home);
  await expect(welcome.creates).toContainText('io.kindscope.helper');
  await expect(welcome.engine).toContainText(`Docker ${docker(['version', '--format', '{{.Server.Version}}']).trim()}`);
  await expect(welcome.tool('docker')).toContainText('docker');
  // Outside an installed app there is no bundled CLI: it says what to use instead.
  await expect(welcome.dialog).toContainText('npm run cli');
  mkdirSync(join(import.meta.dirname, 'artifacts'), { recursive: true });
  await page.screenshot({ path: join(import.meta.dirname, 'artifacts/welcome.png'), fullPage: true });

  await welcome.start.click();
  await expect(welcome.dialog).toHaveCount(0);
  await expect(new HomePage(page).heading).toBeVisible();
  expect(JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')).welcomeSeenAt).toMatch(/^\d{4}-/);

  // A restart with the same data folder goes straight to Home.
  await serve.stop();
  serve = await startServe(env);
  await page.goto(serve.url);
  // The welcome asks first (a child's effect runs before App's) and is answered from a file;
  // the engine's answer needs a Docker round trip: once it shows, the welcome has decided.
  await expect(new HomePage(page).status()).toHaveText('Reachable');
  await expect(welcome.dialog).toHaveCount(0);
});
