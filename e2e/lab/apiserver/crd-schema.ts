/**
 * A custom resource checked against its CRD version's openAPIV3Schema, as the real
 * apiextensions server does (structural schemas, k8s.io/apiextensions-apiserver):
 * - fields the schema does not declare are pruned, unless a node sets
 *   `x-kubernetes-preserve-unknown-fields`; with `fieldValidation=Strict` (kubectl's default
 *   since 1.27: `--validate=strict`) they are refused instead ("strict decoding error: unknown
 *   field"), with `Warn` they come back as warnings;
 * - types, enums, required fields, patterns… are validated (by ajv, a JSON-schema validator;
 *   OpenAPI's `nullable` and the `x-kubernetes-*` vendor keywords are not JSON schema and are
 *   handled or ignored here), and refused with 422 Invalid in the server's wording.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ApiError } from './store.ts';
import type { KubeObject as Obj } from './kube-object.ts';

const isMap = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** `/spec/blocks/0/cidr` → `spec.blocks[0].cidr`. */
function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

/** Removes (and reports) fields the structural schema does not declare. */
function prune(value: unknown, schema: Obj | undefined, path: string, unknown: string[]): void {
  if (!schema || schema['x-kubernetes-preserve-unknown-fields']) return;
  if (isMap(value)) {
    const properties = schema.properties as Obj | undefined;
    const additional = schema.additionalProperties;
    for (const key of Object.keys(value)) {
      const child = path ? `${path}.${key}` : key;
      // The server handles the object's metadata itself.
      if (!path && ['apiVersion', 'kind', 'metadata'].includes(key)) continue;
      if (properties && key in properties) prune(value[key], properties[key] as Obj, child, unknown);
      else if (isMap(additional)) prune(value[key], additional, child, unknown);
      else if (additional !== true) {
        unknown.push(child);
        delete value[key];
      }
    }
  } else if (Array.isArray(value) && isMap(schema.items)) {
    value.forEach((item, i) => prune(item, schema.items as Obj, `${path}[${i}]`, unknown));
  }
}

const cache = new WeakMap<Obj, ValidateFunction>();
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

function compile(schema: Obj): ValidateFunction {
  let validate = cache.get(schema);
  if (!validate) {
    // metadata is validated by the server, not by the CRD's (open) schema for it.
    const { metadata: _metadata, ...properties } = (schema.properties ?? {}) as Obj;
    validate = ajv.compile({ ...schema, properties });
    cache.set(schema, validate);
  }
  return validate;
}

function describe(error: ErrorObject, object: Obj): string {
  const path = fieldPath(error.instancePath);
  const value = error.instancePath
    .split('/')
    .slice(1)
    .reduce<unknown>((node, key) => (node as Obj)?.[key], object);
  switch (error.keyword) {
    case 'required':
      return `${path ? `${path}.` : ''}${(error.params as { missingProperty: string }).missingProperty}: Required value`;
    case 'enum':
      return `${path}: Unsupported value: ${JSON.stringify(value)}: supported values: ${(
        error.params as { allowedValues: unknown[] }
      ).allowedValues
        .map((v) => JSON.stringify(v))
        .join(', ')}`;
    case 'type': {
      const got = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
      return `${path}: Invalid value: "${got}": ${path} in body must be of type ${(error.params as { type: string }).type}: "${got}"`;
    }
    default:
      return `${path}: Invalid value: ${JSON.stringify(value)}: ${path} in body ${error.message ?? 'is invalid'}`;
  }
}

/**
 * Admits `object` (changed in place: pruned) for a CRD version's schema, or throws the
 * server's error. Returns the warnings for pruned fields (fieldValidation Warn or unset).
 */
export function admitCustomResource(
  object: Obj,
  schema: Obj | undefined,
  who: { kind: string; group: string; version: string },
  fieldValidation: string | null,
): string[] {
  if (!schema) return [];
  const unknown: string[] = [];
  prune(object, schema, '', unknown);
  if (unknown.length && fieldValidation === 'Strict')
    throw new ApiError(
      400,
      'BadRequest',
      `${who.kind} in version "${who.version}" cannot be handled as a ${who.kind}: ` +
        `strict decoding error: ${unknown.map((u) => `unknown field "${u}"`).join(', ')}`,
    );
  const validate = compile(schema);
  if (!validate(object as unknown)) {
    const messages = [
      ...new Set((validate.errors ?? []).filter((e) => e.keyword !== 'anyOf').map((e) => describe(e, object))),
    ];
    throw new ApiError(
      422,
      'Invalid',
      `${who.kind}.${who.group} "${object.metadata?.name ?? ''}" is invalid: ${messages.length > 1 ? `[${messages.join(', ')}]` : messages[0]}`,
    );
  }
  return fieldValidation === 'Ignore' ? [] : unknown.map((u) => `unknown field "${u}"`);
}

/**
 * Admits a manifest as the API server would with these CRDs installed (a copy; `Strict` field
 * validation unless told): the served version its `apiVersion` names, or an error that it is
 * not served. The judge of the tests that hold Kindscope's manifests to upstream's CRDs.
 */
export function admitManifest(crds: Obj[], manifest: Obj, fieldValidation = 'Strict'): string[] {
  const [group, version] = String(manifest.apiVersion).split('/') as [string, string];
  const crd = crds.find((c) => c.spec.names.kind === manifest.kind && c.spec.group === group);
  const served = crd?.spec.versions.find((v: Obj) => v.name === version && v.served);
  if (!served) throw new Error(`${manifest.kind} is not served at ${manifest.apiVersion}`);
  return admitCustomResource(
    structuredClone(manifest),
    served.schema.openAPIV3Schema,
    { kind: manifest.kind, group, version },
    fieldValidation,
  );
}
