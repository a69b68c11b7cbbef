import { describe, expect, it } from 'vitest';
import { CliError, runCli } from './cli-runner';
import { alive } from '../../../e2e/lab/processes.ts';

describe('runCli', () => {
  it('streams stderr lines while the program still runs; stderr is not failure', async () => {
    const events: string[] = [];
    const result = await runCli('sh', ['-c', 'echo progress >&2; sleep 0.5; echo done'], {
      onLine: (line, stream) => events.push(`${stream}:${line}`),
    });
    expect(events).toEqual(['stderr:progress', 'stdout:done']);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'done\n', stderr: 'progress\n' });
  });

  it('fails by exit code with a CliError carrying the command and the stderr tail', async () => {
    const error = await runCli('sh', ['-c', 'echo "ERROR: no such cluster" >&2; exit 3']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ command: 'sh', exitCode: 3, cancelled: false, stderrTail: 'ERROR: no such cluster' });
  });

  it('cancelling ends a child that ignores SIGTERM, and its children (the whole process group), within a second of the grace period', async () => {
    const controller = new AbortController();
    let grandchild = 0;
    let child = 0;
    const graceMs = 300;
    const run = runCli('sh', ['-c', 'trap "" TERM; sleep 300 & echo "$$ $!"; wait'], {
      signal: controller.signal,
      graceMs,
      onLine: (line) => {
        [child, grandchild] = line.split(' ').map(Number) as [number, number];
        controller.abort();
      },
    });
    const settled = run.catch((error: unknown) => error);
    try {
      await expect.poll(() => child, { timeout: 30_000 }).toBeGreaterThan(0);
      // Bounded, not by the test's deadline: a cancel that signals only the pid leaves `sleep`
      // holding the output open, so the run would never end — this fails in ~1 s instead.
      await expect
        .poll(() => [alive(child), alive(grandchild)], { timeout: graceMs + 1_000, interval: 50 })
        .toEqual([false, false]);
    } finally {
      // Whatever the outcome, leave nothing behind (and let the run end).
      for (const pid of [grandchild, child])
        try {
          if (pid > 0) process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
    }
    expect(await settled).toMatchObject({ name: 'CliError', cancelled: true });
  });

  it('passes arguments without a shell: metacharacters stay literal', async () => {
    const result = await runCli('printf', ['%s', '$(id); rm -rf ~']);
    expect(result.stdout).toBe('$(id); rm -rf ~');
  });
});
