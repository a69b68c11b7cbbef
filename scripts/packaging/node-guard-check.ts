/**
 * Runs every Node entry point with an unsupported Node (KINDSCOPE_OLD_NODE, else
 * /usr/bin/node when it is older than the minimum, as on the project's machines) and
 * requires exactly the guard's one line on stderr and exit 1: no stack trace.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeVersionProblem } from '../../src-main/core/util/node-guard.mjs';

export function guardedEntries(root: string, notHere: (reason: string) => Error): string {
  const oldNode = process.env.KINDSCOPE_OLD_NODE ?? '/usr/bin/node';
  if (!existsSync(oldNode))
    throw notHere(`no unsupported Node to try: set KINDSCOPE_OLD_NODE to one (looked for ${oldNode})`);
  const version = spawnSync(oldNode, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
  if (!nodeVersionProblem(version))
    throw notHere(`${oldNode} is Node ${version}, which is supported: set KINDSCOPE_OLD_NODE to an older one`);
  const entries: [string, string[]][] = [
    ['out/main/cli.js (the package bin)', ['out/main/cli.js', 'docker']],
    ['out/main/serve.js', ['out/main/serve.js', '--port', '0']],
    ['npm run cli (scripts/built.mjs cli)', ['scripts/built.mjs', 'cli', 'docker']],
    ['npm run lab', ['--import', './src-main/core/util/node-guard.mjs', 'e2e/lab/lab-cli.ts', 'janitor']],
  ];
  const failures: string[] = [];
  for (const [name, args] of entries) {
    const result = spawnSync(oldNode, args, { cwd: root, encoding: 'utf8', timeout: 30_000 });
    const lines = result.stderr.trim().split('\n');
    if (
      result.status !== 1 ||
      lines.length !== 1 ||
      !lines[0]!.startsWith('Kindscope needs Node.js') ||
      result.stdout !== ''
    ) {
      failures.push(`${name}: exit ${result.status}, stderr:\n${result.stderr.slice(0, 600)}`);
    }
  }
  if (failures.length > 0) throw new Error(failures.join('\n'));
  if (!/^engine-strict\s*=\s*true$/m.test(readFileSync(join(root, '.npmrc'), 'utf8')))
    throw new Error('.npmrc must say engine-strict=true');
  return `${entries.length} entries under Node ${version} print the one-line refusal and exit 1; .npmrc has engine-strict`;
}
