import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { docker, requireDocker } from './lab/require-docker.ts';
import { HomePage } from './pages/home-page';

const root = join(import.meta.dirname, '..');

/**
 * The Electron binary, when installed. Resolved as the `electron` package does, but
 * without `require('electron')`, which starts a download when the binary is missing
 * (and none can be downloaded on the project's machines).
 */
function electronBinary(): string | undefined {
  const packageDir = join(root, 'node_modules/electron');
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const relative = readFileSync(pathFile, 'utf8');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? join(override, relative) : join(packageDir, 'dist', relative);
  return existsSync(binary) ? binary : undefined;
}

const binary = electronBinary();

if (!binary) {
  // The one allowed skip: say so in one line and define no test.
  console.log('Electron e2e did not run: no Electron binary (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1).');
} else {
  test('the desktop window shows the engine that `docker version` reports', async () => {
    requireDocker();
    const app = await electron.launch({ executablePath: binary, args: [join(root, 'out/main/index.js')], cwd: root });
    try {
      const window = await app.firstWindow();
      const home = new HomePage(window);
      await expect(home.fact('Version')).toHaveText(docker(['version', '--format', '{{.Server.Version}}']).trim());
      // The renderer has no Node and only the named bridge.
      expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      expect(await window.evaluate(() => Object.keys((globalThis as unknown as { kindscope: object }).kindscope).sort())).toEqual(['invoke', 'subscribe']);
      await window.screenshot({ path: join(root, 'e2e/artifacts/electron-home.png') });
    } finally {
      await app.close();
    }
  });
}
