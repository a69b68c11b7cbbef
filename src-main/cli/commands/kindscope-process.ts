import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { vi } from 'vitest';
import type { ClusterStatus } from '../../contract';
import { kindscopeEntry } from '../../../e2e/lab/kindscope-entry.ts';

const root = join(import.meta.dirname, '../../..');
const entry = kindscopeEntry;

/** Runs `kindscope …` as a user does (the built CLI, like `npm run cli`); killed after `timeoutMs`. */
export function kindscope(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000) {
  const result = spawnSync(process.execPath, [...entry, ...args], {
    cwd: root,
    encoding: 'utf8',
    env,
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/**
 * `kindscope status --cluster N --watch --json` running in the background: every line it
 * prints, parsed, with the time it arrived.
 */
export class StatusWatch {
  readonly documents: { at: number; status: ClusterStatus }[] = [];
  readonly stderr: string[] = [];
  private readonly child: ChildProcess;
  private buffer = '';
  private exited: Promise<number | null>;

  constructor(cluster: string, env: NodeJS.ProcessEnv) {
    this.child = spawn(process.execPath, [...entry, 'status', '--cluster', cluster, '--watch', '--json'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString();
      let newline;
      while ((newline = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        // One JSON document per line: a line that does not parse fails the test here.
        this.documents.push({ at: Date.now(), status: JSON.parse(line) as ClusterStatus });
      }
    });
    this.child.stderr!.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  get latest(): ClusterStatus | undefined {
    return this.documents.at(-1)?.status;
  }

  /** Waits until the latest document satisfies `check` (which throws otherwise). */
  async until(check: (status: ClusterStatus) => void, timeout = 50_000): Promise<ClusterStatus> {
    await vi.waitFor(
      () => {
        if (!this.latest) throw new Error(`no document yet; stderr: ${this.stderr.join('')}`);
        check(this.latest);
      },
      { timeout, interval: 100 },
    );
    return this.latest!;
  }

  /** Ctrl-C, as a user stops it; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGINT');
    return this.exited;
  }
}
