import { isAbsolute, join, relative, resolve } from 'node:path';
import type Docker from 'dockerode';
import { KindscopeError, type ClusterStatus } from '../contract';
import { CaptureService } from '../core/capture/capture-service';
import { runFailoverDrill } from '../core/capture/failover-drill';
import { recoverFailoverDrill } from '../core/capture/failover-recover';
import type { ProofDeps } from '../core/host/probe';
import { hostProbes, pingNode, proveService } from '../core/host/reachability';
import type { ToolsService } from '../core/tools/tools-service';
import type { Logger } from '../core/util/logger';
import type { Handlers } from './router';

export interface CaptureHandlerDeps {
  docker(): Docker;
  statusOf(cluster: string): Promise<ClusterStatus>;
  /** What `ping` measures with: the path check, the neighbour table, the ARP asker (core/host/probe.ts). */
  proof(): ProofDeps;
  tools: ToolsService;
  dataDir: string;
  log: Logger;
  /**
   * Whether `capture:decode` may read any file. Only the CLI (the user's own shell) may;
   * through the window or serve mode a token holder could otherwise read the first bytes of
   * any file Kindscope can read (their error names them), so there it reads Kindscope's captures only.
   */
  decodeAnyPath: boolean;
}

type CaptureHandlers = Pick<
  Handlers,
  'captureArp' | 'captureDecode' | 'capturePing' | 'captureFailover' | 'captureFailoverRecover'
>;

/** The capture, decode, ping and failover calls over the capture service and the host probes. */
export function createCaptureHandlers(deps: CaptureHandlerDeps): CaptureHandlers {
  const capturesDir = join(deps.dataDir, 'captures');
  const service = () =>
    new CaptureService({ docker: deps.docker(), statusOf: deps.statusOf, capturesDir, log: deps.log });
  return {
    captureArp: (input) => service().captureArp(input),
    captureDecode: ({ path }) => {
      const inside = relative(capturesDir, resolve(path));
      if (!deps.decodeAnyPath && (inside.startsWith('..') || isAbsolute(inside))) {
        throw new KindscopeError(
          'INVALID_INPUT',
          `path: ${path} is not one of Kindscope's captures`,
          `Here only captures in ${capturesDir} are decoded; decode other files with \`kindscope pcap FILE\`.`,
        );
      }
      return service().decodeFile(path);
    },
    capturePing: async ({ cluster, node, namespace, service: name }) => {
      const status = await deps.statusOf(cluster);
      if (node) return pingNode(status, node, hostProbes(deps.proof()));
      if (!name)
        throw new KindscopeError(
          'INVALID_INPUT',
          'ping needs a node or a service',
          'Pass --node NAME or --service NAMESPACE/NAME.',
        );
      return proveService(status, namespace ?? 'default', name, hostProbes(deps.proof()));
    },
    captureFailover: (input) =>
      runFailoverDrill(
        {
          docker: deps.docker(),
          statusOf: deps.statusOf,
          capturesDir,
          log: deps.log,
          ciliumValues: async (cluster) =>
            JSON.parse(
              (
                await deps.tools.run('helm', [
                  'get',
                  'values',
                  'cilium',
                  '--namespace',
                  'kube-system',
                  '--kube-context',
                  `kind-${cluster}`,
                  '--output',
                  'json',
                ])
              ).stdout || '{}',
            ),
        },
        input,
      ),
    captureFailoverRecover: (input) => recoverFailoverDrill(deps.docker(), input),
  };
}
