import type Docker from 'dockerode';
import { execInContainer } from '../docker/docker-exec';
import { helperLabels, helperName, removeOrphanHelpers } from '../docker/helper-containers';
import type { Logger } from '../util/logger';

export { helperLabel } from '../docker/helper-containers';

export interface NetnsReading {
  /** `ip -j link` in the engine's host namespace (where the bridge and veths are). */
  engineLinks: string;
  /** Per node PID: `ip -j addr` and `ip -j route` inside its network namespace. */
  nodes: Map<number, { addr: string; route: string }>;
}

const marker = '@@KINDSCOPE@@';
// Positional arguments are validated PIDs; the script itself is constant.
const script = [
  'ip -j link show;',
  'for p in "$@"; do',
  `echo "${marker} $p addr"; nsenter -t "$p" -n ip -j addr show;`,
  `echo "${marker} $p route"; nsenter -t "$p" -n ip -j route show;`,
  'done',
].join(' ');

/**
 * Reads every node's network namespace in one `docker exec`: a long-lived helper container
 * (`--pid host --net host`, CAP_SYS_ADMIN and CAP_SYS_PTRACE for nsenter) made from the
 * cluster's own node image, which has iproute2 and util-linux. One exec instead of one or
 * two per node is what keeps a 32-node snapshot cheap (each exec costs ~40 ms of CPU).
 * Where the helper cannot run (rootless engines, images without nsenter) the caller falls
 * back to per-node execs.
 */
export class NetnsReader {
  private helper: Promise<string> | undefined;
  private unavailable: string | undefined;
  /** After dispose no helper is made again (a snapshot still running when Ctrl-C came). */
  private disposed = false;

  constructor(
    private readonly docker: Docker,
    private readonly log: Logger,
  ) {}

  /** Why the helper cannot be used, once it failed. */
  get unavailableReason(): string | undefined {
    return this.unavailable;
  }

  /** @param signal ends the read at once (the exec's connection with it); cancelled is no verdict on the helper. */
  async read(image: string, pids: number[], signal?: AbortSignal): Promise<NetnsReading | undefined> {
    if (this.unavailable) return undefined;
    if (pids.some((pid) => !Number.isInteger(pid) || pid <= 0)) throw new Error('invalid PID');
    try {
      const id = await this.ensureHelper(image);
      const argv = ['sh', '-c', script, 'sh', ...pids.map(String)];
      const result = await execInContainer(this.docker, id, argv, signal);
      if (result.exitCode !== 0 && !result.stdout.includes(marker) && pids.length > 0)
        throw new Error(result.stderr.trim() || `exit code ${result.exitCode}`);
      return parse(result.stdout);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      this.unavailable = (error as Error).message;
      this.log.info(
        `Reading node namespaces through a helper container is not possible here (${this.unavailable}); reading each node with docker exec instead.`,
      );
      await this.dispose();
      return undefined;
    }
  }

  private removeOrphans(): Promise<void> {
    // Every kind of helper (a host-view read cut short by a crash leaves one too), but only
    // those whose owner is known and gone, or past their expiry: a live Kindscope's helper is never touched.
    return removeOrphanHelpers(this.docker);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const helper = this.helper;
    this.helper = undefined;
    const id = await helper?.catch(() => undefined);
    if (id)
      await this.docker
        .getContainer(id)
        .remove({ force: true })
        .catch(() => undefined);
  }

  private ensureHelper(image: string): Promise<string> {
    if (this.disposed) return Promise.reject(new Error('Kindscope is shutting down'));
    this.helper ??= (async () => {
      await this.removeOrphans();
      const container = await this.docker.createContainer({
        name: helperName('netns'),
        Image: image,
        Entrypoint: ['sleep'],
        Cmd: ['2147483647'],
        Labels: helperLabels('netns-reader'),
        HostConfig: {
          NetworkMode: 'host',
          PidMode: 'host',
          CapAdd: ['SYS_ADMIN', 'SYS_PTRACE'],
          SecurityOpt: ['apparmor=unconfined'],
          AutoRemove: true,
        },
      });
      // Made while dispose ran: remove it at once rather than leave it behind.
      if (this.disposed) {
        await container.remove({ force: true }).catch(() => undefined);
        throw new Error('Kindscope is shutting down');
      }
      await container.start();
      return container.id;
    })();
    this.helper.catch(() => (this.helper = undefined));
    return this.helper;
  }
}

/** Helpers left by a Kindscope process that is gone (a crash): removed before making ours. */
function parse(stdout: string): NetnsReading {
  const nodes = new Map<number, { addr: string; route: string }>();
  const [engineLinks = '', ...sections] = stdout.split(`${marker} `);
  for (const section of sections) {
    const newline = section.indexOf('\n');
    const [pidText, kind] = section.slice(0, newline).trim().split(' ');
    const body = section.slice(newline + 1);
    const pid = Number(pidText);
    const entry = nodes.get(pid) ?? { addr: '', route: '' };
    if (kind === 'addr') entry.addr = body;
    else if (kind === 'route') entry.route = body;
    nodes.set(pid, entry);
  }
  return { engineLinks, nodes };
}
