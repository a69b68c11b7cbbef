import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServeTokenChoice {
  token: string;
  /** Where it came from, for the start-up line. */
  source: 'KINDSCOPE_TOKEN' | 'kept' | 'new';
  file: string;
}

const tokenPattern = /^[A-Za-z0-9_-]{32,128}$/;

/**
 * The serve token survives a restart, so an open tab reconnects by itself: it lives in
 * `<data dir>/serve-token`, owner-only (0600; the folder 0700). `rotate` (`--new-token`)
 * makes a new one, which logs out every browser that had the old.
 */
export function chooseServeToken(
  dataDir: string,
  options: { rotate?: boolean; env?: NodeJS.ProcessEnv } = {},
): ServeTokenChoice {
  const file = join(dataDir, 'serve-token');
  const fromEnv = (options.env ?? process.env).KINDSCOPE_TOKEN;
  if (fromEnv) return { token: fromEnv, source: 'KINDSCOPE_TOKEN', file };
  if (!options.rotate) {
    const kept = readKept(file);
    if (kept) return { token: kept, source: 'kept', file };
  }
  const token = randomBytes(24).toString('base64url');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${token}\n`, { mode: 0o600 });
  renameSync(temporary, file);
  return { token, source: 'new', file };
}

function readKept(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
  if (!tokenPattern.test(text)) return undefined;
  // Someone widened it (a restored backup, a copy): make it owner-only again.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return text;
}
