/**
 * The resource types the lab API server serves: the built-ins LAB.md §2 lists (builtin-types.ts), plus every
 * CustomResourceDefinition created at runtime (as the real apiextensions server does).
 */
import type { KubeObject as Obj } from './kube-object.ts';

export interface Column {
  name: string;
  type: 'string' | 'integer' | 'number' | 'date' | 'boolean';
  format?: string;
  description: string;
  priority: number;
  cell(object: Obj, now: number): string | number | boolean;
}

export interface ResourceType {
  group: string;
  version: string;
  /** Versions served for the same stored objects (multi-version CRDs). */
  servedVersions: string[];
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  hasStatus: boolean;
  columns: Column[];
  /** A CRD's openAPIV3Schema per served version: objects are pruned and validated with it. */
  schemas?: Record<string, Obj>;
}

export const storageKey = (type: Pick<ResourceType, 'group' | 'plural'>) => `${type.group}/${type.plural}`;
export const apiVersionOf = (group: string, version: string) => (group ? `${group}/${version}` : version);

/** Like k8s.io/apimachinery duration.HumanDuration: 45s, 5m3s, 3h4m, 2d5h, 400d. */
export function humanDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  return `${days}d`;
}

const age = (o: Obj, now: number) =>
  o.metadata?.creationTimestamp ? humanDuration(now - Date.parse(o.metadata.creationTimestamp)) : '<unknown>';
export const nameColumn: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  priority: 0,
  cell: (o) => o.metadata?.name ?? '',
};
export const ageColumn: Column = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  priority: 0,
  cell: age,
};
export const col = (name: string, cell: Column['cell'], priority = 0, type: Column['type'] = 'string'): Column => ({
  name,
  type,
  description: name,
  priority,
  cell,
});

export function evaluateJsonPath(object: unknown, path: string): unknown {
  const tokens = path.replace(/^\{|\}$/g, '').match(/\.[\w-]+|\[\?\(@\.[\w-]+=="[^"]*"\)\]|\[\d+\]/g) ?? [];
  let current: unknown[] = [object];
  for (const token of tokens) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || value === undefined) continue;
      if (token.startsWith('.')) next.push((value as Obj)[token.slice(1)]);
      else if (token.startsWith('[?')) {
        const [, key, expected] = /@\.([\w-]+)=="([^"]*)"/.exec(token)!;
        if (Array.isArray(value)) next.push(...value.filter((item) => String((item as Obj)?.[key!]) === expected));
      } else if (Array.isArray(value)) next.push(value[Number(token.slice(1, -1))]);
    }
    current = next;
  }
  const defined = current.filter((v) => v !== undefined && v !== null);
  return defined.length === 0 ? undefined : defined.length === 1 ? defined[0] : defined;
}

/** The resource types a CRD object defines (one per served version, sharing storage). */
export function typeFromCrd(crd: Obj): ResourceType[] {
  const spec = crd.spec ?? {};
  const versions = ((spec.versions ?? []) as Obj[]).filter((v) => v.served !== false);
  const served = versions.map((v) => String(v.name));
  const schemas = Object.fromEntries(
    versions.filter((v) => v.schema?.openAPIV3Schema).map((v) => [String(v.name), v.schema.openAPIV3Schema as Obj]),
  );
  return versions.map((version) => ({
    schemas,
    group: spec.group,
    version: version.name,
    servedVersions: served,
    kind: spec.names.kind,
    listKind: spec.names.listKind ?? `${spec.names.kind}List`,
    plural: spec.names.plural,
    singular: spec.names.singular ?? String(spec.names.kind).toLowerCase(),
    namespaced: spec.scope === 'Namespaced',
    shortNames: spec.names.shortNames ?? [],
    categories: spec.names.categories ?? [],
    hasStatus: Boolean(version.subresources?.status),
    columns: [
      nameColumn,
      ...((version.additionalPrinterColumns ?? []) as Obj[]).map((c) => ({
        name: c.name,
        type: c.type === 'date' ? ('string' as const) : (c.type ?? 'string'),
        description: c.description ?? c.name,
        priority: c.priority ?? 0,
        cell: (o: Obj, now: number) => {
          const value = evaluateJsonPath(o, c.jsonPath);
          if (c.type === 'date')
            return typeof value === 'string' ? humanDuration(now - Date.parse(value)) : '<unknown>';
          if (value === undefined) return c.type === 'integer' || c.type === 'number' ? '<none>' : '';
          return Array.isArray(value) ? value.join(',') : (value as string | number | boolean);
        },
      })),
      ...(((version.additionalPrinterColumns ?? []) as Obj[]).some((c) => c.jsonPath === '.metadata.creationTimestamp')
        ? []
        : [ageColumn]),
    ],
  }));
}
