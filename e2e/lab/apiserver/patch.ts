/** The patch types the API server accepts, over plain JSON values. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export class PatchError extends Error {}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const clone = <T>(value: T): T => structuredClone(value);

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const result: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key] ?? null, value);
  }
  return result;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`invalid JSON pointer "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(document: Json, tokens: string[]): { parent: JsonObject | Json[]; key: string } {
  let current: Json = document;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(current)) current = current[Number(token)] as Json;
    else if (isObject(current)) current = current[token] as Json;
    if (current === undefined || current === null || typeof current !== 'object')
      throw new PatchError(`doc is missing path: /${tokens.join('/')}`);
  }
  return { parent: current as JsonObject | Json[], key: tokens.at(-1)! };
}

function getAt(document: Json, tokens: string[]): Json {
  let current: Json = document;
  for (const token of tokens) {
    if (Array.isArray(current)) current = current[Number(token)] as Json;
    else if (isObject(current)) current = current[token] as Json;
    else current = undefined as unknown as Json;
    if (current === undefined) throw new PatchError(`doc is missing path: /${tokens.join('/')}`);
  }
  return current;
}

/** RFC 6902 JSON patch. */
export function jsonPatch(target: Json, operations: unknown): Json {
  if (!Array.isArray(operations)) throw new PatchError('a JSON patch must be a list of operations');
  let document = clone(target);
  for (const raw of operations) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string')
      throw new PatchError('each operation needs "op" and "path"');
    const tokens = pointer(raw.path);
    const remove = (path: string[]) => {
      const { parent, key } = parentOf(document, path);
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else {
        if (!(key in parent)) throw new PatchError(`unable to remove nonexistent key: ${key}`);
        delete parent[key];
      }
    };
    const add = (path: string[], value: Json) => {
      if (path.length === 0) {
        document = value;
        return;
      }
      const { parent, key } = parentOf(document, path);
      if (Array.isArray(parent)) {
        const index = key === '-' ? parent.length : Number(key);
        if (index > parent.length || index < 0 || Number.isNaN(index))
          throw new PatchError(`index out of range: ${key}`);
        parent.splice(index, 0, value);
      } else parent[key] = value;
    };
    switch (raw.op) {
      case 'add':
        add(tokens, clone(raw.value as Json));
        break;
      case 'remove':
        remove(tokens);
        break;
      case 'replace':
        getAt(document, tokens);
        remove(tokens);
        add(tokens, clone(raw.value as Json));
        break;
      case 'move': {
        const from = pointer(String(raw.from));
        const value = clone(getAt(document, from));
        remove(from);
        add(tokens, value);
        break;
      }
      case 'copy':
        add(tokens, clone(getAt(document, pointer(String(raw.from)))));
        break;
      case 'test':
        if (JSON.stringify(getAt(document, tokens)) !== JSON.stringify(raw.value))
          throw new PatchError(`testing value ${raw.path} failed`);
        break;
      default:
        throw new PatchError(`unknown operation "${raw.op}"`);
    }
  }
  return document;
}

/** Merge keys of the lists strategic merge patch merges by key (k8s.io/api patchMergeKey). */
const mergeKeys: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  conditions: 'type',
  addresses: 'type',
  imagePullSecrets: 'name',
  tolerations: 'key',
  ownerReferences: 'uid',
  finalizers: '',
};

/**
 * Strategic merge patch for the built-in types: merge patch, except that lists with a
 * merge key merge element by element, `$patch: delete|replace` directives, and the
 * `$setElementOrder`/`$retainKeys` bookkeeping keys kubectl sends are accepted.
 */
export function strategicMergePatch(target: Json, patch: Json, field = ''): Json {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return clone(rest);
  }
  if (patch.$patch === 'delete') return null;
  const result: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$setElementOrder/') || key === '$retainKeys' || key === '$patch') continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const list = key.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(result[list]) && Array.isArray(value))
        result[list] = (result[list] as Json[]).filter((item) => !value.includes(item));
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    const mergeKey = mergeKeys[key];
    if (Array.isArray(value) && Array.isArray(result[key]) && mergeKey) {
      const merged = clone(result[key] as Json[]);
      for (const item of value) {
        if (!isObject(item)) continue;
        const index = merged.findIndex((existing) => isObject(existing) && existing[mergeKey] === item[mergeKey]);
        if (item.$patch === 'delete') {
          if (index >= 0) merged.splice(index, 1);
        } else if (index >= 0) merged[index] = strategicMergePatch(merged[index]!, item, key);
        else merged.push(strategicMergePatch(null, item, key));
      }
      result[key] = merged;
    } else if (Array.isArray(value) && Array.isArray(result[key]) && key === 'finalizers') {
      result[key] = [...new Set([...(result[key] as Json[]), ...value])];
    } else {
      result[key] = isObject(value) ? strategicMergePatch(result[key] ?? null, value, key) : clone(value);
    }
  }
  void field;
  return result;
}

/**
 * Server-side apply, as far as the lab needs it: the applied configuration is merged into
 * the live object (lists with merge keys by key, others replaced); ownership is recorded
 * per field manager in metadata.managedFields without conflict detection.
 */
export function applyPatch(target: Json, applied: Json): Json {
  const { metadata: _meta, ...rest } = (isObject(applied) ? applied : {}) as JsonObject;
  const merged = strategicMergePatch(target, rest) as JsonObject;
  const appliedMeta = isObject(applied) && isObject(applied.metadata) ? applied.metadata : {};
  const meta = isObject(merged.metadata) ? merged.metadata : {};
  for (const key of ['labels', 'annotations'] as const) {
    if (isObject(appliedMeta[key])) meta[key] = { ...(isObject(meta[key]) ? meta[key] : {}), ...appliedMeta[key] };
  }
  merged.metadata = meta;
  return merged;
}
