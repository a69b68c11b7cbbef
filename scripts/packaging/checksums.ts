/** `SHA256SUMS` beside the artifacts, in the format `sha256sum -c` / `shasum -a 256 -c` read. */
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What users download: installers and the CLI's single executables. */
export const artifactPattern = /\.(dmg|AppImage|deb|zip|tar\.gz)$|^kindscope-cli-/;

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Writes `<dir>/SHA256SUMS` for every artifact directly in `dir`; returns its lines. */
export async function writeChecksums(dir: string): Promise<string[]> {
  const names = readdirSync(dir)
    .filter((name) => artifactPattern.test(name) && statSync(join(dir, name)).isFile())
    .sort();
  const lines = await Promise.all(names.map(async (name) => `${await sha256File(join(dir, name))}  ${name}`));
  writeFileSync(join(dir, 'SHA256SUMS'), lines.length > 0 ? `${lines.join('\n')}\n` : '');
  return lines;
}
