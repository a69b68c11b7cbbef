import { describe, expect, it } from 'vitest';
import { CliError, runCli } from './cli-runner';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

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

  it('cancelling ends a child that ignores SIGTERM, and its children, after the grace period', async () => {
    const controller = new AbortController();
    let grandchild = 0;
    let child = 0;
    const run = runCli('sh', ['-c', 'trap "" TERM; sleep 300 & echo "$$ $!"; wait'], {
      signal: controller.signal,
      graceMs: 300,
      onLine: (line) => {
        [child, grandchild] = line.split(' ').map(Number) as [number, number];
        controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ name: 'CliError', cancelled: true });
    expect(child).toBeGreaterThan(0);
    expect(alive(child)).toBe(false);
    await expect.poll(() => alive(grandchild), { timeout: 5_000 }).toBe(false);
  });

  it('passes arguments without a shell: metacharacters stay literal', async () => {
    const result = await runCli('printf', ['%s', '$(id); rm -rf ~']);
    expect(result.stdout).toBe('$(id); rm -rf ~');
  });
});
