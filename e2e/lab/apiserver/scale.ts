/** The `scale` subresource: an autoscaling/v1 Scale view of spec.replicas, as `kubectl scale` uses it. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseBody, sendJson, sendStatus } from './http.ts';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.ts';
import type { ResourceType } from './registry.ts';
import { ApiError, type ObjectStore } from './store.ts';

import type { KubeObject as Obj } from './kube-object.ts';

export function toScale(object: Obj): Obj {
  const selector = Object.entries((object.spec?.selector?.matchLabels ?? {}) as Record<string, string>)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const { name, namespace, uid, resourceVersion, creationTimestamp } = object.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: object.spec?.replicas ?? 1 },
    status: { replicas: object.status?.replicas ?? 0, selector },
  };
}

/** A Scale's replicas written back into its object (resourceVersion checked when given). */
export function fromScale(object: Obj, scale: Obj): { object: Obj; expectedRv?: string } {
  const replicas = scale.spec?.replicas;
  if (!Number.isInteger(replicas) || replicas < 0)
    throw new ApiError(
      422,
      'Invalid',
      `Scale.autoscaling "${object.metadata.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
    );
  return {
    object: { ...object, spec: { ...object.spec, replicas } },
    ...(scale.metadata?.resourceVersion ? { expectedRv: String(scale.metadata.resourceVersion) } : {}),
  };
}

/** GET / PUT / PATCH of `…/scale`: an autoscaling/v1 Scale view of spec.replicas (`kubectl scale`). */
export function serveScale(
  store: ObjectStore,
  request: IncomingMessage,
  response: ServerResponse,
  method: string,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  body: string,
): void {
  const current = store.get(type, namespace, name);
  if (method === 'GET') return sendJson(response, 200, toScale(current));
  let scale: Obj;
  if (method === 'PUT') scale = parseBody(body, request);
  else if (method === 'PATCH') {
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
    const patchBody = parseBody(body, request, true);
    const view = toScale(current);
    if (contentType === 'application/merge-patch+json') scale = mergePatch(view, patchBody) as Obj;
    else if (contentType === 'application/json-patch+json') scale = jsonPatch(view, patchBody) as Obj;
    else if (contentType === 'application/strategic-merge-patch+json')
      scale = strategicMergePatch(view, patchBody) as Obj;
    else
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        'the body of the request was in an unknown format - accepted media types include: ' +
          'application/json-patch+json, application/merge-patch+json, ' +
          'application/strategic-merge-patch+json',
      );
  } else
    return sendStatus(
      response,
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    );
  const { object, expectedRv } = fromScale(current, scale);
  const updated = store.update(type, object, method === 'PUT' && expectedRv ? { expectedRv } : {});
  sendJson(response, 200, toScale(updated));
}
