import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { storageKey, type ResourceType } from './registry.ts';

import type { KubeObject as Obj } from './kube-object.ts';
import { prepareCrdUpdate } from './crd-versions.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoredEvent {
  rv: number;
  type: WatchEventType;
  key: string;
  object: Obj;
  /** The object before a MODIFIED event: a watch with a selector turns a move into or out of it into ADDED / DELETED. */
  previous?: Obj;
}

export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: Obj | undefined;
  constructor(code: number, reason: string, message: string, details?: Obj) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }
}

const historyLimit = 5000;

/**
 * Objects by resource, one global resourceVersion counter (opaque to clients), and an
 * event history for watches — persisted to disk on every change, as etcd would keep them.
 * A watch from a version older than the history gives 410 Gone.
 */
export class ObjectStore {
  private rv = 0;
  private readonly objects = new Map<string, Map<string, Obj>>();
  private history: StoredEvent[] = [];
  private readonly listeners = new Set<(event: StoredEvent) => void>();
  private readonly file: string;

  constructor(file: string) {
    this.file = file;
    if (existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as {
        rv: number;
        objects: Record<string, Obj[]>;
        history: StoredEvent[];
      };
      this.rv = saved.rv;
      for (const [key, list] of Object.entries(saved.objects))
        this.objects.set(key, new Map(list.map((o) => [objectId(o), o])));
      this.history = saved.history ?? [];
    }
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  /** The oldest version a watch may start from (exclusive). */
  get oldestWatchable(): number {
    return this.history.length > 0 ? this.history[0]!.rv - 1 : this.rv;
  }

  onEvent(listener: (event: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  eventsSince(rv: number, key: string): StoredEvent[] {
    return this.history.filter((event) => event.rv > rv && event.key === key);
  }

  /** Drops history so that watches from older versions get 410 (fault hook). */
  compact(): void {
    this.history = [];
    this.save();
  }

  list(type: ResourceType, namespace?: string): Obj[] {
    const all = [...(this.objects.get(storageKey(type))?.values() ?? [])];
    return (namespace ? all.filter((o) => o.metadata.namespace === namespace) : all).sort((a, b) =>
      objectId(a).localeCompare(objectId(b)),
    );
  }

  allKeys(): string[] {
    return [...this.objects.keys()];
  }

  get(type: ResourceType, namespace: string | undefined, name: string): Obj {
    const found = this.objects.get(storageKey(type))?.get(idOf(namespace, name));
    if (!found) throw notFound(type, name);
    return found;
  }

  find(type: ResourceType, namespace: string | undefined, name: string): Obj | undefined {
    return this.objects.get(storageKey(type))?.get(idOf(namespace, name));
  }

  create(type: ResourceType, object: Obj): Obj {
    const meta = (object.metadata ??= {});
    if (!meta.name && meta.generateName)
      meta.name = `${meta.generateName}${randomUUID().replace(/-/g, '').slice(0, 5)}`;
    if (!meta.name)
      throw new ApiError(
        422,
        'Invalid',
        `${type.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
      );
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(meta.name) || meta.name.length > 253) {
      throw new ApiError(
        422,
        'Invalid',
        `${type.kind} "${meta.name}" is invalid: metadata.name: Invalid value: "${meta.name}": ` +
          'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, ' +
          `'-' or '.', and must start and end with an alphanumeric character`,
      );
    }
    const id = idOf(type.namespaced ? meta.namespace : undefined, meta.name);
    const bucket = this.bucket(type);
    if (bucket.has(id))
      throw new ApiError(
        409,
        'AlreadyExists',
        `${type.plural}${type.group ? `.${type.group}` : ''} "${meta.name}" already exists`,
        { name: meta.name, group: type.group, kind: type.plural },
      );
    meta.uid = randomUUID();
    meta.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    meta.generation = 1;
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    return this.commit(type, 'ADDED', object);
  }

  /** Replaces the stored object; `expectedRv` enforces optimistic concurrency. */
  update(type: ResourceType, object: Obj, options: { expectedRv?: string; subresource?: 'status' } = {}): Obj {
    const meta = object.metadata ?? {};
    const current = this.get(type, type.namespaced ? meta.namespace : undefined, meta.name);
    checkFinalizers(type, current, object);
    if (options.expectedRv && options.expectedRv !== current.metadata.resourceVersion) {
      throw new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${type.plural}${type.group ? `.${type.group}` : ''} ` +
          `"${meta.name}": the object has been modified; ` +
          'please apply your changes to the latest version and try again',
        { name: meta.name, group: type.group, kind: type.plural },
      );
    }
    let next: Obj;
    if (options.subresource === 'status') next = { ...current, status: object.status };
    else {
      // deletionTimestamp is the server's: kept once set, never taken from a client.
      const {
        deletionTimestamp: _clientDeletion,
        deletionGracePeriodSeconds: _clientGrace,
        ...clientMeta
      } = object.metadata ?? {};
      const deletion = current.metadata.deletionTimestamp
        ? {
            deletionTimestamp: current.metadata.deletionTimestamp,
            deletionGracePeriodSeconds: current.metadata.deletionGracePeriodSeconds ?? 0,
          }
        : {};
      next = {
        ...object,
        metadata: {
          ...clientMeta,
          ...deletion,
          uid: current.metadata.uid,
          creationTimestamp: current.metadata.creationTimestamp,
          generation: current.metadata.generation,
        },
      };
      // With a status subresource, the main resource cannot change status.
      if (type.hasStatus) next.status = current.status;
      if (type.plural === 'customresourcedefinitions') next = prepareCrdUpdate(current, next);
      if (JSON.stringify(stripForGeneration(next)) !== JSON.stringify(stripForGeneration(current)))
        next.metadata.generation = (current.metadata.generation ?? 1) + 1;
    }
    if (
      JSON.stringify({
        ...next,
        metadata: { ...next.metadata, resourceVersion: undefined, managedFields: undefined },
      }) ===
      JSON.stringify({
        ...current,
        metadata: { ...current.metadata, resourceVersion: undefined, managedFields: undefined },
      })
    ) {
      return current;
    }
    // The last finalizer of a terminating object removed: the object goes.
    if (next.metadata.deletionTimestamp && ((next.metadata.finalizers ?? []) as string[]).length === 0) {
      this.bucket(type).delete(objectId(current));
      return this.commit(type, 'DELETED', next, true);
    }
    return this.commit(type, 'MODIFIED', next, false, current);
  }

  /**
   * Deletes an object — or, while it has finalizers, marks it terminating
   * (deletionTimestamp set, MODIFIED) until an update removes the last one.
   */
  delete(type: ResourceType, namespace: string | undefined, name: string): Obj {
    const current = this.get(type, namespace, name);
    if (((current.metadata.finalizers ?? []) as string[]).length > 0) return this.terminate(type, namespace, name);
    this.bucket(type).delete(objectId(current));
    return this.commit(
      type,
      'DELETED',
      {
        ...current,
        metadata: { ...current.metadata, deletionTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') },
      },
      true,
    );
  }

  /** Marks an object terminating (deletionTimestamp, and a status such as a namespace's phase): MODIFIED. */
  terminate(type: ResourceType, namespace: string | undefined, name: string, status?: Obj): Obj {
    const current = this.get(type, namespace, name);
    if (current.metadata.deletionTimestamp) return current;
    const terminating = {
      ...current,
      metadata: {
        ...current.metadata,
        deletionTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        deletionGracePeriodSeconds: 0,
      },
      ...(status ? { status } : {}),
    };
    return this.commit(type, 'MODIFIED', terminating, false, current);
  }

  private bucket(type: ResourceType): Map<string, Obj> {
    const key = storageKey(type);
    let bucket = this.objects.get(key);
    if (!bucket) {
      bucket = new Map();
      this.objects.set(key, bucket);
    }
    return bucket;
  }

  private commit(type: ResourceType, eventType: WatchEventType, object: Obj, removed = false, previous?: Obj): Obj {
    this.rv += 1;
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(this.rv);
    if (!removed) this.bucket(type).set(objectId(stored), stored);
    const event: StoredEvent = {
      rv: this.rv,
      type: eventType,
      key: storageKey(type),
      object: stored,
      ...(previous ? { previous } : {}),
    };
    this.history.push(event);
    if (this.history.length > historyLimit) this.history.splice(0, this.history.length - historyLimit);
    this.save();
    for (const listener of this.listeners) listener(event);
    return stored;
  }

  private save(): void {
    const objects: Record<string, Obj[]> = {};
    for (const [key, bucket] of this.objects) objects[key] = [...bucket.values()];
    const temporary = `${this.file}.tmp`;
    // The previous objects stay in memory only: saved, they would double every write of the history.
    writeFileSync(
      temporary,
      JSON.stringify({ rv: this.rv, objects, history: this.history.map(({ previous: _previous, ...event }) => event) }),
    );
    renameSync(temporary, this.file);
  }
}

/** The API server's rule: once an object is terminating, no new finalizer may be added. */
function checkFinalizers(type: ResourceType, current: Obj, next: Obj): void {
  if (!current.metadata.deletionTimestamp) return;
  const before = new Set((current.metadata.finalizers ?? []) as string[]);
  const added = ((next.metadata?.finalizers ?? []) as string[]).filter((f) => !before.has(f));
  if (added.length === 0) return;
  throw new ApiError(
    422,
    'Invalid',
    `${type.kind} "${current.metadata.name}" is invalid: metadata.finalizers: Forbidden: ` +
      'no new finalizers can be added if the object is being deleted, ' +
      `found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
  );
}

function stripForGeneration(object: Obj): Obj {
  const { metadata: _meta, status: _status, ...rest } = object;
  return rest;
}

function idOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export function objectId(object: Obj): string {
  return idOf(object.metadata?.namespace, object.metadata?.name);
}

export function notFound(type: ResourceType, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${type.plural}${type.group ? `.${type.group}` : ''} "${name}" not found`, {
    name,
    group: type.group,
    kind: type.plural,
  });
}
