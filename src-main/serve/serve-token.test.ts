import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseServeToken } from './serve-token';

const env = {};

describe('serve token', () => {
  it('is made once, owner-only, and kept across restarts; --new-token rotates it', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'kindscope-token-')), 'data');
    const first = chooseServeToken(dir, { env });
    expect(first.source).toBe('new');
    expect(first.token.length).toBeGreaterThanOrEqual(32);
    expect(statSync(first.file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(chooseServeToken(dir, { env })).toEqual({ ...first, source: 'kept' });
    const rotated = chooseServeToken(dir, { env, rotate: true });
    expect(rotated.source).toBe('new');
    expect(rotated.token).not.toBe(first.token);
    expect(readFileSync(first.file, 'utf8').trim()).toBe(rotated.token);
  });

  it('narrows a widened file back to 0600 and replaces a damaged one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindscope-token-'));
    const { file, token } = chooseServeToken(dir, { env });
    chmodSync(file, 0o644);
    expect(chooseServeToken(dir, { env }).token).toBe(token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, 'short');
    expect(chooseServeToken(dir, { env })).toMatchObject({ source: 'new' });
  });

  it('KINDSCOPE_TOKEN wins and is not written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindscope-token-'));
    expect(chooseServeToken(dir, { env: { KINDSCOPE_TOKEN: 'from-the-environment' } })).toMatchObject({
      token: 'from-the-environment',
      source: 'KINDSCOPE_TOKEN',
    });
  });
});
