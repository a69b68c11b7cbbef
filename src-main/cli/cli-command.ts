import type { ParseArgsOptionDescriptor } from 'node:util';
import type { AppError, KindscopeClient } from '../contract';
import type { Output } from './output';

/** Option values after parsing: what `node:util` parseArgs gives for string/boolean options. */
export type CliValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** What a command gets to run: the typed client over the same router as the window. */
export interface CliContext {
  client: KindscopeClient;
  output: Output;
  values: CliValues;
  positionals: string[];
  json: boolean;
  /** Ends the command with an error as data (`--json`) or as text with its hint: exit 1. */
  fail(error: AppError): number;
  /** Ends the command with a usage error naming what is wrong: exit 2. */
  usageError(message: string): number;
  /** Prints a value as JSON (stdout) or, without `--json`, the given text. */
  print(value: unknown, text: string): void;
  /** Aborted on Ctrl-C: long-running commands stop their work with it. */
  signal: AbortSignal;
  /**
   * Work to finish even on Ctrl-C (a drill's stopped node started again): the CLI waits for it
   * before it disposes the app and exits — up to 30 s; a second Ctrl-C quits at once.
   */
  finishBeforeExit(work: Promise<unknown>): void;
}

/**
 * One `kindscope` verb. The table in `commands/index.ts` is the whole command line:
 * global help, per-command help, option parsing and "did you mean" come from it.
 */
export interface CliCommand {
  name: string;
  /** One line for the global help. */
  summary: string;
  /** Synopsis lines and details for `kindscope <name> --help`. */
  help: string;
  /** Options beyond the global `--json` and `--help`. */
  options?: Record<string, ParseArgsOptionDescriptor>;
  /** Positional arguments the command takes (default none: extra words are a usage error). */
  positionals?: boolean;
  /** Follow the engine live (Docker events) for this run, e.g. `status --watch`; default no. */
  live?(values: CliValues): boolean;
  run(context: CliContext): Promise<number>;
}

/** `--service ns/name` or `--service name` (namespace `default`, as kubectl). */
export function parseServiceRef(value: string): { namespace: string; service: string } {
  const [namespace, service] = value.includes('/') ? value.split('/', 2) : ['default', value];
  return { namespace: namespace!, service: service! };
}

/** The closest of `candidates` to `word`, for "did you mean" (one rule with core's). */
export { closestName as closest } from '../core/util/closest';
