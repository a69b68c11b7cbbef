import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FuseState, FuseV1Options } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import { configuredFuses, e2eFuseOverride, fuseWireProblems, shippedFuses } from './fuses.ts';
import { deepMerge, installerOverrides } from './installer-overrides.ts';

const packageJson = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};

describe('electron-builder.yml fuses', () => {
  it('declares exactly the shipped policy, every fuse explicitly', () => {
    expect(configuredFuses()).toEqual(shippedFuses);
  });

  it('ships RunAsNode, NODE_OPTIONS, --inspect and file:// privileges off; cookie encryption, asar integrity and asar-only on', () => {
    expect(shippedFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      grantFileProtocolExtraPrivileges: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('lets the e2e build differ in nodeCliInspect only, and only `package:e2e` asks for it', () => {
    expect(e2eFuseOverride).toEqual({ enableNodeCliInspectArguments: true });
    const withSwitch = Object.entries(packageJson.scripts).filter(([, command]) => /--e2e\b/.test(command));
    expect(withSwitch.map(([name]) => name)).toEqual(['package:e2e']);
    for (const platform of ['linux', 'darwin'] as const) {
      const shipped = deepMerge(
        { electronFuses: configuredFuses() },
        installerOverrides({ platform, env: {}, e2e: false }).config,
      );
      const e2e = deepMerge(
        { electronFuses: configuredFuses() },
        installerOverrides({ platform, env: {}, e2e: true }).config,
      );
      expect(shipped.electronFuses).toEqual(shippedFuses);
      expect(e2e.electronFuses).toEqual({ ...shippedFuses, enableNodeCliInspectArguments: true });
    }
  });

  it('names every fuse of a binary that disagrees with the policy', () => {
    const good = {
      [FuseV1Options.RunAsNode]: FuseState.DISABLE,
      [FuseV1Options.EnableCookieEncryption]: FuseState.ENABLE,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: FuseState.DISABLE,
      [FuseV1Options.EnableNodeCliInspectArguments]: FuseState.DISABLE,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: FuseState.ENABLE,
      [FuseV1Options.OnlyLoadAppFromAsar]: FuseState.ENABLE,
      [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: FuseState.DISABLE,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: FuseState.DISABLE,
    };
    expect(fuseWireProblems(good, shippedFuses)).toEqual([]);
    expect(fuseWireProblems({ ...good, [FuseV1Options.RunAsNode]: FuseState.ENABLE }, shippedFuses)).toEqual([
      'runAsNode: expected DISABLE, binary has ENABLE',
    ]);
    expect(fuseWireProblems(good, { ...shippedFuses, ...e2eFuseOverride })).toEqual([
      'enableNodeCliInspectArguments: expected ENABLE, binary has DISABLE',
    ]);
  });
});
