import { isAbsolute, join, relative, resolve } from 'node:path';
import type Docker from 'dockerode';
import { KindscopeError, type ClusterStatus } from '../contract';
import { CaptureService } from '../core/capture/capture-service';
import { runFailoverDrill } from '../core/capture/failover-drill';
import { recoverFailoverDrill } from '../core/capture/failover-recover';
import { isBgpCluster, runBgpFailoverDrill } from '../core/capture/bgp-failover-drill';
import { nodeAddresses } from '../core/lab/run/kind-nodes';
import type { ProofDeps } from '../core/host/probe';
import type { MeasurementStore } from '../core/cluster/measurements';
import { hostProbes, pingNode, proveService } from '../core/host/reachability';
import type { ToolsService } from '../core/tools/tools-service';
import type { SettingsStore } from '../core/settings/settings-store';
import { captureImageChoice, defaultCaptureImage } from '../core/capture/capture-image';
import { imagePresent } from '../core/capture/node-capture';
import type { Logger } from '../core/util/logger';
import type { Handlers } from './router';

export interface CaptureHandlerDeps {
  docker(): Docker;
  statusOf(cluster: string): Promise<ClusterStatus>;
  /** What `ping` measures with: the path check, the neighbour table, the ARP asker (core/host/probe.ts). */
  proof(): ProofDeps;
  /** Where a capture's and a drill's measurements go, beside the proofs' (every view shows the last). */
  measurements?: MeasurementStore;
  tools: ToolsService;
  /** Where the capture image chosen in Settings is kept. */
  settings: SettingsStore;
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
  | 'captureArp'
  | 'captureDecode'
  | 'capturePing'
  | 'captureFailover'
  | 'captureFailoverRecover'
  | 'captureImage'
  | 'captureSetImage'
>;

/** The capture, decode, ping and failover calls over the capture service and the host probes. */
export function createCaptureHandlers(deps: CaptureHandlerDeps): CaptureHandlers {
  const capturesDir = join(deps.dataDir, 'captures');
  const settingsImage = () => deps.settings.get().captureImage;
  const chosen = () => settingsImage();
  const service = () =>
    new CaptureService({
      docker: deps.docker(),
      statusOf: deps.statusOf,
      capturesDir,
      log: deps.log,
      ...(chosen() ? { settingsImage: chosen()! } : {}),
    });
  const imageInfo = async () => {
    const { image, source } = captureImageChoice(process.env, settingsImage());
    // Whether it is here: asked of the engine, unknown (absent) when the engine does not answer.
    const present = await Promise.resolve()
      .then(() => imagePresent(deps.docker(), image))
      .catch(() => undefined);
    return {
      image,
      source,
      defaultImage: defaultCaptureImage.name,
      ...(settingsImage() ? { settingsImage: settingsImage()! } : {}),
      ...(present !== undefined ? { present } : {}),
    };
  };
  return {
    captureArp: async (input) => {
      const result = await service().captureArp(input);
      if (result.ip && result.answeredBy)
        deps.measurements?.record(input.cluster, result.ip, result.answeredBy, 'capture');
      return result;
    },
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
    captureFailover: async (input) => {
      if (await isBgpCluster(deps.docker(), input.cluster))
        return runBgpFailoverDrill(
          {
            docker: deps.docker(),
            run: (tool, args, options) => deps.tools.run(tool, args, options),
            statusOf: deps.statusOf,
            nodeAddresses: (cluster) => nodeAddresses(deps.docker(), cluster),
            log: deps.log,
          },
          input,
        );
      if (input.stop === 'pause')
        throw new KindscopeError(
          'INVALID_INPUT',
          `stop: pause is offered in BGP mode (the router's hold timer); ${input.cluster} announces with L2`,
          'Run the drill without --stop pause: in L2 mode it stops the lease holder (docker stop).',
        );
      const result = await runFailoverDrill(
        {
          docker: deps.docker(),
          statusOf: deps.statusOf,
          capturesDir,
          log: deps.log,
          ...(chosen() ? { settingsImage: chosen()! } : {}),
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
      );
      // The new holder's gratuitous ARP, seen in the capture on it, is a measurement of who answers for the IP.
      const announced = result.gratuitous;
      if (announced && result.ip)
        deps.measurements?.record(
          input.cluster,
          result.ip,
          {
            ...(result.newHolder?.node ? { node: result.newHolder.node } : {}),
            mac: announced.senderMac,
            checkedAt: announced.time,
          },
          'failover',
        );
      return result;
    },
    captureFailoverRecover: (input) => recoverFailoverDrill(deps.docker(), input),
    captureImage: () => imageInfo(),
    captureSetImage: async ({ image }) => {
      deps.settings.update((settings) => {
        const { captureImage: _old, ...rest } = settings;
        return image ? { ...rest, captureImage: image } : rest;
      });
      return imageInfo();
    },
  };
}
