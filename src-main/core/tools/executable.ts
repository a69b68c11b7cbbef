import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';

/** A regular file this process may execute. */
export function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `name` in `dirs`, as a shell's PATH lookup finds it. */
export function findExecutable(name: string, dirs: Iterable<string>): string | undefined {
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}
