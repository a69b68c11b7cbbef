/**
 * The fuse policy of the shipped app, in one place: electron-builder.yml's `electronFuses`
 * must say exactly this (fuses.test.ts), and a built binary must carry it
 * (`verify-fuses.ts`, run by the release workflow after `@electron/fuses read`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { parse } from 'yaml';

export const builderConfigPath = join(import.meta.dirname, '../../electron-builder.yml');

/** electron-builder's `electronFuses` keys (app-builder-lib FuseOptionsV1). */
export type BuilderFuseKey =
  | 'runAsNode'
  | 'enableCookieEncryption'
  | 'enableNodeOptionsEnvironmentVariable'
  | 'enableNodeCliInspectArguments'
  | 'enableEmbeddedAsarIntegrityValidation'
  | 'onlyLoadAppFromAsar'
  | 'loadBrowserProcessSpecificV8Snapshot'
  | 'grantFileProtocolExtraPrivileges';

/** What every shipped artifact has. */
export const shippedFuses: Readonly<Record<BuilderFuseKey, boolean>> = {
  // ELECTRON_RUN_AS_NODE would turn the signed app into a general Node interpreter; the
  // headless CLI is its own Node single executable instead.
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  // Enforced on macOS and Windows only (Electron's asar-integrity doc); set everywhere.
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  loadBrowserProcessSpecificV8Snapshot: false,
  grantFileProtocolExtraPrivileges: false,
};

/**
 * The one difference of the e2e build (`npm run package:e2e`): Playwright's
 * `_electron.launch` connects through `--inspect`, which this fuse gates.
 */
export const e2eFuseOverride = { enableNodeCliInspectArguments: true } as const satisfies Partial<
  Record<BuilderFuseKey, boolean>
>;

const wireIndex: Record<BuilderFuseKey, FuseV1Options> = {
  runAsNode: FuseV1Options.RunAsNode,
  enableCookieEncryption: FuseV1Options.EnableCookieEncryption,
  enableNodeOptionsEnvironmentVariable: FuseV1Options.EnableNodeOptionsEnvironmentVariable,
  enableNodeCliInspectArguments: FuseV1Options.EnableNodeCliInspectArguments,
  enableEmbeddedAsarIntegrityValidation: FuseV1Options.EnableEmbeddedAsarIntegrityValidation,
  onlyLoadAppFromAsar: FuseV1Options.OnlyLoadAppFromAsar,
  loadBrowserProcessSpecificV8Snapshot: FuseV1Options.LoadBrowserProcessSpecificV8Snapshot,
  grantFileProtocolExtraPrivileges: FuseV1Options.GrantFileProtocolExtraPrivileges,
};

/** `electronFuses` as electron-builder.yml declares it. */
export function configuredFuses(configText = readFileSync(builderConfigPath, 'utf8')): Record<string, unknown> {
  const config = parse(configText) as { electronFuses?: Record<string, unknown> } | null;
  return config?.electronFuses ?? {};
}

/** Differences between a fuse wire read from a binary and the expected policy, in words. */
export function fuseWireProblems(
  wire: Partial<Record<number, FuseState>>,
  expected: Record<BuilderFuseKey, boolean>,
): string[] {
  return (Object.keys(expected) as BuilderFuseKey[]).flatMap((key) => {
    const state = wire[wireIndex[key]];
    const want = expected[key] ? FuseState.ENABLE : FuseState.DISABLE;
    if (state === want) return [];
    const seen = state === undefined ? 'absent' : (FuseState[state] ?? String(state));
    return [`${key}: expected ${expected[key] ? 'ENABLE' : 'DISABLE'}, binary has ${seen}`];
  });
}

/** Reads the fuses of a built app (`.app` bundle or Linux executable) and compares. */
export async function verifyBuiltFuses(appPath: string, build: 'shipped' | 'e2e'): Promise<string[]> {
  const expected = build === 'e2e' ? { ...shippedFuses, ...e2eFuseOverride } : shippedFuses;
  const wire = (await getCurrentFuseWire(appPath)) as unknown as Partial<Record<number, FuseState>>;
  return fuseWireProblems(wire, expected);
}
