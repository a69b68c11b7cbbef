/**
 * What the upgrade preflight reads from the live cluster, through the same tools a user
 * would use (helm and kubectl, by the one run policy): the release (`helm list -o json`,
 * `helm get values -o json` — the user-supplied values, as `helm upgrade` without
 * `--reuse-values` needs them), the Cilium CRDs' stored versions, BGP v1 policies, the
 * LoadBalancer services, the server's Kubernetes version.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KindscopeError } from '../../../contract';
import type { LabPipelineDeps } from '../run/create-pipeline';
import type { CrdFacts, SavedManifest, ServiceFacts } from './cluster-checks';

type RunTool = LabPipelineDeps['runTool'];
type Json = Record<string, unknown>;

export const releaseName = 'cilium';
export const releaseNamespace = 'kube-system';

const obj = (value: unknown): Json =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
const arr = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

async function json(runTool: RunTool, tool: 'helm' | 'kubectl', args: string[]): Promise<unknown> {
  const result = await runTool(tool, args, {});
  try {
    return JSON.parse(result.stdout || 'null');
  } catch (error) {
    throw new KindscopeError(
      'INTERNAL',
      `${tool} ${args.join(' ')} did not print JSON`,
      `Run it yourself to see what it printed.`,
      { cause: error },
    );
  }
}

export interface ReleaseFacts {
  /** Chart version installed (`cilium-1.18.14` → `1.18.14`). */
  version: string;
  revision: number;
  values: Json;
}

/** The Cilium release as helm knows it: version, revision and the user-supplied values. */
export async function readRelease(runTool: RunTool, context: string): Promise<ReleaseFacts> {
  const list = arr(
    await json(runTool, 'helm', ['list', '--namespace', releaseNamespace, '--kube-context', context, '-o', 'json']),
  ).map(obj);
  const release = list.find((r) => r.name === releaseName);
  if (!release)
    throw new KindscopeError(
      'INVALID_INPUT',
      `No helm release "${releaseName}" in ${releaseNamespace} of ${context}`,
      'upgrade moves a Cilium installed with helm (as Kindscope installs it); build a lab with `kindscope create`.',
    );
  const chart = String(release.chart ?? '');
  const version = /-(\d+\.\d+\.\d+[^\s]*)$/.exec(chart)?.[1];
  if (!version)
    throw new KindscopeError(
      'INTERNAL',
      `helm names the chart of ${releaseName} "${chart}": no version in it`,
      `Check \`helm list -n ${releaseNamespace} --kube-context ${context}\`.`,
    );
  const values = obj(
    await json(runTool, 'helm', [
      'get',
      'values',
      releaseName,
      '--namespace',
      releaseNamespace,
      '--kube-context',
      context,
      '-o',
      'json',
    ]),
  );
  return { version, revision: Number(release.revision ?? 0), values };
}

/** The cilium.io CRDs: served versions, storage version, `status.storedVersions`. */
export async function readCrds(runTool: RunTool, context: string): Promise<CrdFacts[]> {
  const list = obj(await json(runTool, 'kubectl', ['--context', context, 'get', 'crd', '-o', 'json']));
  return arr(list.items)
    .map(obj)
    .filter((crd) => obj(crd.spec).group === 'cilium.io')
    .map((crd) => {
      const versions = arr(obj(crd.spec).versions).map(obj);
      const storage = versions.find((v) => v.storage === true)?.name;
      return {
        name: String(obj(crd.metadata).name),
        served: versions.filter((v) => v.served !== false).map((v) => String(v.name)),
        ...(typeof storage === 'string' ? { storage } : {}),
        storedVersions: arr(obj(crd.status).storedVersions).map(String),
      };
    });
}

/** Names of the objects of a kind (`[]` when the cluster has no such CRD). */
export async function readNames(runTool: RunTool, context: string, resource: string): Promise<string[]> {
  const result = await runTool('kubectl', ['--context', context, 'get', resource, '-A', '-o', 'json'], {
    allowFailure: true,
  });
  if (result.exitCode !== 0) return [];
  return arr(obj(JSON.parse(result.stdout || '{}')).items).map((o) => String(obj(obj(o).metadata).name));
}

export async function readServices(runTool: RunTool, context: string): Promise<ServiceFacts[]> {
  const list = obj(await json(runTool, 'kubectl', ['--context', context, 'get', 'services', '-A', '-o', 'json']));
  return arr(list.items)
    .map(obj)
    .map((svc) => {
      const meta = obj(svc.metadata);
      const spec = obj(svc.spec);
      const key = obj(meta.annotations)['lbipam.cilium.io/sharing-key'];
      return {
        namespace: String(meta.namespace),
        name: String(meta.name),
        type: String(spec.type ?? 'ClusterIP'),
        ...(typeof spec.externalTrafficPolicy === 'string'
          ? { externalTrafficPolicy: spec.externalTrafficPolicy }
          : {}),
        ...(typeof key === 'string' ? { sharingKey: key } : {}),
      };
    });
}

/** The server's Kubernetes version (`v1.33.1` → `1.33.1`). */
export async function readKubernetes(runTool: RunTool, context: string): Promise<string | undefined> {
  const version = obj(await json(runTool, 'kubectl', ['--context', context, 'version', '-o', 'json']));
  const git = obj(version.serverVersion).gitVersion;
  return typeof git === 'string' ? git.replace(/^v/, '').split(/[+-]/)[0] : undefined;
}

/** The cilium.io objects in the files Kindscope saved for a lab (its create run's `files/`). */
export function savedManifests(dirs: readonly string[]): SavedManifest[] {
  const found: SavedManifest[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => /\.(ya?ml|sh)$/.test(f))) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const match of text.matchAll(/apiVersion:\s*(cilium\.io\/\w+)\s*\n\s*kind:\s*(\w+)/g))
        found.push({ file: join(dir, file), apiVersion: match[1]!, kind: match[2]! });
    }
  }
  return found;
}
