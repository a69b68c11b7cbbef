/**
 * Putting a chart version's objects into the cluster, for install, upgrade and rollback alike:
 * Cilium's CRDs for that minor (cilium-crds.ts), then what the chart renders (chart-objects.ts).
 *
 * Cilium's chart does not ship the CRDs: the operator registers them at start and only replaces a
 * CRD whose `io.cilium.k8s.crd.schema.version` label is older than its own
 * (pkg/k8s/apis/crdhelpers `needsUpdateV1`), so a rollback to an older chart keeps the newer
 * CRDs. The stand-in does the operator's part here, with the chart version as the schema version.
 * A CRD update the API server refuses (a version still in status.storedVersions removed from
 * spec.versions) fails the command with the server's message, before any release record is written.
 */
import type { KubeObject } from '../apiserver/kube-object.ts';
import type { LabKubeClient } from '../kube-client.ts';
import { chartVersionParts } from './chart-rules.ts';
import { chartObjects } from './chart-objects.ts';
import { ciliumCrds } from './cilium-crds.ts';
import { apply, HelmError, objectPath } from './release-store.ts';

const schemaLabel = 'io.cilium.k8s.crd.schema.version';

const newer = (a: string, b: string) => {
  const [x, y] = [chartVersionParts(a), chartVersionParts(b)];
  for (let i = 0; i < 3; i += 1) if (x[i] !== y[i]) return x[i]! > y[i]!;
  return false;
};

export async function applyCrds(kube: LabKubeClient, chartVersion: string): Promise<void> {
  for (const crd of ciliumCrds(chartVersion)) {
    const existing = await kube.request(
      'GET',
      `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`,
    );
    const installed =
      existing.status === 200 ? (existing.body.metadata?.labels?.[schemaLabel] as string | undefined) : undefined;
    if (installed && newer(installed, chartVersion)) continue;
    await apply(kube, {
      ...crd,
      metadata: { ...crd.metadata, labels: { ...crd.metadata.labels, [schemaLabel]: chartVersion } },
    });
  }
}

/**
 * What helm's three-way merge removes: the keys the previous revision's manifest had that the new
 * one has not (a JSON merge patch of nulls). Helm 3 patches from the last release's manifest, so
 * a value dropped between revisions (an old ConfigMap key, an annotation) goes from the object.
 */
export function removedKeys(previous: unknown, next: unknown): KubeObject | undefined {
  const isMap = (v: unknown): v is KubeObject => Boolean(v) && typeof v === 'object' && !Array.isArray(v);
  if (!isMap(previous) || !isMap(next)) return undefined;
  const patch: KubeObject = {};
  for (const key of Object.keys(previous)) {
    if (!(key in next)) patch[key] = null;
    else {
      const inner = removedKeys(previous[key], next[key]);
      if (inner) patch[key] = inner;
    }
  }
  return Object.keys(patch).length > 0 ? patch : undefined;
}

export interface Rendered {
  values: KubeObject;
  version: string;
}

/** The chart version's CRDs and objects applied; `previous` is the revision they replace (helm's "original"). */
export async function applyChart(
  kube: LabKubeClient,
  values: KubeObject,
  chartVersion: string,
  previous?: Rendered,
): Promise<void> {
  await applyCrds(kube, chartVersion);
  const before = previous ? chartObjects(previous.values, previous.version) : [];
  for (const object of chartObjects(values, chartVersion)) {
    await apply(kube, object);
    const old = before.find((o) => o.kind === object.kind && o.metadata.name === object.metadata.name);
    const patch = removedKeys(old, object);
    if (!patch) continue;
    const result = await kube.request(
      'PATCH',
      objectPath(object),
      JSON.stringify(patch),
      'application/merge-patch+json',
    );
    if (result.status >= 300)
      throw new HelmError(`cannot patch "${object.metadata.name}": ${result.body.message ?? result.status}`);
  }
}

export async function waitReady(kube: LabKubeClient, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ds = await kube.request('GET', '/apis/apps/v1/namespaces/kube-system/daemonsets/cilium');
    const nodes = await kube.request('GET', '/api/v1/nodes');
    const ready = ((nodes.body.items ?? []) as KubeObject[]).every((n) =>
      (n.status.conditions as KubeObject[]).some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    const status = ds.body.status ?? {};
    // As helm's waiter for a DaemonSet: the new generation observed, every pod updated and ready.
    if (
      ready &&
      status.numberReady > 0 &&
      status.numberReady === status.desiredNumberScheduled &&
      (status.updatedNumberScheduled ?? status.desiredNumberScheduled) === status.desiredNumberScheduled &&
      (status.observedGeneration ?? 0) >= (ds.body.metadata?.generation ?? 0)
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new HelmError('context deadline exceeded');
}

export function parseDuration(text: string): number {
  let ms = 0;
  for (const [, value, unit] of text.matchAll(/(\d+)(h|m|s)/g))
    ms += Number(value) * (unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : 1_000);
  return ms || 300_000;
}
