/**
 * Where the helm stand-in keeps releases: one Secret per revision, `sh.helm.release.v1.NAME.vN`
 * of type `helm.sh/release.v1` with the labels helm's Secret driver sets (owner=helm, name,
 * status, version), in the release's namespace — as helm 3 stores them (pkg/storage/driver/secrets.go).
 * The record inside is the lab's own JSON (helm's is gzipped protobuf-like JSON): nothing reads
 * it but the stand-in.
 */
import { stringify } from 'yaml';
import { labKubeClient, type LabKubeClient } from '../kube-client.ts';
import type { KubeObject } from '../apiserver/kube-object.ts';

export class HelmError extends Error {}

/** helm's release statuses (pkg/release/status.go) that the stand-in writes. */
export type ReleaseStatus = 'deployed' | 'superseded' | 'failed' | 'uninstalled';

export interface ReleaseRecord {
  name: string;
  namespace: string;
  /** `cilium-1.18.12`, as helm's CHART column. */
  chart: string;
  /** The chart's version, which is also Cilium's appVersion. */
  version: string;
  revision: number;
  status: ReleaseStatus;
  /** The user-supplied values (helm's `config`). */
  values: KubeObject;
  /** RFC 3339 time of the revision's last deployment. */
  updated: string;
  /** helm's Info.Description: "Install complete", "Upgrade complete", "Rollback to N", a failure. */
  description?: string;
}

export function client(values: Record<string, unknown>): LabKubeClient {
  return labKubeClient({
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig as string } : {}),
    ...(values['kube-context'] ? { context: values['kube-context'] as string } : {}),
  });
}

/** The object's path on the API server (the lab's chart objects: plural = kind + s/ies/es). */
export function objectPath(object: KubeObject): string {
  const [group, version] = String(object.apiVersion).includes('/')
    ? String(object.apiVersion).split('/')
    : ['', object.apiVersion];
  const plural = `${String(object.kind).toLowerCase()}s`.replace(/ys$/, 'ies').replace(/sss$/, 'sses');
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const ns = object.metadata.namespace ? `/namespaces/${object.metadata.namespace}` : '';
  return `${base}${ns}/${plural}/${object.metadata.name}`;
}

/** Creates or updates one object (server-side apply, forced, as manager "helm"). */
export async function apply(kube: LabKubeClient, object: KubeObject): Promise<void> {
  const path = `${objectPath(object)}?fieldManager=helm&force=true`;
  const result = await kube.request('PATCH', path, stringify(object), 'application/apply-patch+yaml');
  if (result.status >= 300) throw new HelmError(`failed to create resource: ${result.body.message ?? result.status}`);
}

export function releaseSecretName(name: string, revision: number): string {
  return `sh.helm.release.v1.${name}.v${revision}`;
}

/** Every revision of a release, oldest first (helm's `Releases.History`). */
export async function readHistory(kube: LabKubeClient, namespace: string, name: string): Promise<ReleaseRecord[]> {
  const list = await kube.request(
    'GET',
    `/api/v1/namespaces/${namespace}/secrets?labelSelector=${encodeURIComponent(`owner=helm,name=${name}`)}`,
  );
  return ((list.body.items ?? []) as KubeObject[])
    .map((s) => JSON.parse(Buffer.from(s.data.release, 'base64').toString()) as ReleaseRecord)
    .sort((a, b) => a.revision - b.revision);
}

/** The newest revision (helm's `Releases.Last`), whatever its status. */
export async function readRelease(
  kube: LabKubeClient,
  namespace: string,
  name: string,
): Promise<ReleaseRecord | undefined> {
  return (await readHistory(kube, namespace, name)).at(-1);
}

/** Writes (creates or replaces) one revision's Secret, its status label kept in step with the record. */
export async function writeRelease(kube: LabKubeClient, record: ReleaseRecord): Promise<void> {
  await apply(kube, {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: {
      name: releaseSecretName(record.name, record.revision),
      namespace: record.namespace,
      labels: { owner: 'helm', name: record.name, status: record.status, version: String(record.revision) },
    },
    data: { release: Buffer.from(JSON.stringify(record)).toString('base64') },
  });
}
