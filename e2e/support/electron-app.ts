import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, type ElectronApplication } from '@playwright/test';

const root = join(import.meta.dirname, '../..');

/**
 * What the Electron specs launch: the packaged e2e build when KINDSCOPE_PACKAGED_APP names
 * its executable (the release workflow: `npm run package:e2e`, whose only difference from
 * the shipped build is the nodeCliInspect fuse Playwright needs), else the installed
 * Electron binary over out/main/index.js. Undefined when neither exists.
 */
export interface ElectronTarget {
  executablePath: string;
  args: string[];
  packaged: boolean;
}

function devElectronBinary(): string | undefined {
  // Resolved as the `electron` package does, without `require('electron')`, which starts a
  // download when the binary is missing (none can be downloaded on the project's machines).
  const packageDir = join(root, 'node_modules/electron');
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const relative = readFileSync(pathFile, 'utf8');
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? join(override, relative) : join(packageDir, 'dist', relative);
  return existsSync(binary) ? binary : undefined;
}

function findTarget(): ElectronTarget | undefined {
  const packaged = process.env.KINDSCOPE_PACKAGED_APP;
  if (packaged) {
    if (!existsSync(packaged))
      throw new Error(
        `KINDSCOPE_PACKAGED_APP=${packaged} does not exist. Fix: build it with \`npm run package:e2e -- --dir\`.`,
      );
    return { executablePath: packaged, args: [], packaged: true };
  }
  const binary = devElectronBinary();
  return binary ? { executablePath: binary, args: [join(root, 'out/main/index.js')], packaged: false } : undefined;
}

export const electronTarget = findTarget();

if (!electronTarget) {
  // The one allowed skip: one line for all Electron specs (module state is per process).
  console.log(
    'Electron e2e did not run: no Electron binary (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1) and no KINDSCOPE_PACKAGED_APP.',
  );
}

export interface LaunchedApp {
  app: ElectronApplication;
  /** Everything the main process wrote to stderr so far (its log). */
  log(): string;
  /** Resolves when the main process's log has a line matching `pattern`. */
  waitForLog(pattern: RegExp): Promise<string>;
}

/**
 * Launches the target with a throwaway data folder and collects its log. The first-run
 * welcome is marked seen unless `firstRun` (it covers Home on a first start).
 */
export async function launchKindscope(
  target: ElectronTarget,
  env: NodeJS.ProcessEnv = {},
  options: { firstRun?: boolean } = {},
): Promise<LaunchedApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kindscope-electron-e2e-'));
  if (!options.firstRun)
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ welcomeSeenAt: new Date().toISOString() }));
  const app = await electron.launch({
    executablePath: target.executablePath,
    args: target.args,
    cwd: root,
    env: { ...process.env, KINDSCOPE_HOME: dataDir, ...env } as Record<string, string>,
  });
  let log = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  app.process().stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
    for (const waiter of [...waiters]) {
      const line = log.split('\n').find((candidate) => waiter.pattern.test(candidate));
      if (line) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  return {
    app,
    log: () => log,
    waitForLog: (pattern) => {
      const line = log.split('\n').find((candidate) => pattern.test(candidate));
      return line ? Promise.resolve(line) : new Promise((resolve) => waiters.push({ pattern, resolve }));
    },
  };
}
