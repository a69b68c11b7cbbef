import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

/**
 * Starts and stops a cluster's API server process. It listens on the `kind` bridge's
 * gateway address; the control-plane container relays its published port 6443 there,
 * so the API answers at https://127.0.0.1:<published port> exactly while that container
 * runs — as with kind.
 */
export async function startApiServer(stateDir: string): Promise<void> {
  if (isRunning(stateDir)) return;
  const log = openSync(join(stateDir, 'apiserver.log'), 'a');
  const child = spawn(process.execPath, [join(import.meta.dirname, 'main.ts'), '--state', stateDir], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  child.unref();
  const { host, port } = JSON.parse(readFileSync(join(stateDir, 'cluster.json'), 'utf8')).apiUpstream;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (await canConnect(host, port)) return;
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `the lab API server did not start; see ${join(stateDir, 'apiserver.log')}:\n${readFileSync(join(stateDir, 'apiserver.log'), 'utf8').slice(-2000)}`,
  );
}

export function stopApiServer(stateDir: string): void {
  const pidFile = join(stateDir, 'apiserver.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  // Wait (bounded) for it to go, so a restart can take the same port.
  for (let i = 0; i < 100 && processAlive(pid); i += 1) spawnSync('sleep', ['0.05']);
  if (processAlive(pid)) {
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && processAlive(pid); i += 1) spawnSync('sleep', ['0.05']);
  }
  rmSync(pidFile, { force: true });
}

export function isRunning(stateDir: string): boolean {
  const pidFile = join(stateDir, 'apiserver.pid');
  return existsSync(pidFile) && processAlive(Number(readFileSync(pidFile, 'utf8')));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function freePortOn(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}
