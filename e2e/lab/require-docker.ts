import { spawnSync } from 'node:child_process';

/**
 * Tests that need the engine call this first: Docker absent is a loud failure with a
 * one-line fix, never a skip (LAB.md).
 */
export function requireDocker(): { version: string } {
  const result = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (result.error || result.status !== 0 || !result.stdout.trim()) {
    throw new Error(
      `These tests need a running Docker engine and none answered (${(result.stderr || result.error?.message || '').trim().split('\n')[0]}). ` +
        'Fix: start it (`sudo dockerd --live-restore &`, or run `bash .ci/run` which installs and starts it).',
    );
  }
  return { version: result.stdout.trim() };
}

/** Runs the docker CLI (no shell) and returns stdout; throws with stderr on failure. */
export function docker(args: string[], input?: string | Buffer): string {
  const result = spawnSync('docker', args, { encoding: 'utf8', input, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0)
    throw new Error(`docker ${args.join(' ')} failed (${result.status}): ${result.stderr || result.error?.message}`);
  return result.stdout;
}

/** Runs the docker CLI and returns its result without throwing. */
export function tryDocker(args: string[], input?: string | Buffer): { status: number; stdout: string; stderr: string } {
  const result = spawnSync('docker', args, { encoding: 'utf8', input, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  return {
    status: result.status ?? 1,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? result.error?.message ?? '',
  };
}
