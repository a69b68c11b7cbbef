import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type Docker from 'dockerode';
import {
  KindscopeError,
  probePort,
  type CaptureResult,
  type ClusterStatus,
  type DecodedCapture,
  type LeaseHolder,
  type ServiceStatus,
} from '../../contract';
import { probeHttp } from '../host/probe';
import type { Logger } from '../util/logger';
import { arpVerdict } from './arp-verdict';
import { captureImageName, ensureCaptureImage } from './capture-image';
import { arpingFrom, startNodeCapture } from './node-capture';
import { decodeCapture } from './pcap-decoder';

export interface CaptureServiceOptions {
  docker: Docker;
  /** The cluster's status through the `cluster:status` service (lease holders, node MACs). */
  statusOf(cluster: string): Promise<ClusterStatus>;
  /** Where pcaps are kept when the caller names no file. */
  capturesDir: string;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  /** The capture image chosen in Settings (KINDSCOPE_CAPTURE_IMAGE still wins). */
  settingsImage?: string;
}

export interface NodeNetwork {
  network: string;
  mac?: string;
  ip?: string;
}

/** The service and its claim, shared by the capture and the failover drill. */
export function findService(status: ClusterStatus, namespace: string, name: string): ServiceStatus {
  const service = status.services.find((s) => s.namespace === namespace && s.name === name);
  if (!service) {
    throw new KindscopeError(
      'INVALID_INPUT',
      `${namespace}/${name} is not a LoadBalancer service of cluster "${status.cluster}"`,
      `List them with \`kindscope status --cluster ${status.cluster}\` and pass --service NAMESPACE/NAME.`,
    );
  }
  return service;
}

/** The service a failover drill takes away a node of, with its IP: refused while it has none. */
export function failoverTarget(
  status: ClusterStatus,
  input: { cluster: string; namespace: string; service: string },
): { service: ServiceStatus; label: string; ip: string } {
  const service = findService(status, input.namespace, input.service);
  const label = `${input.namespace}/${input.service}`;
  const ip = service.externalIPs[0];
  if (!ip)
    throw new KindscopeError(
      'INVALID_INPUT',
      `${label} has no IP yet (<pending>): there is nothing to fail over`,
      `See \`kindscope status --cluster ${input.cluster}\` for why.`,
    );
  return { service, label, ip };
}

/** The Lease's claim; `holder`/`holderMac` are the older fields saying the same. */
export function leaseClaim(service: ServiceStatus): LeaseHolder | undefined {
  if (service.leaseHolder) return service.leaseHolder;
  if (!service.holder) return undefined;
  return {
    node: service.holder,
    ...(service.holderMac ? { mac: service.holderMac } : {}),
    lease: `cilium-l2announce-${service.namespace}-${service.name}`,
  };
}

/** Node containers' MACs on their Docker network: the truth `docker inspect` tells. */
export async function nodeNetwork(docker: Docker, node: string): Promise<NodeNetwork> {
  const inspected = await docker.getContainer(node).inspect();
  const [network, settings] = Object.entries(inspected.NetworkSettings.Networks ?? {})[0] ?? [];
  if (!network)
    throw new KindscopeError(
      'CAPTURE_FAILED',
      `Node container ${node} is on no Docker network`,
      'Start the node (docker start) and try again.',
    );
  return {
    network,
    ...(settings?.MacAddress ? { mac: settings.MacAddress } : {}),
    ...(settings?.IPAddress ? { ip: settings.IPAddress } : {}),
  };
}

/** Captures ARP on a lease holder, decodes pcaps, and says who answered — from the packets. */
export class CaptureService {
  constructor(private readonly options: CaptureServiceOptions) {}

  get image(): string {
    return captureImageName(this.options.env, this.options.settingsImage);
  }

  /** Decodes the ARP packets of a pcap or pcapng file. */
  async decodeFile(path: string): Promise<DecodedCapture> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw new KindscopeError(
        'INVALID_INPUT',
        `path: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        'Give the path of a pcap or pcapng file that exists and is readable.',
      );
    }
    return decodeCapture(bytes);
  }

  /**
   * Captures on the lease holder while a throwaway container asks "who has IP?" and this
   * machine sends the HTTP probe; keeps the pcap and decides from its packets.
   */
  async captureArp(
    input: {
      cluster: string;
      namespace: string;
      service: string;
      seconds?: number;
      pcapPath?: string;
      allowPull?: boolean;
    },
    signal?: AbortSignal,
  ): Promise<CaptureResult> {
    const status = await this.options.statusOf(input.cluster);
    const service = findService(status, input.namespace, input.service);
    const label = `${input.namespace}/${input.service}`;
    const seconds = input.seconds ?? 3;
    const leaseHolder = leaseClaim(service);
    const ip = service.externalIPs[0];
    const base = { service: label, image: this.image, seconds, ...(leaseHolder ? { leaseHolder } : {}) };
    if (!ip)
      return {
        ...base,
        packets: [],
        verdict: 'no-ip',
        explanation: `${label} has no IP yet (<pending>): there is nothing to ask ARP for.`,
        findings: service.findings,
      };
    const port = probePort(service);
    // Without a claim, listen on the first worker: the packets still say whether anyone answers.
    const node =
      leaseHolder?.node ?? status.nodes.find((n) => !n.roles.includes('control-plane'))?.name ?? status.nodes[0]?.name;
    if (!node)
      throw new KindscopeError(
        'CLUSTER_NOT_FOUND',
        `Cluster "${input.cluster}" has no nodes`,
        'Check `kind get nodes --name ' + input.cluster + '`.',
      );
    await ensureCaptureImage(this.options.docker, this.image, input.allowPull ?? false);
    const where = await nodeNetwork(this.options.docker, node);

    const capture = await startNodeCapture(this.options.docker, {
      image: this.image,
      node,
      seconds,
      ...(signal ? { signal } : {}),
    });
    await capture.ready;
    const [asker, http] = await Promise.all([
      arpingFrom(this.options.docker, {
        image: this.image,
        network: where.network,
        ip,
        ...(signal ? { signal } : {}),
      }).catch((error: Error) => {
        this.options.log.warn('arping failed', error);
        return undefined;
      }),
      probeHttp(ip, port),
    ]);
    const pcap = await capture.done;
    const pcapPath =
      input.pcapPath ??
      join(
        this.options.capturesDir,
        `${input.cluster}-${input.namespace}-${input.service}-${new Date().toISOString().replace(/[:.]/g, '-')}.pcap`,
      );
    await mkdir(dirname(pcapPath), { recursive: true });
    await writeFile(pcapPath, pcap);
    const decoded = decodeCapture(pcap);
    // The capture node's MAC from `docker inspect` first: known even before the status lists it.
    const nodes = [...(where.mac ? [{ name: node, mac: where.mac }] : []), ...status.nodes];
    const verdict = arpVerdict({ ip, packets: decoded.packets, leaseHolder, nodes, capturedOn: node });
    return {
      ...base,
      ip,
      port,
      capturedOn: { node, ...(where.mac ? { mac: where.mac } : {}), interface: 'any' },
      pcapPath,
      ...(asker
        ? {
            asker: {
              ...(asker.ip ? { ip: asker.ip } : {}),
              ...(asker.mac ? { mac: asker.mac } : {}),
              network: where.network,
            },
          }
        : {}),
      http,
      packets: decoded.packets,
      ...verdict,
      // The model's findings explain a failed capture; after a good one they would be noise (and possibly stale).
      findings: verdict.verdict === 'holder-answered' ? [] : [...verdict.findings, ...service.findings],
    };
  }
}
