import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { DockerFaultProxy } from './lab/docker-fault-proxy.ts';
import { docker, requireDocker } from './lab/require-docker.ts';
import { HomePage } from './pages/home-page';
import { startServe, type ServeProcess } from './support/serve-process';

const artifacts = join(import.meta.dirname, 'artifacts');
let serve: ServeProcess | undefined;

test.beforeAll(() => {
  requireDocker();
  mkdirSync(artifacts, { recursive: true });
});

test.afterEach(async () => {
  await serve?.stop();
  serve = undefined;
});

test('the home screen shows the engine that `docker version` reports', async ({ page }) => {
  serve = await startServe({ DOCKER_HOST: undefined, DOCKER_CONTEXT: undefined });
  const home = new HomePage(page);
  await page.goto(serve.url);
  await expect(home.heading).toBeVisible();
  const version = docker(['version', '--format', '{{.Server.Version}}']).trim();
  const api = docker(['version', '--format', '{{.Server.APIVersion}}']).trim();
  await expect(home.fact('Version')).toHaveText(version);
  await expect(home.fact('API version')).toContainText(api);
  await expect(home.status()).toHaveText('Reachable');
  // The token left the address bar for a cookie.
  expect(page.url()).not.toContain('token=');
  for (const area of ['Home', 'Clusters', 'Create lab', 'Topology', 'Troubleshoot', 'Settings']) {
    await expect(home.navigation().getByRole('link', { name: area })).toBeVisible();
  }
  await page.screenshot({ path: join(artifacts, 'home.png') });
});

test('the window shows the sidebar before the app code has run, and Home never fetches Topology', async ({ page }) => {
  serve = await startServe();
  const home = new HomePage(page);
  // The app's code held back: what paints is index.html's own first paint.
  await page.route(/\/assets\/index-[^/]*\.js$/, (route) => route.abort());
  await page.goto(serve.url);
  await expect(page.getByRole('status')).toHaveText('Starting Kindscope…');
  for (const area of ['Home', 'Clusters', 'Create lab', 'Topology', 'Troubleshoot', 'Names', 'Settings'])
    await expect(home.navigation().getByRole('link', { name: area })).toBeVisible();
  await page.screenshot({ path: join(artifacts, 'home-first-paint.png') });

  // With the code: the app replaces the first paint; pages are chunks of their own, Topology's
  // only fetched when Topology opens.
  await page.unroute(/\/assets\/index-[^/]*\.js$/);
  const fetched: string[] = [];
  page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
  await page.goto(serve.url);
  await expect(home.heading).toBeVisible();
  await expect(page.getByText('Starting Kindscope…')).toHaveCount(0);
  await home.navigation().getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  expect(fetched.some((path) => /SettingsPage-/.test(path))).toBe(true);
  expect(fetched.filter((path) => /TopologyPage-|elk/.test(path))).toEqual([]);
  await home.navigation().getByRole('link', { name: 'Topology' }).click();
  await expect.poll(() => fetched.some((path) => /TopologyPage-/.test(path))).toBe(true);
});

test('a page whose code cannot be fetched says so and offers a reload; the other pages still open', async ({
  page,
}) => {
  serve = await startServe();
  const home = new HomePage(page);
  await page.route(/\/assets\/SettingsPage-[^/]*\.js$/, (route) => route.abort());
  await page.goto(serve.url);
  await expect(home.heading).toBeVisible();
  await home.navigation().getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('alert')).toContainText('Settings could not be shown');
  await expect(page.getByRole('button', { name: 'Reload' })).toBeVisible();
  await page.screenshot({ path: join(artifacts, 'page-failed.png') });
  await home.navigation().getByRole('link', { name: 'Home' }).click();
  await expect(home.heading).toBeVisible();
});

test('without the token the server answers 401', async ({ request }) => {
  serve = await startServe();
  const response = await request.get(`${serve.origin}/`);
  expect(response.status()).toBe(401);
  expect(await response.text()).toContain('token');
});

test('the engine going away shows in the page and comes back by itself', async ({ page }) => {
  const proxy = await DockerFaultProxy.start();
  try {
    serve = await startServe({ DOCKER_HOST: proxy.dockerHost });
    const home = new HomePage(page);
    await page.goto(serve.url);
    await expect(home.status()).toHaveText('Reachable');

    await proxy.refuse();
    await expect(home.status()).toHaveText('Offline');
    await expect(home.problem()).toContainText(/No Docker engine socket|Nothing answers|Lost the connection/);
    await expect(home.problem()).toContainText('What to do');
    await page.screenshot({ path: join(artifacts, 'home-engine-offline.png') });

    await proxy.accept();
    await expect(home.status()).toHaveText('Reachable');
    await expect(home.fact('Version')).toHaveText(docker(['version', '--format', '{{.Server.Version}}']).trim());
  } finally {
    await proxy.close();
  }
});

test('keyboard users reach every area and the page follows the OS dark theme', async ({ page }) => {
  serve = await startServe();
  await page.emulateMedia({ colorScheme: 'dark' });
  const home = new HomePage(page);
  await page.goto(serve.url);
  await expect(home.heading).toBeVisible();
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(home.navigation().getByRole('link', { name: 'Clusters' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Clusters' })).toBeVisible();
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(21, 24, 29)');
  await page.screenshot({ path: join(artifacts, 'clusters-dark.png') });
});
