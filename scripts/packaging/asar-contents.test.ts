import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createPackage } from '@electron/asar';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectAsar } from './asar-contents.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A real asar (made by @electron/asar, as electron-builder does) from a map of files. */
async function archive(files: Record<string, string>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'kindscope-asar-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, 'app', path)), { recursive: true });
    writeFileSync(join(dir, 'app', path), text);
  }
  await createPackage(join(dir, 'app'), join(dir, 'app.asar'));
  return join(dir, 'app.asar');
}

const app = {
  'package.json': '{}',
  'out/main/index.js': 'x',
  'out/preload/index.cjs': 'x',
  'out/renderer/index.html': '<html>',
  'node_modules/zod/index.js': 'z'.repeat(100),
};

describe('inspectAsar', () => {
  it('passes the app as built, with its size and largest packages', async () => {
    const report = inspectAsar(await archive(app));
    expect(report.problems).toEqual([]);
    expect(report.files).toBe(5);
    expect(report.largest[0]).toEqual({ name: 'zod', bytes: 100 });
  });

  it('names tests, the lab, source maps, inline maps and keys', async () => {
    const report = inspectAsar(
      await archive({
        ...app,
        'e2e/lab/lab-cli.ts': 'x',
        'out/main/index.js.map': '{}',
        'out/main/cli.js': '//# sourceMappingURL=data:application/json;base64,e30=',
        'out/main/run.test.js': 'x',
        'out/main/key.js': 'const k = `-----BEGIN RSA PRIVATE KEY-----`',
      }),
    );
    expect(report.problems).toEqual([
      '/e2e/lab/lab-cli.ts: project source, tests or lab',
      '/out/main/index.js.map: a source map',
      '/out/main/run.test.js: a test file',
      '/out/main/cli.js: an inline source map',
      '/out/main/key.js: a private key',
    ]);
  });

  it('names an import of main, or a dependency of a packaged package, that is not in the archive', async () => {
    const report = inspectAsar(
      await archive({
        ...app,
        'out/main/index.js':
          'import { WebSocketServer } from "ws";\nimport { z } from "zod";\nconst fs = await import("node:fs");\nrequire("electron");',
        'node_modules/zod/package.json': JSON.stringify({ name: 'zod', dependencies: { tslib: '^2' } }),
        'node_modules/dockerode/package.json': JSON.stringify({
          name: 'dockerode',
          dependencies: { 'docker-modem': '^5' },
        }),
        'node_modules/dockerode/node_modules/docker-modem/package.json': JSON.stringify({
          name: 'docker-modem',
          optionalDependencies: { 'cpu-features': '*' },
        }),
      }),
    );
    expect(report.problems).toEqual([
      '/out/main/index.js imports ws, which is not in app.asar',
      'node_modules/zod depends on tslib, which is not in app.asar',
    ]);
  });

  it('says when the app could not start', async () => {
    const { 'out/preload/index.cjs': _dropped, ...rest } = app;
    expect(inspectAsar(await archive(rest)).problems).toEqual([
      '/out/preload/index.cjs: missing (the app cannot start)',
    ]);
  });
});
