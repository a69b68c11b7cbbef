import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, copyFileSync, mkdtempSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker } from '../../../e2e/lab/require-docker.ts';
import { explainUnreachable } from './docker-client';
import { permissionHint } from './socket-access';
import { kindscopeEntry } from '../../../e2e/lab/kindscope-entry.ts';

const root = join(import.meta.dirname, '../../..');

/** A node binary that the unprivileged user can execute (ours may sit under a 0700 home). */
function nodeForNobody(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kindscope-node-'));
  chmodSync(dir, 0o755);
  const copy = join(dir, 'node');
  copyFileSync(process.execPath, copy);
  chmodSync(copy, 0o755);
  return copy;
}

describe('a Docker socket this user may not open', () => {
  beforeAll(() => requireDocker());

  it('names the socket group and the fix: `sudo usermod -aG docker $USER` and a new login', () => {
    const socket = '/var/run/docker.sock';
    // The real engine socket (root:docker 0660), opened by `nobody`, who is not in the group.
    expect(statSync(socket).mode & 0o007).toBe(0);
    const home = mkdtempSync(join(tmpdir(), 'kindscope-nobody-'));
    chmodSync(home, 0o777);
    const result = spawnSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', nodeForNobody(), ...kindscopeEntry, 'docker', '--json'],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
        env: { PATH: '/usr/bin:/bin', HOME: home, USER: 'nobody', KINDSCOPE_HOME: join(home, 'data') },
      },
    );
    expect(result.status, result.stderr).toBe(1);
    const status = JSON.parse(result.stdout) as { state: string; problem: { message: string; hint: string } };
    expect(status.state).toBe('offline');
    expect(status.problem.message).toBe(
      'Permission denied on /var/run/docker.sock (owned by group docker, which nobody does not have in this session)',
    );
    expect(status.problem.hint).toContain(
      '/var/run/docker.sock belongs to the `docker` group. Add yourself: `sudo usermod -aG docker $USER`, then log out and back in (a new login)',
    );
    expect(status.problem.hint).toContain('Rootless Docker listens at `$XDG_RUNTIME_DIR/docker.sock`');
  });

  it('tells a user already listed in the group that only a new login is missing', () => {
    expect(
      permissionHint('/var/run/docker.sock', {
        group: 'docker',
        listedInGroup: true,
        processHasGroup: false,
        user: 'ada',
      }),
    ).toMatch(/^You are in the `docker` group, but this session started before you were added: log out and back in/);
  });
});

describe('rootless Docker', () => {
  let server: Server;
  let runtimeDir: string;

  beforeAll(async () => {
    runtimeDir = mkdtempSync(join(tmpdir(), 'kindscope-xdg-'));
    server = createServer();
    await new Promise<void>((resolve) => server.listen(join(runtimeDir, 'docker.sock'), resolve));
    accessSync(join(runtimeDir, 'docker.sock'), constants.W_OK);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('when the default socket is missing, names the rootless socket at $XDG_RUNTIME_DIR/docker.sock and how to select it', () => {
    const missing = Object.assign(new Error('connect ENOENT'), { code: 'ENOENT' });
    const problem = explainUnreachable(
      { host: 'unix:///nonexistent/docker.sock', source: 'default', tls: false },
      missing,
      { XDG_RUNTIME_DIR: runtimeDir },
    );
    expect(problem.message).toBe(
      'No Docker engine socket at /nonexistent/docker.sock, selected by the default endpoint',
    );
    expect(problem.hint).toContain(
      `rootless Docker at ${join(runtimeDir, 'docker.sock')} (\`docker context use rootless\`)`,
    );
  });
});
