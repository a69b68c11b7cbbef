import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { KindscopeError } from '../../contract';
import { helperLabels, helperLogText, helperName, removeOrphanHelpers } from '../docker/helper-containers';
import { clusterNetworkFacts } from '../host/connectivity-check';
import { arpingReplyMac } from '../host/probe';
import { cidrContains } from '../net/cidr';

export interface NodeCaptureOptions {
  image: string;
  /** The node container whose network namespace tcpdump shares. */
  node: string;
  /** tcpdump's -i: `any` (Linux cooked SLL2, as the seed article's `tcpdump -i any arp`) by default. */
  interface?: string;
  /** Upper bound, s: the container is stopped after it. */
  seconds: number;
  /** Upper bound on packets (tcpdump -c). */
  maxPackets?: number;
  signal?: AbortSignal;
}

/** A running capture: `ready` once tcpdump listens, `done` with the pcap bytes once it ended. */
export interface RunningCapture {
  ready: Promise<void>;
  done: Promise<Buffer>;
  /** Ends the capture now (tcpdump flushes and exits on SIGTERM). */
  stop(): Promise<void>;
}

/**
 * tcpdump in a short-lived container sharing the node's network namespace (`--net
 * container:<node>`), with only NET_RAW and NET_ADMIN, writing pcap to stdout. Nothing is
 * installed into the node. The stream is read by attaching before start: `docker logs`
 * would pass the binary pcap through the json-file log driver, which is text.
 */
export async function startNodeCapture(docker: Docker, options: NodeCaptureOptions): Promise<RunningCapture> {
  await removeOrphanHelpers(docker);
  const container = await docker.createContainer({
    name: helperName('capture'),
    Image: options.image,
    Entrypoint: ['tcpdump'],
    // -U: write each packet as it arrives; -s 0: whole frames; -n: no lookups; -w -: pcap on stdout;
    Cmd: [
      '-i',
      options.interface ?? 'any',
      '-U',
      '-n',
      '-s',
      '0',
      '-c',
      String(options.maxPackets ?? 200),
      '-w',
      '-',
      'arp',
    ],
    Labels: {
      // tcpdump itself has no time bound; should Kindscope die before stopping it, the next helper removes it after this.
      ...helperLabels('capture', { expiresAt: Date.now() + (options.seconds + 30) * 1000 }),
      'io.kindscope.capture.node': options.node,
    },
    AttachStdout: true,
    AttachStderr: true,
    // NET_RAW/NET_ADMIN open the packet socket. SETUID/SETGID only let tcpdump give up root
    // right after that (Debian's and Alpine's builds drop to the "tcpdump" user, and even
    // `-Z root` calls initgroups): without them it exits "Couldn't change to 'tcpdump'".
    HostConfig: {
      NetworkMode: `container:${options.node}`,
      CapDrop: ['ALL'],
      CapAdd: ['NET_RAW', 'NET_ADMIN', 'SETUID', 'SETGID'],
      AutoRemove: false,
    },
  });
  const remove = () => container.remove({ force: true }).catch(() => undefined);
  try {
    const stream = await container.attach({ stream: true, stdout: true, stderr: true, hijack: false });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const chunks: Buffer[] = [];
    let errText = '';
    stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    let signalReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (signalReady = resolve));
    stderr.on('data', (chunk: Buffer) => {
      errText += chunk.toString();
      // tcpdump says "listening on any, link-type …" once its socket is bound.
      if (/listening on/.test(errText)) signalReady();
    });
    docker.modem.demuxStream(stream, stdout, stderr);
    const ended = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    await container.start();
    const stop = async () => {
      await container.stop({ t: 2 }).catch(() => undefined);
    };
    const timer = setTimeout(() => void stop(), options.seconds * 1000);
    options.signal?.addEventListener('abort', () => void stop(), { once: true });
    const done = (async () => {
      try {
        const exit = (await container.wait()) as { StatusCode?: number };
        await Promise.race([ended, new Promise((r) => setTimeout(r, 1_000))]);
        const pcap = Buffer.concat(chunks);
        // A capture that never listened failed, whatever it wrote (tcpdump writes the file header first).
        if (!/listening on/.test(errText) || pcap.length < 24) {
          throw new KindscopeError(
            'CAPTURE_FAILED',
            `tcpdump in ${options.node}'s namespace wrote no capture (exit ${exit.StatusCode ?? '?'}): ` +
              `${errText.trim().split('\n').slice(-2).join(' ') || 'no output'}`,
            `Check that the capture image ${options.image} has tcpdump and that the node container is running.`,
          );
        }
        return pcap;
      } finally {
        clearTimeout(timer);
        signalReady();
        await remove();
      }
    })();
    // An early failure (tcpdump missing, the node gone) must not leave `ready` hanging.
    done.catch(() => undefined);
    return { ready: Promise.race([ready, done.then(() => undefined)]), done, stop };
  } catch (error) {
    await remove();
    throw new KindscopeError(
      'CAPTURE_FAILED',
      `Could not start a capture in ${options.node}'s namespace: ${(error as Error).message}`,
      'Check that the node container runs and the capture image exists.',
      { cause: error },
    );
  }
}

/**
 * A fresh ARP request for `ip`, from a throwaway container on the node's Docker network
 * (`arping`), so this machine's own neighbour cache is neither needed nor touched.
 * Returns the asker's address and MAC, as Docker assigned them.
 */
export async function arpingFrom(
  docker: Docker,
  options: { image: string; network: string; ip: string; count?: number; signal?: AbortSignal },
): Promise<{ ip?: string; mac?: string; output: string }> {
  const container = await docker.createContainer({
    name: helperName('arping'),
    Image: options.image,
    Entrypoint: ['arping'],
    Cmd: ['-c', String(options.count ?? 2), '-w', '3', '-I', 'eth0', options.ip],
    Labels: helperLabels('arping', { expiresAt: Date.now() + 60_000 }),
    HostConfig: { NetworkMode: options.network, CapDrop: ['ALL'], CapAdd: ['NET_RAW'], AutoRemove: false },
  });
  try {
    await container.start();
    const inspected = await container.inspect();
    const net = inspected.NetworkSettings.Networks[options.network];
    await container.wait();
    const logs = await container.logs({ stdout: true, stderr: true, follow: false });
    return {
      ...(net?.IPAddress ? { ip: net.IPAddress } : {}),
      ...(net?.MacAddress ? { mac: net.MacAddress } : {}),
      output: helperLogText(logs),
    };
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}

/** Whether an image is present; pulling needs the user's consent, so this never pulls. */
export async function imagePresent(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch {
    return false;
  }
}

/** Pulls an image (after consent) and waits for the pull to finish. */
export async function pullImage(docker: Docker, image: string): Promise<void> {
  const stream = await docker.pull(image);
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve())),
  );
}

/**
 * The proof's "ask afresh" (core/host/probe.ts): an ARP request for `ip` from a throwaway
 * container on the cluster's Docker network holding it, and the MAC that answered. Only
 * with the capture image already here — the proof never pulls; without it, undefined.
 */
export function arpAsker(docker: () => Docker, image: () => string) {
  return async (cluster: string, ip: string): Promise<string | undefined> => {
    const engine = docker();
    if (!(await imagePresent(engine, image()))) return undefined;
    const facts = await clusterNetworkFacts(engine, cluster);
    const network = facts.subnets.find((s) => cidrContains(s.subnet, ip))?.network;
    if (!network) return undefined;
    const asked = await arpingFrom(engine, { image: image(), network, ip, count: 2 });
    return arpingReplyMac(asked.output, ip);
  };
}
