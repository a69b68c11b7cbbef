/**
 * What `npm run package` changes in electron-builder.yml for this build, decided from the
 * environment: signing and notarization when their credentials are present, an ad-hoc
 * signature with a clear message when they are not, and the e2e build's one fuse.
 * Pure, so the decisions have table tests.
 */
import { e2eFuseOverride } from './fuses.ts';

export interface OverrideRequest {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  e2e: boolean;
}

export interface InstallerOverrides {
  /** Deep-merged over electron-builder.yml. */
  config: Record<string, unknown>;
  /** Printed before the build: what was skipped, why, and what it means for users. */
  notes: string[];
}

const has = (env: OverrideRequest['env'], name: string) => Boolean(env[name]?.trim());

/** electron-builder's three ways to notarize (app-builder-lib MacConfiguration.notarize). */
function notarizationCredentials(env: OverrideRequest['env']): string | undefined {
  if (has(env, 'APPLE_API_KEY') && has(env, 'APPLE_API_KEY_ID') && has(env, 'APPLE_API_ISSUER')) return 'APPLE_API_KEY';
  if (has(env, 'APPLE_ID') && has(env, 'APPLE_APP_SPECIFIC_PASSWORD') && has(env, 'APPLE_TEAM_ID')) return 'APPLE_ID';
  if (has(env, 'APPLE_KEYCHAIN') && has(env, 'APPLE_KEYCHAIN_PROFILE')) return 'APPLE_KEYCHAIN_PROFILE';
  return undefined;
}

function macOverrides(env: OverrideRequest['env']): InstallerOverrides {
  const identity = has(env, 'CSC_LINK') || has(env, 'CSC_NAME');
  if (!identity) {
    return {
      // An unsigned arm64 binary is killed at launch; "-" is an ad-hoc signature. Hardened
      // runtime with ad-hoc signing fails library validation of Electron's frameworks
      // (electron-builder's MacConfiguration.identity doc), and only notarization needs it.
      config: { mac: { identity: '-', hardenedRuntime: false, notarize: false } },
      notes: [
        'macOS signing skipped: neither CSC_LINK (a "Developer ID Application" .p12, with CSC_KEY_PASSWORD) nor CSC_NAME is set.',
        '  The app gets an ad-hoc signature so it starts on Apple silicon, without hardened runtime; it is not notarized.',
        '  Users open it via System Settings → Privacy & Security → Open Anyway, or `xattr -dr com.apple.quarantine /Applications/Kindscope.app`.',
      ],
    };
  }
  const notarizeWith = notarizationCredentials(env);
  if (!notarizeWith) {
    return {
      config: { mac: { notarize: false } },
      notes: [
        'macOS notarization skipped: set APPLE_API_KEY + APPLE_API_KEY_ID + APPLE_API_ISSUER, or APPLE_ID + APPLE_APP_SPECIFIC_PASSWORD + APPLE_TEAM_ID.',
        '  The app is signed with hardened runtime; Gatekeeper will still ask users to confirm it once.',
      ],
    };
  }
  return {
    config: {},
    notes: [
      `macOS: signing with the Developer ID from ${has(env, 'CSC_LINK') ? 'CSC_LINK' : 'CSC_NAME'}, notarizing with ${notarizeWith}.`,
    ],
  };
}

export function installerOverrides(request: OverrideRequest): InstallerOverrides {
  const platform = request.platform === 'darwin' ? macOverrides(request.env) : { config: {}, notes: [] as string[] };
  if (!request.e2e) return platform;
  return {
    config: { ...platform.config, electronFuses: { ...e2eFuseOverride } },
    notes: [
      ...platform.notes,
      'e2e build: the nodeCliInspect fuse is ON so Playwright can attach. Never ship this build.',
    ],
  };
}

/** Objects merge key by key; everything else (arrays too) is replaced. */
export function deepMerge(base: Record<string, unknown>, change: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(change)) {
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
