import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `../shared/fixtures/real` beside the repository (CI lays shared/ next to the clone). */
export const fixturesRoot = join(import.meta.dirname, '../../../../shared/fixtures/real');

export function fixtureFiles(folder: string): { name: string; text: string }[] {
  const dir = join(fixturesRoot, folder);
  if (!existsSync(dir))
    throw new Error(`Fixtures missing at ${dir}: the tests need ../shared/fixtures/real beside the repository.`);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}
