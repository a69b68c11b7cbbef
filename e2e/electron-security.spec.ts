import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { HomePage } from './pages/home-page';
import { electronTarget, launchKindscope, type LaunchedApp } from './support/electron-app.ts';

/**
 * The window's guards, exercised in the real app: navigation away, window.open, and an IPC
 * call from a frame that is not the app's own (src-main/electron/security.ts, ipc.ts).
 * `.invalid` names never resolve (RFC 2606): a refused navigation sends nothing anywhere.
 */
const root = join(import.meta.dirname, '..');

if (electronTarget) {
  const target = electronTarget;
  let launched: LaunchedApp;

  test.beforeEach(async () => {
    launched = await launchKindscope(target, { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
  });
  test.afterEach(async () => {
    await launched?.app.close();
  });

  test('navigating the window to another origin is refused', async () => {
    const page = await launched.app.firstWindow();
    await expect(new HomePage(page).heading).toBeVisible();
    const before = page.url();
    await page.evaluate(() => {
      window.location.href = 'https://kindscope.invalid/phish';
    });
    await launched.waitForLog(/Blocked navigation to https:\/\/kindscope\.invalid\/phish/);
    expect(page.url()).toBe(before);
    await expect(new HomePage(page).heading).toBeVisible();
  });

  test('window.open is refused and opens no window', async () => {
    const page = await launched.app.firstWindow();
    await expect(new HomePage(page).heading).toBeVisible();
    const opened = await page.evaluate(() => window.open('http://kindscope.invalid/popup') === null);
    expect(opened).toBe(true);
    expect(await launched.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  });

  test('an IPC call from a foreign frame is refused by the sender check', async () => {
    await launched.app.firstWindow();
    // The packaged app's code is in its app.asar; the dev binary runs out/ of the checkout.
    const appPath = await launched.app.evaluate(({ app }) => app.getAppPath());
    const preload = target.packaged ? `${appPath}/out/preload/index.cjs` : join(root, 'out/preload/index.cjs');
    // A second window with Kindscope's own preload but a foreign origin: the bridge exists
    // there, so only the main process's sender check stands between it and the handlers.
    const result = await launched.app.evaluate(async ({ BrowserWindow }, preloadPath) => {
      const foreign = new BrowserWindow({
        show: false,
        webPreferences: { preload: preloadPath, sandbox: true, contextIsolation: true },
      });
      try {
        await foreign.loadURL('data:text/html,<title>foreign</title>');
        return (await foreign.webContents.executeJavaScript("window.kindscope.invoke('app:info', {})")) as {
          ok: boolean;
          error?: { code: string };
        };
      } finally {
        foreign.destroy();
      }
    }, preload);
    expect(result).toMatchObject({ ok: false, error: { code: 'TRANSPORT' } });
    await launched.waitForLog(/Refused IPC from data:text\/html/);
  });
}
