import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The campaigns run real handlers and real commands, as root on a shared machine, with
 * inputs that include paths (`--save PATH --yes`, a future "write to" field). Every path
 * they generate must land in a throwaway folder: the working directory is a folder eight
 * levels deep in a fresh temporary one (so `../../../../etc/passwd` stays inside), and
 * absolute paths are rooted there (`<sandbox>/../../../etc/shadow`, never `/etc/shadow`).
 */
let current: string | undefined;

export function enterSandbox(): { dir: string; leave(): void } {
  const root = mkdtempSync(join(tmpdir(), 'kindscope-campaign-'));
  const dir = join(root, 'd1/d2/d3/d4/d5/d6/d7/d8');
  mkdirSync(dir, { recursive: true });
  const previous = process.cwd();
  process.chdir(dir);
  current = dir;
  return {
    dir,
    leave() {
      process.chdir(previous);
      current = undefined;
    },
  };
}

export function sandboxDir(): string {
  if (!current) throw new Error('A campaign generated a path outside enterSandbox(): call it in beforeAll');
  return current;
}

/** A generated string that would be an absolute path is rooted in the sandbox. */
export function confined(text: string): string {
  return text.startsWith('/') ? `${sandboxDir()}${text}` : text;
}
