import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { mainWindowOptions } from './security';

const root = join(import.meta.dirname, '../..');
const mainBundle = join(root, 'out/main/index.js');

function newestSource(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => statSync(join(e.parentPath, e.name)).mtimeMs),
  );
}

interface WiringReport {
  enableSandbox: boolean;
  privilegedSchemes: { scheme: string }[];
  windows: { options: ReturnType<typeof mainWindowOptions>; loaded: string[] }[];
  navigation: Record<string, unknown>;
  permissions: { requestGranted?: boolean; checkGranted?: boolean };
  ipc: {
    channels: string[];
    untrustedInvoke?: unknown;
    subFrameInvoke?: unknown;
    trustedInvoke?: unknown;
    untrustedSubscribeRegistered: boolean;
    trustedSubscribeRegistered: boolean;
  };
  protocol?: { index: { status: number; csp: string | null }; outside: number; otherHost: number };
}

let report: WiringReport;
let log: string;

/**
 * The built main bundle (what the installers ship) run by Node with a fake `electron`
 * module that drives every hook as Electron would. Deleting `hardenWebContents()`, a
 * permission handler or an IPC `trusted()` check makes one of these fail.
 */
beforeAll(() => {
  if (!existsSync(mainBundle) || statSync(mainBundle).mtimeMs < newestSource(join(root, 'src-main'))) {
    const build = spawnSync(
      process.execPath,
      [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
      { cwd: root, encoding: 'utf8' },
    );
    if (build.status !== 0) throw new Error(`electron-vite build failed: ${build.stderr}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'kindscope-wiring-'));
  const reportFile = join(dir, 'report.json');
  const run = spawnSync(
    process.execPath,
    ['--import', join(import.meta.dirname, 'electron.fake-hooks.ts'), mainBundle],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
      env: {
        ...process.env,
        KINDSCOPE_HOME: join(dir, 'data'),
        KINDSCOPE_WIRING_REPORT: reportFile,
        ELECTRON_RENDERER_URL: '',
      },
    },
  );
  if (!existsSync(reportFile)) throw new Error(`the main bundle wrote no report (exit ${run.status}): ${run.stderr}`);
  report = JSON.parse(readFileSync(reportFile, 'utf8')) as WiringReport;
  log = run.stderr;
});

describe('built main bundle: Electron hardening wiring', () => {
  it('enables the sandbox for every renderer and registers the app scheme as privileged', () => {
    expect(report.enableSandbox).toBe(true);
    expect(report.privilegedSchemes.map((s) => s.scheme)).toEqual(['kindscope']);
  });

  it('opens exactly one window, with the tested options, on the app URL', () => {
    expect(report.windows).toHaveLength(1);
    // Written out, not computed with mainWindowOptions(): the hardening settings of Electron's
    // security checklist (electronjs.org/docs/latest/tutorial/security), each one a literal.
    expect(report.windows[0]!.options).toEqual({
      width: 1280,
      height: 820,
      minWidth: 900,
      minHeight: 600,
      title: 'Kindscope',
      show: false,
      webPreferences: {
        preload: join(root, 'out/preload/index.cjs'),
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        experimentalFeatures: false,
        navigateOnDragDrop: false,
        spellcheck: false,
      },
    });
    expect(report.windows[0]!.loaded).toEqual(['kindscope://app/index.html']);
  });

  it('hardens every web contents: navigation, redirects, webviews and new windows (hardenWebContents)', () => {
    expect(report.navigation).toEqual({
      foreignPrevented: true,
      appPrevented: false,
      redirectPrevented: true,
      webviewPrevented: true,
      windowOpenHttps: { action: 'deny' },
      windowOpenFile: { action: 'deny' },
      openedExternally: ['https://docs.cilium.io/'],
    });
  });

  it('denies permission requests and checks (both session handlers)', () => {
    expect(report.permissions).toEqual({ requestGranted: false, checkGranted: false });
  });

  it('checks the sender of every IPC channel (trusted())', () => {
    const refused = {
      ok: false,
      error: { code: 'TRANSPORT', message: 'Refused a call from an untrusted frame', hint: expect.any(String) },
    };
    expect(report.ipc.channels.sort()).toEqual(['kindscope:invoke', 'kindscope:subscribe', 'kindscope:unsubscribe']);
    expect(report.ipc.untrustedInvoke).toEqual(refused);
    expect(report.ipc.subFrameInvoke).toEqual(refused);
    expect(report.ipc.trustedInvoke).toMatchObject({ ok: true, value: { name: 'Kindscope', transport: 'electron' } });
    expect(report.ipc.untrustedSubscribeRegistered).toBe(false);
    expect(report.ipc.trustedSubscribeRegistered).toBe(true);
    for (const channel of ['invoke', 'subscribe', 'unsubscribe'])
      expect(log).toContain(`Refused IPC from https://evil.example/${channel}`);
  });

  it('serves the renderer only from its folder on kindscope://app, with the CSP', () => {
    expect(report.protocol).toMatchObject({
      index: { status: 200, csp: expect.stringContaining("script-src 'self'") },
      outside: 403,
      otherHost: 403,
    });
  });
});
