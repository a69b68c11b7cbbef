import type Docker from 'dockerode';
import type { KindClusterSummary } from '../../contract';

/** kind's labels on its node containers (the cluster's name; the node's role). */
export const clusterLabel = 'io.x-k8s.kind.cluster';
export const roleLabel = 'io.x-k8s.kind.role';

/** Kind clusters on an engine, from container labels: clusters made outside Kindscope appear too. */
export async function listKindClusters(docker: Docker, signal?: AbortSignal): Promise<KindClusterSummary[]> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [clusterLabel] },
    ...(signal ? { abortSignal: signal } : {}),
  });
  return summarizeClusters(containers);
}

/** One summary per cluster label, sorted by name. */
export function summarizeClusters(containers: Docker.ContainerInfo[]): KindClusterSummary[] {
  const byName = new Map<string, KindClusterSummary>();
  for (const container of containers) {
    const name = container.Labels[clusterLabel];
    if (!name) continue;
    const summary = byName.get(name) ?? { name, nodes: 0, running: 0, networks: [] };
    summary.nodes += 1;
    if (container.State === 'running') summary.running += 1;
    for (const network of Object.keys(container.NetworkSettings?.Networks ?? {}))
      if (!summary.networks.includes(network)) summary.networks.push(network);
    const api = container.Ports?.find((p) => p.PrivatePort === 6443 && p.PublicPort);
    if (api && container.Labels[roleLabel] === 'control-plane')
      summary.apiServer = { address: api.IP || '127.0.0.1', port: api.PublicPort };
    // Docker lists the image ID instead of the name once the tag points elsewhere (a re-pulled node image).
    if (container.Labels[roleLabel] === 'control-plane' && container.Image && !container.Image.startsWith('sha256:'))
      summary.image = container.Image;
    byName.set(name, summary);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
