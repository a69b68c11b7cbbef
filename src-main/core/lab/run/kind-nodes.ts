import type Docker from 'dockerode';
import { KindscopeError } from '../../../contract';
import { clusterLabel, roleLabel } from '../../topology/topology-service';

/** The node containers of a kind cluster, control planes first (Docker labels, as kind sets them). */
export async function nodeContainers(
  docker: Docker,
  cluster: string,
): Promise<{ id: string; name: string; role: string; state: string }[]> {
  return (await labelledContainers(docker, `${clusterLabel}=${cluster}`))
    .map(({ labels, ...c }) => ({ ...c, role: labels[roleLabel] ?? 'worker' }))
    .sort((a, b) => (a.role === b.role ? a.name.localeCompare(b.name) : a.role === 'control-plane' ? -1 : 1));
}

/** The node containers' IPv4 addresses on the kind network (Docker's view). */
export async function nodeAddresses(docker: Docker, cluster: string): Promise<{ name: string; ipv4?: string }[]> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`io.x-k8s.kind.cluster=${cluster}`] },
  });
  return containers.map((c) => {
    const ipv4 = Object.values(c.NetworkSettings?.Networks ?? {}).find((n) => n.IPAddress)?.IPAddress;
    return { name: c.Names[0]?.replace(/^\//, '') ?? c.Id, ...(ipv4 ? { ipv4 } : {}) };
  });
}

export function clusterNotFound(cluster: string): KindscopeError {
  return new KindscopeError(
    'CLUSTER_NOT_FOUND',
    `No kind cluster named "${cluster}" on this engine`,
    'See `kindscope topology` for the clusters.',
  );
}

/** Every container (running or not) with a label, by id, name and state. */
export async function labelledContainers(
  docker: Docker,
  label: string,
): Promise<{ id: string; name: string; state: string; labels: Record<string, string> }[]> {
  const found = await docker.listContainers({ all: true, filters: { label: [label] } });
  return found.map((c) => ({
    id: c.Id,
    name: c.Names[0]?.replace(/^\//, '') ?? c.Id,
    state: c.State,
    labels: c.Labels,
  }));
}
