import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTool } from './run-tool';

const srcMain = join(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** `import … from '…/cli-runner'`, `export … from`, `import('…/cli-runner')`, `require(…)`. */
const rawRunnerImport = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"][^'"]*\/cli-runner(?:\.ts|\.js)?['"]/;
/** Spawning without the runner at all. */
const childProcessImport = /['"](?:node:)?child_process['"]/;

describe('every product call of the tool runner goes through the run policy', () => {
  it('only run-tool.ts imports the raw runner, and only cli-runner.ts imports child_process', () => {
    const offenders = sourceFiles(srcMain).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      // Test support (it imports vitest) runs the CLI as a user would; it is not product code.
      if (/from ['"]vitest['"]/.test(text)) return [];
      const name = relative(srcMain, file);
      return [
        ...(rawRunnerImport.test(text) && name !== join('core', 'tools', 'run-tool.ts')
          ? [`${name} imports cli-runner (use runTool from core/tools/run-tool)`]
          : []),
        ...(childProcessImport.test(text) && name !== join('core', 'tools', 'cli-runner.ts')
          ? [`${name} imports child_process`]
          : []),
      ];
    });
    expect(offenders).toEqual([]);
  });

  it('the scan sees the product modules that run tools', () => {
    // If the scan looked nowhere, the test above would pass for nothing.
    const users = sourceFiles(srcMain)
      .filter((file) => /\brunTool\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(srcMain, file));
    expect(users).toEqual(
      expect.arrayContaining([
        join('core', 'tools', 'tools-service.ts'),
        join('core', 'tools', 'gui-environment.ts'),
        join('core', 'topology', 'host-view.ts'),
      ]),
    );
  });

  it('a refused command never starts', async () => {
    await expect(runTool('kind', '/bin/sh', ['-c', 'touch /tmp/kindscope-policy-breach'])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('is not kind'),
    });
  });

  it('an allowed command runs', async () => {
    await expect(runTool('ip', 'ip', ['-j', 'link', 'show'])).resolves.toMatchObject({ exitCode: 0 });
  });
});
