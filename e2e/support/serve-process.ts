import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');

export interface ServeProcess {
  url: string;
  origin: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the built serve mode exactly as `npm run serve` does (on a free port) and
 * returns the printed URL. The environment is the test's to set (e.g. DOCKER_HOST).
 */
export async function startServe(
  env: Record<string, string | undefined> = {},
  options: { dataDir?: string; args?: string[] } = {},
): Promise<ServeProcess> {
  const entry = join(root, 'out/main/serve.js');
  if (!existsSync(entry))
    throw new Error('out/main/serve.js is missing. Fix: run `npm run build` first (`npm test` does).');
  // A throwaway data folder: settings and managed tools never touch the user's own.
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kindscope-e2e-'));
  const child: ChildProcess = spawn(process.execPath, [entry, ...(options.args ?? ['--port', '0'])], {
    cwd: root,
    env: { ...process.env, KINDSCOPE_HOME: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve mode printed no URL in 20 s:\n${output}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve mode exited (${code}) before printing its URL:\n${output}`));
    });
  });
  // A serve that dies under a test says why in the test's log (nothing lost on failure).
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`serve mode exited unexpectedly (${code ?? signal}):\n${output}`);
  });
  return {
    url,
    origin: new URL(url).origin,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        // Already gone — with a code, or by a signal (then exitCode stays null; waiting for
        // 'exit' again would wait for ever: it hung ci20's afterAll after serve had died).
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
