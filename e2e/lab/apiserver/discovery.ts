/** Discovery, OpenAPI and /version documents of the lab API server, from its resource types. */
import type { ServerResponse } from 'node:http';
import { apiVersionOf, storageKey, type ResourceType } from './registry.ts';
import { scalable } from './api-semantics.ts';
import { sendJson, sendStatus } from './http.ts';

import type { KubeObject as Obj } from './kube-object.ts';

export function groupVersions(types: ResourceType[]): string[] {
  return [...new Set(types.map((t) => (t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`)))];
}

/** The OpenAPI v3 index kubectl reads to learn that PATCH takes fieldValidation. */
export function openApiIndex(types: ResourceType[], resourceVersion: string): Obj {
  return {
    paths: Object.fromEntries(
      groupVersions(types).map((gv) => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=${resourceVersion}` }]),
    ),
  };
}

/**
 * A minimal OpenAPI v3 document per group version: each resource's operations with
 * their GVK and query parameters (no schemas). kubectl then validates on the server
 * (fieldValidation) instead of downloading schemas.
 */
export function sendOpenApi(
  response: ServerResponse,
  types: ResourceType[],
  gv: string,
  kubernetesVersion: string,
): void {
  if (!groupVersions(types).includes(gv))
    return sendStatus(response, 404, 'NotFound', 'the server could not find the requested resource');
  const [, group, version] = gv.startsWith('api/') ? ['', '', gv.slice(4)] : gv.split('/');
  const params = ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({
    name,
    in: 'query',
    schema: { type: name === 'force' ? 'boolean' : 'string' },
  }));
  const paths: Obj = {};
  for (const type of types.filter((t) => t.group === (group ?? '') && t.version === version)) {
    const gvk = { group: type.group, version: type.version, kind: type.kind };
    const base = `/${gv}${type.namespaced ? '/namespaces/{namespace}' : ''}/${type.plural}`;
    const op = (action: string) => ({
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      parameters: params,
      responses: { '200': { description: 'OK' } },
    });
    paths[base] = { get: op('list'), post: op('post'), delete: op('deletecollection') };
    paths[`${base}/{name}`] = { get: op('get'), put: op('put'), patch: op('patch'), delete: op('delete') };
  }
  sendJson(response, 200, {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: kubernetesVersion },
    paths,
    components: { schemas: {} },
  });
}

export function groupList(types: ResourceType[]): Obj {
  const groups = new Map<string, Set<string>>();
  for (const type of types)
    if (type.group) (groups.get(type.group) ?? groups.set(type.group, new Set()).get(type.group)!).add(type.version);
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => {
      const list = [...versions].sort(compareVersions);
      return {
        name,
        versions: list.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
        preferredVersion: { groupVersion: `${name}/${list[0]}`, version: list[0] },
      };
    }),
  };
}

export function sendGroup(response: ServerResponse, types: ResourceType[], group: string): void {
  const found = groupList(types).groups.find((g: Obj) => g.name === group);
  if (!found) return sendStatus(response, 404, 'NotFound', 'the server could not find the requested resource');
  sendJson(response, 200, { kind: 'APIGroup', apiVersion: 'v1', ...found });
}

export function sendResourceList(
  response: ServerResponse,
  allTypes: ResourceType[],
  group: string,
  version: string,
): void {
  const types = allTypes.filter((t) => t.group === group && t.version === version);
  if (types.length === 0)
    return sendStatus(response, 404, 'NotFound', 'the server could not find the requested resource');
  const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
  sendJson(response, 200, {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf(group, version),
    resources: types.flatMap((t) => [
      {
        name: t.plural,
        singularName: t.singular,
        namespaced: t.namespaced,
        kind: t.kind,
        verbs,
        ...(t.shortNames.length ? { shortNames: t.shortNames } : {}),
        ...(t.categories.length ? { categories: t.categories } : {}),
      },
      ...(t.hasStatus
        ? [
            {
              name: `${t.plural}/status`,
              singularName: '',
              namespaced: t.namespaced,
              kind: t.kind,
              verbs: ['get', 'patch', 'update'],
            },
          ]
        : []),
      ...(scalable.has(storageKey(t))
        ? [
            {
              name: `${t.plural}/scale`,
              singularName: '',
              namespaced: t.namespaced,
              group: 'autoscaling',
              version: 'v1',
              kind: 'Scale',
              verbs: ['get', 'patch', 'update'],
            },
          ]
        : []),
    ]),
  });
}

/** Kubernetes version order: v2 > v1 > v2beta1 > v1beta1 > v1alpha1. */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string) => {
    const match = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!match) return [0, 0, 0];
    const stage = match[2] === 'alpha' ? 1 : match[2] === 'beta' ? 2 : 3;
    return [stage, Number(match[1]), Number(match[3] ?? 0)];
  };
  const [sa, ma, na] = rank(a);
  const [sb, mb, nb] = rank(b);
  return sb! - sa! || mb! - ma! || nb! - na!;
}

export function versionInfo(gitVersion: string): Obj {
  const [, major = '1', minor = '33'] = /^v(\d+)\.(\d+)/.exec(gitVersion) ?? [];
  return {
    major,
    minor,
    gitVersion,
    gitCommit: 'lab',
    gitTreeState: 'clean',
    buildDate: '2025-05-15T00:00:00Z',
    goVersion: 'go1.24.2',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}
