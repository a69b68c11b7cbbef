import { describe, expect, it } from 'vitest';
import { deepMerge, installerOverrides } from './installer-overrides.ts';

const developerId = { CSC_LINK: '/secrets/developer-id.p12', CSC_KEY_PASSWORD: 'x' };
const apiKey = { APPLE_API_KEY: '/secrets/key.p8', APPLE_API_KEY_ID: 'ABC', APPLE_API_ISSUER: 'uuid' };

describe('installerOverrides', () => {
  it('signs ad-hoc without hardened runtime or notarization when no identity is set, and says so', () => {
    const { config, notes } = installerOverrides({ platform: 'darwin', env: {}, e2e: false });
    expect(config).toEqual({ mac: { identity: '-', hardenedRuntime: false, notarize: false } });
    expect(notes[0]).toMatch(/signing skipped: neither CSC_LINK .* nor CSC_NAME is set/);
    expect(notes.join('\n')).toContain('Open Anyway');
  });

  it('signs with the identity but skips notarization, naming the variables, when Apple credentials are partial', () => {
    const { config, notes } = installerOverrides({
      platform: 'darwin',
      env: { ...developerId, APPLE_ID: 'me@example.com' },
      e2e: false,
    });
    expect(config).toEqual({ mac: { notarize: false } });
    expect(notes[0]).toContain('APPLE_APP_SPECIFIC_PASSWORD');
  });

  it('changes nothing when identity and notarization credentials are complete', () => {
    const { config, notes } = installerOverrides({
      platform: 'darwin',
      env: { ...developerId, ...apiKey },
      e2e: false,
    });
    expect(config).toEqual({});
    expect(notes).toEqual(['macOS: signing with the Developer ID from CSC_LINK, notarizing with APPLE_API_KEY.']);
  });

  it('treats a blank variable as absent (an unset CI secret expands to "")', () => {
    expect(installerOverrides({ platform: 'darwin', env: { CSC_LINK: ' ' }, e2e: false }).config).toMatchObject({
      mac: { identity: '-' },
    });
  });

  it('leaves Linux builds alone', () => {
    expect(installerOverrides({ platform: 'linux', env: {}, e2e: false })).toEqual({ config: {}, notes: [] });
  });

  it('deep-merges objects and replaces arrays', () => {
    expect(deepMerge({ mac: { target: ['dmg'], category: 'x' } }, { mac: { target: ['zip'] } })).toEqual({
      mac: { target: ['zip'], category: 'x' },
    });
  });
});
