import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { groupList, openApiIndex, sendGroup, sendOpenApi, sendResourceList, versionInfo } from './discovery.ts';
import { parseBody, readBody, sendJson, sendStatus, wantsTable } from './http.ts';
import { decodeKubernetesProtobuf } from './protobuf.ts';
import { WatchHub } from './watch-hub.ts';
import { applyPatch, jsonPatch, mergePatch, PatchError, strategicMergePatch } from './patch.ts';
import { builtinTypes } from './builtin-types.ts';
import { apiVersionOf, storageKey, typeFromCrd, type ResourceType } from './registry.ts';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.ts';
import { ApiError, notFound, objectId, type ObjectStore } from './store.ts';
import { checkFieldSelector, paginate, scalable, waitForResourceVersion } from './api-semantics.ts';
import { serveScale } from './scale.ts';
import { prepareCreate } from './create-defaults.ts';
import { admitCustomResource } from './crd-schema.ts';

import type { KubeObject as Obj } from './kube-object.ts';

export interface ApiServerOptions {
  store: ObjectStore;
  tls: { key: string; cert: string; ca: string };
  kubernetesVersion: string;
  log?: (line: string) => void;
}

/**
 * The lab's Kubernetes API server: HTTPS with client certificates as kind's kubeconfig
 * has them, legacy discovery, core/apps/discovery/coordination/apiextensions resources
 * and any CRD created at runtime, list/watch with selectors, bookmarks, timeouts and 410,
 * create/update/patch (merge, JSON, strategic, apply)/delete, status subresources,
 * server-side Table output, and owner-reference garbage collection.
 */
export class LabApiServer {
  readonly store: ObjectStore;
  private types: ResourceType[] = builtinTypes();
  private readonly options: ApiServerOptions;
  private readonly hub: WatchHub;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(options: ApiServerOptions) {
    this.options = options;
    this.store = options.store;
    this.hub = new WatchHub(this.store, {
      table: (...args) => this.table(...args),
      present: (...args) => this.present(...args),
    });
    this.refreshCrdTypes();
    this.store.onEvent((event) => {
      if (event.key === 'apiextensions.k8s.io/customresourcedefinitions') this.refreshCrdTypes();
      // A Terminating namespace goes once its last object (held by a finalizer) is gone.
      const ns = event.object.metadata?.namespace;
      if (event.type === 'DELETED' && ns) setImmediate(() => this.finalizeNamespace(ns));
    });
  }

  listen(port: number, host: string): Promise<number> {
    const server = createServer(
      {
        key: this.options.tls.key,
        cert: this.options.tls.cert,
        ca: this.options.tls.ca,
        requestCert: true,
        rejectUnauthorized: true,
      },
      (request, response) => void this.handle(request, response),
    );
    this.server = server;
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve((server.address() as { port: number }).port));
    });
  }

  /** Stops listening and drops every connection at once (watches included), as a killed apiserver does. */
  close(): Promise<void> {
    this.hub.closeAll();
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
    });
  }

  /** The type serving `group/version` `plural` (or a short name / singular / kind). */
  resolveType(group: string, version: string, name: string): ResourceType | undefined {
    return this.types.find(
      (t) =>
        t.group === group &&
        t.version === version &&
        (t.plural === name || t.singular === name || t.shortNames.includes(name)),
    );
  }

  typeFor(group: string, plural: string): ResourceType | undefined {
    return this.types.find((t) => t.group === group && t.plural === plural);
  }

  private refreshCrdTypes(): void {
    const crdType = this.types.find((t) => t.plural === 'customresourcedefinitions')!;
    const crds = this.store.list(crdType);
    this.types = [...builtinTypes(), ...crds.flatMap((crd) => typeFromCrd(crd))];
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'https://lab');
    const started = Date.now();
    response.on('finish', () =>
      this.options.log?.(
        `${request.method} ${url.pathname}${url.search} ${response.statusCode} ${Date.now() - started}ms`,
      ),
    );
    try {
      if (this.hub.faults.delayMs > 0 && url.pathname !== '/lab/faults')
        await new Promise((r) => setTimeout(r, this.hub.faults.delayMs));
      const raw = await readBody(request);
      let body = raw.toString('utf8');
      if (/protobuf/.test(request.headers['content-type'] ?? '') && raw.length > 0) {
        // kubectl's typed clients (create deployment, …) send protobuf.
        const decoded = decodeKubernetesProtobuf(raw);
        if (decoded.unknownFields.length > 0)
          this.options.log?.(`protobuf fields the lab does not decode: ${decoded.unknownFields.join(', ')}`);
        body = JSON.stringify(decoded.object);
        request.headers['content-type'] = 'application/json';
      }
      await this.route(request, response, url, body);
    } catch (error) {
      if (response.headersSent) {
        response.destroy();
        return;
      }
      if (error instanceof ApiError) sendStatus(response, error.code, error.reason, error.message, error.details);
      else if (error instanceof PatchError || error instanceof SelectorError)
        sendStatus(
          response,
          error instanceof SelectorError ? 400 : 422,
          error instanceof SelectorError ? 'BadRequest' : 'Invalid',
          error.message,
        );
      else {
        this.options.log?.(`internal error: ${(error as Error).stack}`);
        sendStatus(response, 500, 'InternalError', (error as Error).message);
      }
    }
  }

  private async route(request: IncomingMessage, response: ServerResponse, url: URL, body: string): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = request.method ?? 'GET';
    if (path === '/lab/faults' && method === 'POST') return this.hub.applyFault(response, JSON.parse(body || '{}'));
    if (path === '/version') return sendJson(response, 200, versionInfo(this.options.kubernetesVersion));
    if (['/healthz', '/livez', '/readyz'].includes(path)) {
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      return void response.end('ok');
    }
    if (path === '/api')
      return sendJson(response, 200, {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '172.18.0.2:6443' }],
      });
    if (path === '/apis') return sendJson(response, 200, groupList(this.types));
    if (path === '/openapi/v3') return sendJson(response, 200, openApiIndex(this.types, this.store.resourceVersion));
    if (path.startsWith('/openapi/v3/'))
      return sendOpenApi(response, this.types, path.slice('/openapi/v3/'.length), this.options.kubernetesVersion);
    if (path === '/openapi/v2')
      return sendStatus(response, 404, 'NotFound', 'the lab API server publishes OpenAPI v3 only');

    const segments = path.split('/').filter(Boolean);
    let group: string;
    let version: string;
    let rest: string[];
    if (segments[0] === 'api' && segments[1]) [group, version, rest] = ['', segments[1], segments.slice(2)];
    else if (segments[0] === 'apis' && segments[1] && segments[2])
      [group, version, rest] = [segments[1], segments[2], segments.slice(3)];
    else if (segments[0] === 'apis' && segments[1]) return sendGroup(response, this.types, segments[1]);
    else return sendStatus(response, 404, 'NotFound', 'the server could not find the requested resource');

    if (rest.length === 0) return sendResourceList(response, this.types, group, version);

    let namespace: string | undefined;
    if (
      rest[0] === 'namespaces' &&
      rest.length >= 3 &&
      this.resolveType(group, version, rest[2]!) &&
      !(group === '' && ['status', 'finalize'].includes(rest[2]!))
    ) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const type = this.resolveType(group, version, rest[0]!);
    if (!type || type.plural !== rest[0])
      return sendStatus(response, 404, 'NotFound', 'the server could not find the requested resource');
    const name = rest[1];
    const subresource = rest[2];
    if (
      subresource &&
      !(subresource === 'status' && type.hasStatus) &&
      !(subresource === 'scale' && scalable.has(storageKey(type)))
    )
      return sendStatus(response, 404, 'NotFound', 'the server could not find the requested resource');
    if (subresource === 'scale' && name)
      return serveScale(
        this.store,
        request,
        response,
        method,
        type,
        type.namespaced ? namespace : undefined,
        name,
        body,
      );
    if (namespace && type.namespaced && method !== 'GET') this.requireNamespace(namespace, method === 'POST');
    const watch = url.searchParams.get('watch');
    const isWatch = watch === 'true' || watch === '1';

    switch (method) {
      case 'GET':
        if (name)
          return this.sendObject(
            request,
            response,
            type,
            version,
            this.store.get(type, type.namespaced ? namespace : undefined, name),
          );
        if (isWatch) return this.hub.serve(request, response, url, type, version, namespace);
        return this.list(request, response, url, type, version, namespace);
      case 'POST': {
        if (name)
          return sendStatus(
            response,
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          );
        const object = parseBody(body, request);
        this.checkKind(object, type, version);
        this.admit(object, type, version, url, response);
        if (type.namespaced) {
          const bodyNamespace = object.metadata?.namespace || undefined;
          if (bodyNamespace && namespace && bodyNamespace !== namespace)
            throw new ApiError(
              400,
              'BadRequest',
              'the namespace of the provided object does not match the namespace sent on the request',
            );
          object.metadata = { ...object.metadata, namespace: bodyNamespace ?? namespace ?? 'default' };
        } else if (object.metadata) delete object.metadata.namespace;
        if (url.searchParams.get('dryRun') === 'All')
          return sendJson(response, 201, this.present(type, version, object));
        const created = this.store.create(type, prepareCreate(this.store, this.types, type, object));
        return sendJson(response, 201, this.present(type, version, created));
      }
      case 'PUT': {
        if (!name)
          return sendStatus(
            response,
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          );
        const object = parseBody(body, request);
        this.checkKind(object, type, version);
        this.admit(object, type, version, url, response);
        if (object.metadata?.name && object.metadata.name !== name)
          throw new ApiError(
            400,
            'BadRequest',
            `the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`,
          );
        object.metadata = { ...object.metadata, name, ...(type.namespaced ? { namespace } : {}) };
        const updated = this.store.update(type, object, {
          expectedRv: object.metadata.resourceVersion,
          ...(subresource === 'status' ? { subresource: 'status' as const } : {}),
        });
        return sendJson(response, 200, this.present(type, version, updated));
      }
      case 'PATCH': {
        if (!name)
          return sendStatus(
            response,
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          );
        return this.patch(request, response, url, type, version, namespace, name, body, subresource);
      }
      case 'DELETE': {
        if (!name) return this.deleteCollection(response, url, type, version, namespace);
        const deleted = this.deleteWithDependents(type, type.namespaced ? namespace : undefined, name);
        return sendJson(response, 200, this.present(type, version, deleted));
      }
      default:
        return sendStatus(
          response,
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        );
    }
  }

  private requireNamespace(namespace: string, creating: boolean): void {
    const nsType = this.typeFor('', 'namespaces')!;
    const found = this.store.find(nsType, undefined, namespace);
    if (!found)
      throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, {
        name: namespace,
        kind: 'namespaces',
      });
    if (creating && found.metadata.deletionTimestamp)
      throw new ApiError(
        403,
        'Forbidden',
        `unable to create new content in namespace ${namespace} because it is being terminated`,
        { name: namespace, kind: 'namespaces' },
      );
  }

  /** A custom resource pruned and validated by its CRD version's schema; warnings go in the Warning header. */
  private admit(object: Obj, type: ResourceType, version: string, url: URL, response: ServerResponse): void {
    const warnings = admitCustomResource(
      object,
      type.schemas?.[version],
      { kind: type.kind, group: type.group, version },
      url.searchParams.get('fieldValidation'),
    );
    if (warnings.length)
      response.setHeader(
        'Warning',
        warnings.map((w) => `299 - ${JSON.stringify(w)}`),
      );
  }

  private checkKind(object: Obj, type: ResourceType, version: string): void {
    if (object.kind && object.kind !== type.kind)
      throw new ApiError(
        400,
        'BadRequest',
        `the API version in the data (${object.apiVersion}) does not match the expected API version (${apiVersionOf(type.group, version)})`,
      );
  }

  private async patch(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    type: ResourceType,
    version: string,
    namespace: string | undefined,
    name: string,
    body: string,
    subresource: string | undefined,
  ): Promise<void> {
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
    const ns = type.namespaced ? namespace : undefined;
    const current = this.store.find(type, ns, name);
    if (contentType === 'application/apply-patch+yaml') {
      const applied = parseYaml(body) as Obj;
      this.checkKind(applied, type, version);
      this.admit(applied, type, version, url, response);
      const manager = url.searchParams.get('fieldManager') ?? 'unknown';
      if (!current) {
        const object = {
          ...applied,
          metadata: {
            ...applied.metadata,
            name,
            ...(type.namespaced ? { namespace: ns ?? 'default' } : {}),
            managedFields: [managedField(manager, 'Apply', type, version)],
          },
        };
        const created = this.store.create(type, prepareCreate(this.store, this.types, type, object));
        return sendJson(response, 201, this.present(type, version, created));
      }
      const merged = applyPatch(current, applied) as Obj;
      merged.metadata.managedFields = [
        ...((current.metadata.managedFields ?? []) as Obj[]).filter((f) => f.manager !== manager),
        managedField(manager, 'Apply', type, version),
      ];
      if (subresource === 'status')
        return sendJson(
          response,
          200,
          this.present(type, version, this.store.update(type, merged, { subresource: 'status' })),
        );
      return sendJson(response, 200, this.present(type, version, this.store.update(type, merged)));
    }
    if (!current) throw notFound(type, name);
    const patchBody = parseBody(body, request, true);
    let next: Obj;
    switch (contentType) {
      case 'application/merge-patch+json':
        next = mergePatch(current, patchBody) as Obj;
        break;
      case 'application/json-patch+json':
        next = jsonPatch(current, patchBody) as Obj;
        break;
      case 'application/strategic-merge-patch+json':
        if (!type.group.includes('.') || type.group.endsWith('.k8s.io'))
          next = strategicMergePatch(current, patchBody) as Obj;
        else
          throw new ApiError(
            415,
            'UnsupportedMediaType',
            'the body of the request was in an unknown format - accepted media types include: ' +
              'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
          );
        break;
      default:
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          'the body of the request was in an unknown format - accepted media types include: ' +
            'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, ' +
            'application/strategic-merge-patch+json',
        );
    }
    next.metadata = { ...next.metadata, name, ...(type.namespaced ? { namespace: ns } : {}) };
    this.admit(next, type, version, url, response);
    const updated = this.store.update(type, next, subresource === 'status' ? { subresource: 'status' } : {});
    return sendJson(response, 200, this.present(type, version, updated));
  }

  /** Deletes an object and, as the garbage collector would, what it owns. */
  deleteWithDependents(type: ResourceType, namespace: string | undefined, name: string): Obj {
    const isNamespace = type.plural === 'namespaces' && type.group === '';
    // A namespace goes Terminating first; the namespace controller removes it once it is empty.
    const deleted = isNamespace ? this.terminateNamespace(type, name) : this.store.delete(type, namespace, name);
    // An object held by finalizers stays (terminating): background propagation waits for it to go.
    if (!isNamespace && this.store.find(type, namespace, name)) return deleted;
    const uid = deleted.metadata.uid;
    for (const key of this.store.allKeys()) {
      const ownedType = this.types.find((t) => storageKey(t) === key);
      if (!ownedType) continue;
      for (const object of this.store.list(ownedType)) {
        const owned = ((object.metadata.ownerReferences ?? []) as Obj[]).some((ref) => ref.uid === uid);
        const inNamespace = type.plural === 'namespaces' && type.group === '' && object.metadata.namespace === name;
        if (owned || inNamespace) {
          try {
            this.deleteWithDependents(ownedType, object.metadata.namespace, object.metadata.name);
          } catch {
            // Already gone through another owner.
          }
        }
      }
    }
    if (isNamespace) this.finalizeNamespace(name);
    return this.store.find(type, undefined, name) ?? deleted;
  }

  private terminateNamespace(type: ResourceType, name: string): Obj {
    const current = this.store.get(type, undefined, name);
    return this.store.terminate(type, undefined, name, { ...current.status, phase: 'Terminating' });
  }

  /** The namespace controller's last step: a Terminating namespace with nothing left in it is removed. */
  private finalizeNamespace(name: string): void {
    const nsType = this.typeFor('', 'namespaces')!;
    const ns = this.store.find(nsType, undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    const remaining = this.store.allKeys().some((key) => {
      const owned = this.types.find((t) => storageKey(t) === key && t.namespaced);
      return owned ? this.store.list(owned, name).length > 0 : false;
    });
    if (!remaining) this.store.delete(nsType, undefined, name);
  }

  private deleteCollection(
    response: ServerResponse,
    url: URL,
    type: ResourceType,
    version: string,
    namespace: string | undefined,
  ): void {
    const items = this.select(url, type, namespace);
    const deleted = items.map((o) => this.deleteWithDependents(type, o.metadata.namespace, o.metadata.name));
    sendJson(response, 200, {
      kind: type.listKind,
      apiVersion: apiVersionOf(type.group, version),
      metadata: { resourceVersion: this.store.resourceVersion },
      items: deleted.map((o) => this.present(type, version, o)),
    });
  }

  private select(url: URL, type: ResourceType, namespace: string | undefined): Obj[] {
    const labels = parseLabelSelector(url.searchParams.get('labelSelector'));
    const fields = parseFieldSelector(url.searchParams.get('fieldSelector'));
    checkFieldSelector(type, fields);
    return this.store
      .list(type, type.namespaced ? namespace : undefined)
      .filter((o) => matchesLabels(o.metadata.labels, labels) && matchesFields(o, fields));
  }

  private async list(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    type: ResourceType,
    version: string,
    namespace: string | undefined,
  ): Promise<void> {
    await waitForResourceVersion(
      this.store,
      url.searchParams.get('continue') ? null : url.searchParams.get('resourceVersion'),
    );
    const selected = Boolean(url.searchParams.get('labelSelector') || url.searchParams.get('fieldSelector'));
    let items = this.select(url, type, namespace);
    // etcd lists in key order (bytes), which `continue` tokens point into.
    if (url.searchParams.get('limit') || url.searchParams.get('continue'))
      items = [...items].sort((a, b) => (objectId(a) < objectId(b) ? -1 : 1));
    const page = paginate(items, url, this.store, selected);
    const metadata = {
      resourceVersion: page.resourceVersion,
      ...(page.continue ? { continue: page.continue } : {}),
      ...(page.remainingItemCount !== undefined ? { remainingItemCount: page.remainingItemCount } : {}),
    };
    if (wantsTable(request))
      return sendJson(response, 200, { ...this.table(type, page.items, page.resourceVersion, url, version), metadata });
    sendJson(response, 200, {
      kind: type.listKind,
      apiVersion: apiVersionOf(type.group, version),
      metadata,
      items: page.items.map((o) => this.present(type, version, o)),
    });
  }

  private sendObject(
    request: IncomingMessage,
    response: ServerResponse,
    type: ResourceType,
    version: string,
    object: Obj,
  ): void {
    if (wantsTable(request))
      return sendJson(
        response,
        200,
        this.table(type, [object], this.store.resourceVersion, new URL('https://lab/'), version),
      );
    sendJson(response, 200, this.present(type, version, object));
  }

  private table(type: ResourceType, items: Obj[], resourceVersion: string, url: URL, version: string): Obj {
    const now = Date.now();
    const include = url.searchParams.get('includeObject') ?? 'Metadata';
    return {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion },
      columnDefinitions: type.columns.map((c) => ({
        name: c.name,
        type: c.type,
        format: c.format ?? '',
        description: c.description,
        priority: c.priority,
      })),
      rows: items.map((item) => ({
        cells: type.columns.map((c) => c.cell(item, now)),
        object:
          include === 'Object'
            ? this.present(type, version, item)
            : include === 'None'
              ? undefined
              : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: item.metadata },
      })),
    };
  }

  /** An object as served in `version` (one stored copy serves every version of a CRD). */
  present(type: ResourceType, version: string, object: Obj): Obj {
    const { kind: _kind, apiVersion: _apiVersion, ...rest } = object;
    return { apiVersion: apiVersionOf(type.group, version), kind: type.kind, ...rest };
  }
}

function managedField(manager: string, operation: string, type: ResourceType, version: string): Obj {
  return {
    manager,
    operation,
    apiVersion: apiVersionOf(type.group, version),
    time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    fieldsType: 'FieldsV1',
    fieldsV1: {},
  };
}
