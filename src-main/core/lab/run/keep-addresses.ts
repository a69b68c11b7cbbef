import type Docker from 'dockerode';
import { helperLabels, helperName } from '../../docker/helper-containers';
import { cidrContains, parseCidr } from '../../net/cidr';

/** How one node came back: the address it had (recorded when it was last seen running), the one it has now. */
export interface AddressOutcome {
  node: string;
  before?: string;
  after?: string;
  kept: boolean;
  /** Why it could not keep it (the address is another container's now, nothing recorded, …). */
  reason?: string;
}

/** At most this many free addresses below a node's old one are held while it starts (each is a container start). */
export const maxHeld = 64;

const toInt = (ip: string) => ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
const toIp = (n: number) => [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
const bare = (address: string | undefined) => address?.split('/')[0] || undefined;

interface NodeToStart {
  id: string;
  name: string;
  state: string;
}

/**
 * Starts a stopped kind cluster's nodes so that each gets its old IPv4 address back, where
 * Docker allows it, and says for each whether it did.
 *
 * Docker gives a starting container the lowest free address of the network (libnetwork's IPAM
 * asks for "any" address without its serial option for container endpoints), and refuses a
 * fixed `--ip` on a network whose IPv4 subnet it chose itself — kind's network is made so
 * ("user specified IP address is supported only when connecting to networks with user
 * configured subnets"), and pinning would also make a later `docker start` fail while the
 * address is taken. So the nodes are started in the order of their old addresses, and every
 * free address below a node's old one is held first by a short-lived Kindscope helper, so the
 * lowest free address *is* the old one; the helpers are removed at the end. A node whose old
 * address is another container's now cannot have it: it starts last and is named.
 * (kind does not keep node addresses across restarts: kubernetes-sigs/kind#2045.)
 */
export async function startKeepingAddresses(
  docker: Docker,
  nodes: readonly NodeToStart[],
  recorded: ReadonlyMap<string, string>,
  log: (line: string) => void,
): Promise<AddressOutcome[]> {
  const stopped = nodes.filter((n) => n.state !== 'running');
  if (stopped.length === 0) return [];
  const first = await docker.getContainer(stopped[0]!.id).inspect();
  const networkName = Object.keys(first.NetworkSettings.Networks ?? {})[0];
  const network = networkName ? await docker.getNetwork(networkName).inspect() : undefined;
  const subnet = (network?.IPAM?.Config ?? [])
    .map((c: { Subnet?: string }) => c.Subnet)
    .find((s?: string) => s && !s.includes(':'));
  const cidr = subnet ? parseCidr(subnet) : undefined;
  // What is taken now: the gateway and every running endpoint on the network.
  const used = new Set<string>(
    [
      ...(network?.IPAM?.Config ?? []).map((c: { Gateway?: string }) => c.Gateway),
      ...Object.values((network?.Containers ?? {}) as Record<string, { IPv4Address?: string }>).map((c) =>
        bare(c.IPv4Address),
      ),
    ].filter((a): a is string => !!a),
  );
  const inSubnet = (ip: string) => !!cidr && cidr.family === 4 && cidrContains(cidr, ip);
  const outcomes = new Map<string, AddressOutcome>();
  const ordered: { node: NodeToStart; target: string }[] = [];
  const last: NodeToStart[] = [];
  for (const node of stopped) {
    const before = recorded.get(node.name);
    if (!before || !inSubnet(before)) {
      outcomes.set(node.name, {
        node: node.name,
        ...(before ? { before } : {}),
        kept: false,
        reason: before
          ? `its old address ${before} is outside the network ${networkName ?? '?'} (${subnet ?? 'no IPv4 subnet'})`
          : 'no address of it was recorded while it ran (stop it with Kindscope to record them)',
      });
      last.push(node);
    } else if (used.has(before)) {
      outcomes.set(node.name, {
        node: node.name,
        before,
        kept: false,
        reason: `${before} is taken by another container on ${networkName} now`,
      });
      last.push(node);
    } else ordered.push({ node, target: before });
  }
  ordered.sort((a, b) => toInt(a.target) - toInt(b.target));
  const held: string[] = [];
  const image = first.Image;
  try {
    for (const { node, target } of ordered) {
      const holes = freeBelow(cidr!, target, used);
      let holding = holes.length <= maxHeld;
      if (!holding)
        log(
          `${holes.length} free addresses below ${target}: too many to hold; ${node.name} starts as Docker places it`,
        );
      for (const hole of holding ? holes : []) {
        const got = await holdAddress(docker, networkName!, image);
        held.push(got.id);
        if (got.ip) used.add(got.ip);
        // Not the lowest free address: this engine allocates otherwise, and holding cannot steer it.
        if (got.ip !== hole) {
          log(
            `a helper got ${got.ip ?? 'no address'} instead of ${hole}: this engine does not hand out the lowest free address`,
          );
          holding = false;
          break;
        }
      }
      await docker.getContainer(node.id).start();
      const after = await addressOf(docker, node.id, networkName!);
      if (after) used.add(after);
      const kept = after === target;
      outcomes.set(node.name, {
        node: node.name,
        before: target,
        ...(after ? { after } : {}),
        kept,
        ...(kept
          ? {}
          : {
              reason: `Docker gave it ${after ?? 'no address'}${holding ? ' (another container started at the same time?)' : ''}`,
            }),
      });
      log(`started ${node.name}: ${kept ? `kept ${target}` : `${target} → ${after ?? 'no address'}`}`);
    }
  } finally {
    for (const id of held)
      await docker
        .getContainer(id)
        .remove({ force: true })
        .catch(() => undefined);
  }
  for (const node of last) {
    await docker.getContainer(node.id).start();
    const after = await addressOf(docker, node.id, networkName ?? '');
    const outcome = outcomes.get(node.name)!;
    outcomes.set(node.name, {
      ...outcome,
      ...(after ? { after } : {}),
      kept: after !== undefined && after === outcome.before,
    });
    log(
      `started ${node.name}: ${outcome.before ?? 'no recorded address'} → ${after ?? 'no address'} (${outcome.reason})`,
    );
  }
  return stopped.map((n) => outcomes.get(n.name)!);
}

/** Free IPv4 addresses of the subnet below `target` (host addresses only, the gateway and used ones left out). */
function freeBelow(
  cidr: NonNullable<ReturnType<typeof parseCidr>>,
  target: string,
  used: ReadonlySet<string>,
): string[] {
  const free: string[] = [];
  for (let n = toInt(cidr.network) + 1; n < toInt(target); n++) {
    const ip = toIp(n);
    if (!used.has(ip)) free.push(ip);
  }
  return free;
}

/** A helper that holds the lowest free address of the network while a node starts (removed at the end). */
async function holdAddress(docker: Docker, network: string, image: string): Promise<{ id: string; ip?: string }> {
  const container = await docker.createContainer({
    name: helperName('address-hold'),
    Image: image,
    Entrypoint: ['sleep'],
    Cmd: ['600'],
    Labels: helperLabels('address-hold', { expiresAt: Date.now() + 600_000 }),
    HostConfig: { NetworkMode: network, AutoRemove: true },
  });
  await container.start();
  const ip = await addressOf(docker, container.id, network);
  return { id: container.id, ...(ip ? { ip } : {}) };
}

async function addressOf(docker: Docker, id: string, network: string): Promise<string | undefined> {
  const inspected = await docker.getContainer(id).inspect();
  return bare(inspected.NetworkSettings.Networks?.[network]?.IPAddress);
}
