import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labHome, repoRoot } from './lab-paths.ts';

/** Stand-ins the lab puts first on PATH, each a TypeScript entry run by this Node. */
const standIns: Record<string, string> = {
  kind: 'e2e/lab/kind/kind-standin.ts',
  helm: 'e2e/lab/helm/helm-standin.ts',
  cilium: 'e2e/lab/cilium/cilium-standin.ts',
};

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * Writes `<lab home>/bin/<tool>` wrappers with absolute paths (this Node, the stand-in
 * file), so the product finds them on PATH from any working directory, as it finds the
 * real tools. Returns the bin folder.
 */
export function writeStandInWrappers(env: NodeJS.ProcessEnv = process.env): string {
  const bin = join(labHome(env), 'bin');
  mkdirSync(bin, { recursive: true });
  for (const [tool, entry] of Object.entries(standIns)) {
    const file = join(bin, tool);
    writeFileSync(
      file,
      `#!/bin/sh\n# Kindscope test lab stand-in for ${tool} (see ../shared/LAB.md)\nexec ${quote(process.execPath)} ${quote(join(repoRoot, entry))} "$@"\n`,
    );
    chmodSync(file, 0o755);
  }
  return bin;
}
