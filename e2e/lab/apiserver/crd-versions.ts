/**
 * A CRD's `status.storedVersions`, kept as kube-apiserver's apiextensions registry keeps it
 * (k8s.io/apiextensions-apiserver, pkg/registry/customresourcedefinition/strategy.go and
 * pkg/apis/apiextensions/validation/validation.go):
 * - on create and on every update of the CRD, the version marked `storage: true` is appended to
 *   storedVersions if it is not there yet (strategy.go PrepareForCreate/PrepareForUpdate). Objects
 *   are always persisted at the storage version, whatever version they were written at, so this is
 *   the only way a version enters the list; the list lives on after the storage version moves.
 * - the main resource cannot change status (a status subresource): storedVersions is carried over.
 * - an update whose spec.versions no longer lists a version in storedVersions is refused, 422
 *   Invalid, `status.storedVersions[i]: Invalid value: "V": must appear in spec.versions`
 *   (ValidateCustomResourceDefinitionStoredVersions). Only a storage migration followed by a status
 *   update that drops the version from storedVersions makes the removal possible (the trap
 *   Cilium reverted once, cilium/cilium#48087). Setting `served: false` is allowed, as upstream.
 */
import type { KubeObject as Obj } from './kube-object.ts';
import { ApiError } from './store.ts';

const storageVersion = (crd: Obj): string | undefined =>
  ((crd.spec?.versions ?? []) as Obj[]).find((v) => v.storage === true)?.name as string | undefined;

/** The storedVersions a CRD has after a create or a main-resource update (status carried from `current`). */
export function storedVersionsAfter(current: Obj | undefined, next: Obj): string[] {
  const stored = [...((current?.status?.storedVersions ?? []) as string[])];
  const storage = storageVersion(next);
  if (storage && !stored.includes(storage)) stored.push(storage);
  return stored;
}

/** The apiserver's refusal of an update that drops a stored version from spec.versions, if it does. */
export function storedVersionsError(crd: Obj): ApiError | undefined {
  const names = new Set(((crd.spec?.versions ?? []) as Obj[]).map((v) => v.name as string));
  const stored = (crd.status?.storedVersions ?? []) as string[];
  const causes = stored.flatMap((version, index) =>
    names.has(version)
      ? []
      : [
          {
            reason: 'FieldValueInvalid',
            message: `Invalid value: "${version}": must appear in spec.versions`,
            field: `status.storedVersions[${index}]`,
          },
        ],
  );
  if (causes.length === 0) return undefined;
  const text = causes.map((c) => `${c.field}: ${c.message}`);
  return new ApiError(
    422,
    'Invalid',
    `CustomResourceDefinition.apiextensions.k8s.io "${crd.metadata?.name}" is invalid: ${text.length === 1 ? text[0] : `[${text.join(', ')}]`}`,
    { name: crd.metadata?.name, group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', causes },
  );
}

/** The update of a CRD's main resource as the apiserver prepares and validates it. */
export function prepareCrdUpdate(current: Obj, next: Obj): Obj {
  const prepared = {
    ...next,
    status: { ...(current.status ?? {}), storedVersions: storedVersionsAfter(current, next) },
  };
  const refused = storedVersionsError(prepared);
  if (refused) throw refused;
  return prepared;
}
