import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImageReference } from '../contract';
import { captureImageChoice, ensureCaptureImage } from '../core/capture/capture-image';
import { SettingsStore } from '../core/settings/settings-store';
import { createMemoryLogger } from '../core/util/logger';
import { createCaptureHandlers, type CaptureHandlerDeps } from './capture-handlers';

function handlers(dataDir: string) {
  const settings = new SettingsStore(dataDir, createMemoryLogger());
  const deps = {
    docker: () => {
      throw new Error('no engine in this test');
    },
    statusOf: () => Promise.reject(new Error('not needed')),
    proof: () => {
      throw new Error('not needed');
    },
    tools: undefined as unknown as CaptureHandlerDeps['tools'],
    settings,
    dataDir,
    log: createMemoryLogger(),
    decodeAnyPath: false,
  } satisfies CaptureHandlerDeps;
  return { calls: createCaptureHandlers(deps), settings };
}

describe('the capture image, settable in Settings', () => {
  it('KINDSCOPE_CAPTURE_IMAGE wins, then the Settings choice, then netshoot', () => {
    expect(captureImageChoice({ KINDSCOPE_CAPTURE_IMAGE: 'env/image:1' }, 'mine/tools:2')).toEqual({
      image: 'env/image:1',
      source: 'environment',
    });
    expect(captureImageChoice({}, 'mine/tools:2')).toEqual({ image: 'mine/tools:2', source: 'settings' });
    expect(captureImageChoice({}, undefined)).toEqual({
      image: 'docker.io/nicolaka/netshoot:v0.13',
      source: 'default',
    });
  });

  it('is kept in settings.json, read back by a new store (a restart), and cleared with null', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kindscope-capture-image-'));
    const saved = await handlers(dataDir).calls.captureSetImage({ image: 'registry.local:5000/net/tools:v1' });
    // No engine answers here: whether it is present is unknown, not "absent".
    expect(saved).toEqual({
      image: process.env.KINDSCOPE_CAPTURE_IMAGE?.trim() || 'registry.local:5000/net/tools:v1',
      source: process.env.KINDSCOPE_CAPTURE_IMAGE?.trim() ? 'environment' : 'settings',
      defaultImage: 'docker.io/nicolaka/netshoot:v0.13',
      settingsImage: 'registry.local:5000/net/tools:v1',
    });
    expect(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')).captureImage).toBe(
      'registry.local:5000/net/tools:v1',
    );
    const again = handlers(dataDir);
    expect((await again.calls.captureImage({})).settingsImage).toBe('registry.local:5000/net/tools:v1');
    const cleared = await again.calls.captureSetImage({ image: null });
    expect(cleared.settingsImage).toBeUndefined();
    expect(again.settings.get().captureImage).toBeUndefined();
  });

  it('a name no engine could resolve is refused, naming what is wrong', () => {
    for (const good of [
      'nicolaka/netshoot:v0.13',
      'docker.io/nicolaka/netshoot',
      'localhost:5000/a/b@sha256:' + 'a'.repeat(64),
    ])
      expect(ImageReference.safeParse(good).success).toBe(true);
    for (const bad of ['Nicolaka/Netshoot', 'netshoot:', 'a b', '--privileged', 'x;rm -rf /', ''])
      expect(ImageReference.safeParse(bad).error?.issues[0]?.message).toMatch(/must be an image reference/);
  });

  it('the question before a pull names the image, the Settings alternative and how to load it offline', async () => {
    const docker = { getImage: () => ({ inspect: () => Promise.reject(new Error('No such image')) }) };
    const error = await ensureCaptureImage(docker as never, 'mine/tools:2', false).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'CONSENT_REQUIRED',
      message: expect.stringContaining('mine/tools:2'),
      hint: expect.stringMatching(
        /Settings → Capture image.*KINDSCOPE_CAPTURE_IMAGE.*docker save mine\/tools:2.*docker load -i tools\.tar/,
      ),
    });
  });
});
