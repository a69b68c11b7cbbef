import { mkdtempSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { startServe, type ServeProcess } from './support/serve-process.ts';

/** A port that is free now, so a restarted server can take the same one. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function statusWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const request = httpRequest(
      { host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, headers: { host } },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', reject);
    request.end();
  });
}

let serve: ServeProcess | undefined;
test.afterEach(async () => {
  await serve?.stop();
  serve = undefined;
});

test('a restarted serve keeps its token: the open tab greys out, then reconnects by itself', async ({ page }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kindscope-restart-'));
  const port = String(await freePort());
  serve = await startServe({}, { dataDir, args: ['--port', port] });
  const firstUrl = serve.url;
  expect(statSync(join(dataDir, 'serve-token')).mode & 0o777).toBe(0o600);
  await page.goto(firstUrl);
  const content = page.getByRole('main');
  await expect(content.getByRole('heading', { name: 'Docker engine' })).toBeVisible();

  await serve.stop();
  await expect(page.getByRole('alert').filter({ hasText: 'Disconnected' })).toBeVisible();
  await expect(page.getByLabel('Last known data (disconnected)')).toBeVisible();

  serve = await startServe({}, { dataDir, args: ['--port', port] });
  expect(serve.url).toBe(firstUrl);
  expect(serve.output()).toContain('kept from the last run');
  await expect(page.getByRole('alert').filter({ hasText: 'Disconnected' })).toHaveCount(0, { timeout: 30_000 });
  await expect(page.getByLabel('Last known data (disconnected)')).toHaveCount(0);

  // --new-token: the old tab cannot get back in, and is shown the page that says what to do.
  await serve.stop();
  serve = await startServe({}, { dataDir, args: ['--port', port, '--new-token'] });
  expect(serve.url).not.toBe(firstUrl);
  await expect(page.getByRole('heading', { name: 'Kindscope needs its access token' })).toBeVisible({
    timeout: 30_000,
  });
  await expect(page.getByText('open the URL that npm run serve printed')).toBeVisible();
});

test('serve --host 127.0.0.2 warns, refuses a foreign Host with 421, and its page connects', async ({ page }) => {
  serve = await startServe({}, { args: ['--port', '0', '--host', '127.0.0.2'] });
  expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+\/\?token=/);
  expect(serve.output()).toContain('Binding 127.0.0.2: a loopback address');
  const port = new URL(serve.url).port;
  expect(await statusWithHost(serve.url, `rebind.evil.example:${port}`)).toBe(421);
  expect(await statusWithHost(serve.url, `127.0.0.2:${port}`)).toBe(303);
  expect(await statusWithHost(serve.url, `localhost:${port}`)).toBe(303);
  // The page's own WebSocket on 127.0.0.2 is allowed by its CSP and the Host check.
  await page.goto(serve.url);
  await expect(page.getByRole('main').getByRole('heading', { name: 'Docker engine' })).toBeVisible();
  await expect(page.getByRole('main').getByRole('status').filter({ hasText: 'Reachable' })).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'Disconnected' })).toHaveCount(0);
});
