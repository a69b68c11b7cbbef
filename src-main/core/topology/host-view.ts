import type Docker from 'dockerode';
import { parseIpLink, parseIpRoute, parseNetstatRoutes, type IpLink, type IpRoute, type NetstatRoute } from '../net';
import { demuxFrames } from '../docker/docker-exec';
import { helperLabel, helperName, ownerLabel } from '../docker/helper-containers';
import { runTool } from '../tools/run-tool';
import type { Logger } from '../util/logger';

export interface HostView {
  platform: NodeJS.Platform;
  /** Links of the namespace the bridge lives in (empty when not readable). */
  links: IpLink[];
  /** This machine's routes (Linux `ip route`). */
  routes: IpRoute[];
  /** This machine's routes on macOS (`netstat -rn`). */
  netstatRoutes: NetstatRoute[];
  observedFrom: 'host' | 'engine-vm';
  problems: string[];
}

/**
 * Reads the host's side of the data path. On Linux with a native engine the bridge and
 * veths are right here; with Docker Desktop, OrbStack or Colima they live in the engine's
 * VM, so they are read from the engine's host namespace by a short-lived helper container
 * (`--net host --pid host`) made from an image that has iproute2 — the cluster's own
 * node image.
 */
export class HostViewReader {
  constructor(
    private readonly docker: Docker,
    private readonly log: Logger,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  /**
   * @param engineLinks links of the engine's host namespace when already read (the netns
   *   reader does), so no extra helper container is needed.
   */
  async read(
    bridgeNames: string[],
    helperImage: string | undefined,
    engineLinks?: IpLink[],
    /** Ends the read at once: `ip`/`netstat` are killed, the helper's requests aborted. */
    signal?: AbortSignal,
  ): Promise<HostView> {
    const problems: string[] = [];
    let links: IpLink[] = [];
    let routes: IpRoute[] = [];
    let netstatRoutes: NetstatRoute[] = [];
    const runOptions = signal ? { signal } : {};
    if (this.platform === 'linux') {
      const [linkResult, routeResult] = await Promise.allSettled([
        runTool('ip', 'ip', ['-j', 'link', 'show'], runOptions),
        runTool('ip', 'ip', ['-j', 'route', 'show'], runOptions),
      ]);
      signal?.throwIfAborted();
      if (linkResult.status === 'fulfilled') links = parseIpLink(linkResult.value.stdout).items;
      else
        problems.push(`Could not read this machine's interfaces (ip -j link): ${(linkResult.reason as Error).message}`);
      if (routeResult.status === 'fulfilled') routes = parseIpRoute(routeResult.value.stdout).items;
    } else if (this.platform === 'darwin') {
      try {
        const netstat = await runTool('netstat', 'netstat', ['-rn', '-f', 'inet'], runOptions);
        netstatRoutes = parseNetstatRoutes(netstat.stdout).items;
      } catch (error) {
        signal?.throwIfAborted();
        problems.push(`Could not read this machine's routes (netstat -rn): ${(error as Error).message}`);
      }
    }
    const bridgeHere = bridgeNames.some((name) => links.some((link) => link.ifname === name));
    if (bridgeHere || bridgeNames.length === 0)
      return {
        platform: this.platform,
        links: engineLinks ?? links,
        routes,
        netstatRoutes,
        observedFrom: 'host',
        problems,
      };
    if (engineLinks)
      return {
        platform: this.platform,
        links: engineLinks,
        routes,
        netstatRoutes,
        observedFrom: 'engine-vm',
        problems,
      };

    if (!helperImage) {
      problems.push(
        'The bridge is not on this machine and no image with iproute2 is available to look inside the engine.',
      );
      return { platform: this.platform, links: [], routes, netstatRoutes, observedFrom: 'engine-vm', problems };
    }
    try {
      const engineLinks = await this.readEngineNamespace(helperImage, signal);
      return {
        platform: this.platform,
        links: engineLinks,
        routes,
        netstatRoutes,
        observedFrom: 'engine-vm',
        problems,
      };
    } catch (error) {
      signal?.throwIfAborted();
      this.log.warn('Reading the engine namespace failed', error);
      problems.push(
        `Could not look inside the engine's VM with a helper container (${helperImage}): ${(error as Error).message}`,
      );
      return { platform: this.platform, links: [], routes, netstatRoutes, observedFrom: 'engine-vm', problems };
    }
  }

  /** `ip -j link` in the engine's host namespace, from a throwaway container. */
  private async readEngineNamespace(image: string, signal?: AbortSignal): Promise<IpLink[]> {
    const abortSignal = signal ? { abortSignal: signal } : {};
    const container = await this.docker.createContainer({
      ...abortSignal,
      name: helperName('host-view'),
      Image: image,
      Entrypoint: ['ip'],
      Cmd: ['-j', 'link', 'show'],
      Labels: { [helperLabel]: 'host-view', [ownerLabel]: String(process.pid) },
      HostConfig: { NetworkMode: 'host', PidMode: 'host', AutoRemove: false },
    });
    try {
      await container.start(abortSignal);
      await container.wait(abortSignal);
      const logs = await container.logs({ stdout: true, stderr: false, follow: false, ...abortSignal });
      return parseIpLink(demuxFrames(logs)).items;
    } finally {
      await container.remove({ force: true }).catch(() => undefined);
    }
  }
}
