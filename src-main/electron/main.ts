import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { app, BrowserWindow, dialog, protocol, session, shell } from 'electron';
import { createApp } from '../app/compose';
import { createTypedClient } from '../contract';
import { closeQuestion, runningRuns, whenRunsEnd } from './close-guard';
import { createStderrLogger } from '../core/util/logger';
import { registerIpc } from './ipc';
import {
  allowNavigation,
  allowPermission,
  appEntryUrl,
  appHost,
  appScheme,
  mainWindowOptions,
  rendererCsp,
  windowOpenDecision,
} from './security';

const log = createStderrLogger('electron');
// An empty value (a shell's `export ELECTRON_RENDERER_URL=`) means no dev server, not an empty URL.
const devServerUrl = process.env.ELECTRON_RENDERER_URL || undefined;
const rendererDir = resolve(import.meta.dirname, '../renderer');
const preloadPath = join(import.meta.dirname, '../preload/index.cjs');

protocol.registerSchemesAsPrivileged([
  { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);
app.enableSandbox();

const mimeTypes: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Serves the built renderer on kindscope://app/ with the CSP; nothing outside its folder. */
function registerRendererProtocol(): void {
  protocol.handle(appScheme, async (request) => {
    const url = new URL(request.url);
    const file = normalize(join(rendererDir, decodeURIComponent(url.pathname)));
    if (url.host !== appHost || !file.startsWith(rendererDir + sep)) return new Response('Forbidden', { status: 403 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          'Content-Type': mimeTypes[extname(file)] ?? 'application/octet-stream',
          'Content-Security-Policy': rendererCsp,
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}

function hardenWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!allowNavigation(url, devServerUrl)) {
        event.preventDefault();
        log.warn(`Blocked navigation to ${url}`);
      }
    });
    contents.on('will-redirect', (event, url) => {
      if (!allowNavigation(url, devServerUrl)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const decision = windowOpenDecision(url);
      if (decision.openExternally) void shell.openExternal(url);
      return { action: decision.action };
    });
  });
}

void app.whenReady().then(() => {
  // The installed app carries the CLI as a single executable (electron-builder extraResources).
  const kindscope = createApp({
    transport: 'electron',
    live: true,
    log,
    ...(app.isPackaged ? { bundledCliPath: join(process.resourcesPath, 'bin', 'kindscope') } : {}),
  });
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(allowPermission(permission)),
  );
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => allowPermission(permission));
  registerRendererProtocol();
  hardenWebContents();
  const disposeIpc = registerIpc(kindscope.router, log, devServerUrl);

  const window = new BrowserWindow(mainWindowOptions(preloadPath));
  window.once('ready-to-show', () => {
    window.show();
    // The shipped-artifact smoke test (scripts/packaging/smoke-test.ts) waits for this line.
    log.info('Kindscope is ready: window shown');
  });
  void window.loadURL(devServerUrl ?? appEntryUrl);

  // Closing during a run asks first; the run goes on in this process and the app quits when it ends.
  const client = createTypedClient(kindscope.router);
  let closeConfirmed = false;
  window.on('close', (event) => {
    if (closeConfirmed) return;
    event.preventDefault();
    void runningRuns(client).then(async (running) => {
      const question = closeQuestion(running);
      const answer = question
        ? await dialog.showMessageBox(window, {
            type: 'question',
            message: question.message,
            detail: question.detail,
            buttons: question.buttons,
            defaultId: 0,
            cancelId: 0,
          })
        : { response: 1 };
      if (answer.response !== 1) return;
      closeConfirmed = true;
      window.close();
    });
  });
  app.on('window-all-closed', () => void whenRunsEnd(client).then(() => app.quit()));
  // A logout or `kill` sends SIGTERM: quit through will-quit so helper containers go too.
  process.once('SIGTERM', () => app.quit());
  let disposed = false;
  app.on('will-quit', (event) => {
    if (disposed) return;
    // Let the services remove their helper containers before the process ends.
    event.preventDefault();
    disposed = true;
    disposeIpc();
    void kindscope.dispose().finally(() => app.quit());
  });
});
