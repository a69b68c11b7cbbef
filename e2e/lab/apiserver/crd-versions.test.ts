import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinTypes } from './builtin-types.ts';
import { prepareCreate } from './create-defaults.ts';
import type { KubeObject } from './kube-object.ts';
import { ApiError, ObjectStore } from './store.ts';
import { ciliumCrds } from '../helm/cilium-crds.ts';

/**
 * status.storedVersions through the lab store as kube-apiserver keeps it, on the CRDs the helm
 * stand-in registers per Cilium minor (from ../shared/upstream/cilium-crds).
 */
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function storeWithCrd(crd: KubeObject) {
  const dir = mkdtempSync(join(tmpdir(), 'crd-versions-'));
  dirs.push(dir);
  const store = new ObjectStore(join(dir, 'state.json'));
  const types = builtinTypes();
  const type = types.find((t) => t.plural === 'customresourcedefinitions')!;
  store.create(type, prepareCreate(store, types, type, structuredClone(crd)));
  const update = (next: KubeObject) => {
    const current = store.find(type, undefined, crd.metadata.name)!;
    return store.update(type, { ...structuredClone(next), metadata: { ...current.metadata } });
  };
  const get = () => store.find(type, undefined, crd.metadata.name)!;
  return { update, get };
}

const pool = (chart: string) =>
  ciliumCrds(chart).find((c) => c.metadata.name === 'ciliumloadbalancerippools.cilium.io')!;
const versions = (crd: KubeObject) =>
  (crd.spec.versions as KubeObject[]).map(
    (v) => `${v.name}${v.served ? ' served' : ''}${v.storage ? ' storage' : ''}${v.deprecated ? ' deprecated' : ''}`,
  );

describe('the pool CRD each minor registers (served / storage)', () => {
  it.each([
    ['1.16.19', ['v2alpha1 served storage']],
    ['1.17.18', ['v2alpha1 served storage']],
    ['1.18.12', ['v2 served storage', 'v2alpha1 served']],
    ['1.19.6', ['v2 served storage', 'v2alpha1 served deprecated']],
    ['1.20.0', ['v2 served storage', 'v2alpha1 served deprecated']],
  ])('%s', (chart, expected) => {
    expect(versions(pool(chart))).toEqual(expected);
  });
});

describe('storedVersions across upgrades, as the apiserver keeps it', () => {
  it.each([
    ['installed at 1.18: only the storage version', ['1.18.12'], ['v2']],
    ['installed at 1.17: v2alpha1', ['1.17.18'], ['v2alpha1']],
    ['1.17 → 1.18: the old storage version stays listed', ['1.17.18', '1.18.12'], ['v2alpha1', 'v2']],
    [
      '1.17 → 1.18 → 1.20 → 1.18: nothing is ever dropped by an update',
      ['1.17.18', '1.18.12', '1.20.0', '1.18.12'],
      ['v2alpha1', 'v2'],
    ],
  ])('%s', (_name, charts, expected) => {
    const lab = storeWithCrd(pool(charts[0]!));
    for (const chart of charts.slice(1)) lab.update(pool(chart));
    expect(lab.get().status.storedVersions).toEqual(expected);
  });

  it("an update that drops a stored version from spec.versions is refused with the apiserver's 422, and nothing changes", () => {
    const lab = storeWithCrd(pool('1.17.18'));
    lab.update(pool('1.18.12'));
    const before = lab.get();
    // A release that stopped serving v2alpha1 without a storage migration (the revert of cilium/cilium#48087).
    const v2only = pool('1.20.0');
    v2only.spec.versions = (v2only.spec.versions as KubeObject[]).filter((v) => v.name === 'v2');
    let error: unknown;
    try {
      lab.update(v2only);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe(422);
    expect((error as ApiError).reason).toBe('Invalid');
    expect((error as ApiError).message).toBe(
      'CustomResourceDefinition.apiextensions.k8s.io "ciliumloadbalancerippools.cilium.io" is invalid: ' +
        'status.storedVersions[0]: Invalid value: "v2alpha1": must appear in spec.versions',
    );
    expect((error as ApiError).details?.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "v2alpha1": must appear in spec.versions',
        field: 'status.storedVersions[0]',
      },
    ]);
    expect(lab.get()).toEqual(before);
  });

  it('the same drop on a CRD that only ever stored v2 is accepted; so is v2alpha1 no longer served', () => {
    const fresh = storeWithCrd(pool('1.18.12'));
    const v2only = pool('1.20.0');
    v2only.spec.versions = (v2only.spec.versions as KubeObject[]).filter((v) => v.name === 'v2');
    expect(fresh.update(v2only).spec.versions).toHaveLength(1);
    const upgraded = storeWithCrd(pool('1.17.18'));
    upgraded.update(pool('1.18.12'));
    const unserved = pool('1.20.0');
    for (const v of unserved.spec.versions as KubeObject[]) if (v.name === 'v2alpha1') v.served = false;
    expect(upgraded.update(unserved).status.storedVersions).toEqual(['v2alpha1', 'v2']);
  });
});
