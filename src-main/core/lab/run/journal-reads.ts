// What a run reads back from the journals (lab-run-service.ts): a create run's rendering, a lab's last node addresses.
import { KindscopeError, type LabRendering, type RunRecord } from '../../../contract';
import type { PipelineSources } from './pipeline-deps';
import type { RunStore } from './run-store';

/** The rendering a create run journaled when it started: its steps are built again from it on resume. */
export function renderingOf(record: RunRecord): LabRendering {
  const rendering = record.facts.rendering as LabRendering | undefined;
  if (!rendering?.plan)
    throw new KindscopeError('INTERNAL', `Run ${record.id} has no plan in its journal`, 'Start a new run.');
  return rendering;
}

/**
 * Each node's IPv4 address when it last ran: the newest stop run's record (Kindscope's stop
 * writes it), else the InternalIP Kubernetes keeps for the node (kind's kubelets register with
 * the address they first had, so that is the one the cluster expects back).
 */
export async function recordedAddresses(
  sources: { store: RunStore; statusSource: PipelineSources['statusSource'] },
  active: ReadonlySet<string>,
  cluster: string,
): Promise<ReadonlyMap<string, string>> {
  const addresses = new Map<string, string>();
  const stop = sources.store.list(active).find((r) => r.kind === 'stop' && r.cluster === cluster && r.state === 'done');
  const recorded = (stop?.facts.nodeAddresses ?? {}) as Record<string, unknown>;
  for (const [node, ip] of Object.entries(recorded)) if (typeof ip === 'string') addresses.set(node, ip);
  // The API server is down while the cluster is stopped: the session's last list, if it has one, within a moment.
  const status = await Promise.race([
    sources
      .statusSource(cluster)
      .status()
      .catch(() => undefined),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 3_000).unref()),
  ]);
  for (const node of status?.nodes ?? [])
    if (!addresses.has(node.name) && node.internalIP) addresses.set(node.name, node.internalIP);
  return addresses;
}
