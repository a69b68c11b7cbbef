import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { docker, requireDocker } from './lab/require-docker.ts';
import { HomePage } from './pages/home-page';
import { WelcomeDialog } from './pages/welcome-dialog.ts';
import { electronTarget, launchKindscope } from './support/electron-app.ts';

const root = join(import.meta.dirname, '..');

if (electronTarget) {
  const target = electronTarget;

  test('the desktop window opens on Home and shows the engine that `docker version` reports @docker', async () => {
    requireDocker();
    const { app } = await launchKindscope(target);
    try {
      const window = await app.firstWindow();
      const home = new HomePage(window);
      await expect(home.heading).toBeVisible();
      await expect(home.fact('Version')).toHaveText(docker(['version', '--format', '{{.Server.Version}}']).trim());
      // The renderer has no Node and only the named bridge.
      expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      expect(
        await window.evaluate(() => Object.keys((globalThis as unknown as { kindscope: object }).kindscope).sort()),
      ).toEqual(['invoke', 'subscribe']);
      await window.screenshot({ path: join(root, 'e2e/artifacts/electron-home.png') });
    } finally {
      await app.close();
    }
  });

  test("the window opens on Home from the app's own scheme, even without an engine", async () => {
    const { app } = await launchKindscope(target, { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    try {
      const window = await app.firstWindow();
      await expect(new HomePage(window).heading).toBeVisible();
      expect(window.url()).toMatch(/^kindscope:\/\/app\//);
    } finally {
      await app.close();
    }
  });

  test('the first start of the installed app shows the welcome, with the CLI link command', async () => {
    const { app } = await launchKindscope(
      target,
      { DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
      { firstRun: true },
    );
    try {
      const welcome = new WelcomeDialog(await app.firstWindow());
      await expect(welcome.dialog).toBeVisible();
      // The packaged app carries the CLI (resources/bin/kindscope) and shows the link command.
      if (target.packaged) await expect(welcome.dialog).toContainText(/ln -s '.*\/bin\/kindscope'/);
      await welcome.start.click();
      await expect(welcome.dialog).toHaveCount(0);
    } finally {
      await app.close();
    }
  });
}
