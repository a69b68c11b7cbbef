/**
 * Pieces of kube-apiserver behaviour the lab server shares across verbs: which field
 * selectors a resource supports, list pagination (`limit` / `continue`), the `scale`
 * subresource, a resourceVersion newer than the store, and how a watch with a selector
 * sees an object move into or out of it.
 */
import type { KubeObject as Obj } from './kube-object.ts';
import { objectId, ApiError, type ObjectStore, type StoredEvent } from './store.ts';
import type { ResourceType } from './registry.ts';
import type { FieldRequirement } from './selectors.ts';

/**
 * Field labels per resource, as each registry's strategy registers them (every resource
 * has metadata.name, namespaced ones metadata.namespace); anything else is a 400.
 */
const fieldLabels: Record<string, string[]> = {
  '/pods': [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.podIPs',
    'status.nominatedNodeName',
  ],
  '/nodes': ['spec.unschedulable'],
  '/namespaces': ['status.phase'],
  '/services': ['spec.clusterIP', 'spec.type'],
  '/secrets': ['type'],
  '/events': [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  'apps/replicasets': ['status.replicas'],
};

export function checkFieldSelector(type: ResourceType, requirements: FieldRequirement[]): void {
  const allowed = new Set([
    'metadata.name',
    ...(type.namespaced ? ['metadata.namespace'] : []),
    ...(fieldLabels[`${type.group}/${type.plural}`] ?? []),
  ]);
  const unsupported = requirements.find((r) => !allowed.has(r.path));
  if (unsupported) throw new ApiError(400, 'BadRequest', `field label not supported: ${unsupported.path}`);
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

const expiredContinue =
  'The provided continue parameter is too old to display a consistent list result. ' +
  'You can start a new list without the continue parameter, ' +
  'or use the continue token in this response to retrieve the remainder of the results. ' +
  'Continuing with the provided token results in an inconsistent list - objects that were ' +
  'created, modified, or deleted between the time the first chunk was returned and now may ' +
  'show up in the list.';

/**
 * `limit` and `continue` as etcd3 storage does them: items in key order, a base64 JSON
 * token naming the list's resourceVersion and the next key, `remainingItemCount` without
 * selectors, and 410 Expired for a token whose version was compacted away. (The lab keeps
 * no snapshots: later pages show the current state from the next key on.)
 */
export function paginate(
  items: Obj[],
  url: URL,
  store: ObjectStore,
  selected: boolean,
): { items: Obj[]; resourceVersion: string; continue?: string; remainingItemCount?: number } {
  const limit = Number(url.searchParams.get('limit') ?? 0);
  const token = url.searchParams.get('continue');
  let rv = Number(store.resourceVersion);
  let rest = items;
  if (token) {
    let decoded: ContinueToken;
    try {
      decoded = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as ContinueToken;
      if (decoded.v !== 'meta.k8s.io/v1' || typeof decoded.start !== 'string' || !Number.isInteger(decoded.rv))
        throw new Error('bad token');
    } catch {
      throw new ApiError(
        400,
        'BadRequest',
        'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
      );
    }
    if (decoded.rv < store.oldestWatchable) throw new ApiError(410, 'Expired', expiredContinue);
    rv = decoded.rv;
    const start = decoded.start.endsWith('\u0000') ? decoded.start.slice(0, -1) : decoded.start;
    rest = items.filter((o) => objectId(o) > start);
  }
  if (!Number.isInteger(limit) || limit <= 0 || rest.length <= limit)
    return { items: rest, resourceVersion: String(rv) };
  const page = rest.slice(0, limit);
  const next: ContinueToken = { v: 'meta.k8s.io/v1', rv, start: `${objectId(page.at(-1)!)}\u0000` };
  return {
    items: page,
    resourceVersion: String(rv),
    continue: Buffer.from(JSON.stringify(next)).toString('base64'),
    ...(selected ? {} : { remainingItemCount: rest.length - limit }),
  };
}

/** Resources with a `scale` subresource (autoscaling/v1 Scale). */
export const scalable = new Set(['apps/deployments', 'apps/replicasets']);

/**
 * A list or watch at a resourceVersion the store has not reached: the watch cache waits up
 * to 3 s for it, then answers 504 "Too large resource version" with a retry hint.
 */
export async function waitForResourceVersion(store: ObjectStore, requested: string | null): Promise<void> {
  if (!requested || requested === '0') return;
  if (!/^\d+$/.test(requested)) throw new ApiError(400, 'BadRequest', `invalid resource version "${requested}"`);
  const wanted = Number(requested);
  const deadline = Date.now() + 3_000;
  while (Number(store.resourceVersion) < wanted && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
  if (Number(store.resourceVersion) >= wanted) return;
  throw new ApiError(504, 'Timeout', `Too large resource version: ${wanted}, current: ${store.resourceVersion}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}

/**
 * What a watch with a selector sends for a stored event (the watch cache's rule): a
 * MODIFIED object that enters the selection is ADDED, one that leaves it is DELETED with
 * its previous content at the event's resourceVersion, one that stays outside is nothing.
 */
export function watchEventFor(
  event: StoredEvent,
  matches: (object: Obj) => boolean,
): { type: string; object: Obj } | undefined {
  const now = matches(event.object);
  if (event.type !== 'MODIFIED' || !event.previous) return now ? { type: event.type, object: event.object } : undefined;
  const before = matches(event.previous);
  if (now && before) return { type: 'MODIFIED', object: event.object };
  if (now) return { type: 'ADDED', object: event.object };
  if (before)
    return {
      type: 'DELETED',
      object: {
        ...event.previous,
        metadata: { ...event.previous.metadata, resourceVersion: event.object.metadata.resourceVersion },
      },
    };
  return undefined;
}
