import { runCli, type RunOptions, type RunResult } from './cli-runner';
import { runCommandPolicy, type PolicyTool } from './run-policy';
import { KindscopeError } from '../../contract';

/**
 * The only door to the raw runner for product code: the run policy decides first, and a
 * refused command never starts. `run-tool.test.ts` fails when another module imports
 * `cli-runner` directly.
 */
export function runTool(
  tool: PolicyTool,
  bin: string,
  args: readonly string[],
  options: RunOptions = {},
  baseEnv: NodeJS.ProcessEnv = process.env,
): Promise<RunResult> {
  const decision = runCommandPolicy({ tool, bin, args });
  if (!decision.allowed) return Promise.reject(new KindscopeError('INVALID_INPUT', decision.reason, decision.hint));
  return runCli(bin, args, options, baseEnv);
}

export { CliError, type RunOptions, type RunResult } from './cli-runner';
