import { join } from 'node:path';
import type Docker from 'dockerode';
import { KindscopeError, type ClusterStatus } from '../contract';
import { CaptureService } from '../core/capture/capture-service';
import { runFailoverDrill } from '../core/capture/failover-drill';
import { pingNode, proveService } from '../core/host/reachability';
import type { ToolsService } from '../core/tools/tools-service';
import type { Logger } from '../core/util/logger';
import type { Handlers } from './router';

export interface CaptureHandlerDeps {
  docker(): Docker;
  statusOf(cluster: string): Promise<ClusterStatus>;
  tools: ToolsService;
  dataDir: string;
  log: Logger;
}

type CaptureHandlers = Pick<Handlers, 'captureArp' | 'captureDecode' | 'capturePing' | 'captureFailover'>;

/** The capture, decode, ping and failover calls over the capture service and the host probes. */
export function createCaptureHandlers(deps: CaptureHandlerDeps): CaptureHandlers {
  const capturesDir = join(deps.dataDir, 'captures');
  const service = () => new CaptureService({ docker: deps.docker(), statusOf: deps.statusOf, capturesDir, log: deps.log });
  return {
    captureArp: (input) => service().captureArp(input),
    captureDecode: ({ path }) => service().decodeFile(path),
    capturePing: async ({ cluster, node, namespace, service: name }) => {
      const status = await deps.statusOf(cluster);
      if (node) return pingNode(status, node);
      if (!name) throw new KindscopeError('INVALID_INPUT', 'ping needs a node or a service', 'Pass --node NAME or --service NAMESPACE/NAME.');
      return proveService(status, namespace ?? 'default', name);
    },
    captureFailover: (input) =>
      runFailoverDrill(
        {
          docker: deps.docker(),
          statusOf: deps.statusOf,
          capturesDir,
          log: deps.log,
          ciliumValues: async (cluster) => JSON.parse((await deps.tools.run('helm', ['get', 'values', 'cilium', '--namespace', 'kube-system', '--kube-context', `kind-${cluster}`, '--output', 'json'])).stdout || '{}'),
        },
        input,
      ),
  };
}
