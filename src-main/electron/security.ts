import type { BrowserWindowConstructorOptions } from 'electron';
import { contentSecurityPolicy } from '../core/security/csp';

/** The renderer is served from this privileged custom scheme in production. */
export const appScheme = 'kindscope';
export const appHost = 'app';
export const appEntryUrl = `${appScheme}://${appHost}/index.html`;

/**
 * The main window's options, as data so tests can prove every security switch.
 * Flipping any of these must fail `security.test.ts`.
 */
export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Kindscope',
    show: false,
    webPreferences: {
      preload: preloadPath,
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
  };
}

/** CSP for the app's own responses (the custom scheme); the dev server's HMR needs more. */
export const rendererCsp = contentSecurityPolicy();

/** True for the URLs of the app's own renderer: the custom scheme, or the dev server in development. */
export function isAppUrl(url: string, devServerUrl?: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === `${appScheme}:` && parsed.host === appHost) return true;
  if (devServerUrl) {
    const dev = new URL(devServerUrl);
    return parsed.protocol === dev.protocol && parsed.host === dev.host;
  }
  return false;
}

/** `will-navigate`: the window never leaves the app (a dropped file or a link is refused). */
export function allowNavigation(url: string, devServerUrl?: string): boolean {
  return isAppUrl(url, devServerUrl);
}

/**
 * `setWindowOpenHandler`: no new Electron windows, ever. Web links (https only) go to the
 * user's browser instead, and plain http only to a LoadBalancer service's own name under
 * kind.internal (the Names links); everything else is dropped.
 */
export function windowOpenDecision(url: string): { action: 'deny'; openExternally: boolean } {
  let external: boolean;
  try {
    const parsed = new URL(url);
    external =
      parsed.protocol === 'https:' ||
      (parsed.protocol === 'http:' &&
        parsed.hostname.endsWith('.kind.internal') &&
        parsed.username === '' &&
        parsed.password === '');
  } catch {
    external = false;
  }
  return { action: 'deny', openExternally: external };
}

/**
 * Every IPC handler asks this first: only the app's own top-level frame may call.
 * A sub-frame or a frame that navigated elsewhere is refused.
 */
export function isTrustedSender(
  frame: { url: string; parent?: unknown } | null | undefined,
  devServerUrl?: string,
): boolean {
  if (!frame) return false;
  if (frame.parent) return false;
  return isAppUrl(frame.url, devServerUrl);
}

/** Permission requests (camera, notifications, …): Kindscope needs none. */
export function allowPermission(_permission: string): boolean {
  return false;
}
