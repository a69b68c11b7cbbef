/**
 * The CustomResourceDefinitions the simulated Cilium chart installs.
 *
 * From 1.16 these are Cilium's own definitions, read unchanged from
 * ../shared/upstream/cilium-crds/ (copied from cilium/cilium pkg/k8s/apis/cilium.io/client/crds;
 * its README lists each file's commit), so the lab API server validates pools and L2 policies
 * by Cilium's schema as a real cluster does:
 * - the pool: `v2/ciliumloadbalancerippools.yaml` — `v2` served and stored, the deprecated
 *   `v2alpha1` still served, as from 1.18 (cilium/cilium#39090, deprecation cilium/cilium#39134).
 *   No upstream source names the release that stops serving `v2alpha1` (still served on 1.19.4,
 *   Faisal-Hajari/ai-platform#15; BGP's removal is planned for 1.21 only after a storage
 *   migration, cilium/cilium#47242, #46763; a stored version cannot simply be dropped,
 *   cilium/cilium#48087), so it stays served through 1.20 here.
 * - the L2 policy: only `cilium.io/v2alpha1` exists on 1.18–1.20 (../shared/FACTS.md); the only
 *   definition in the data is `v2alpha1/ciliuml2announcementpolicies.yaml` (commit 0f80adb2,
 *   likely the 1.16 cycle), whose fields are those Kindscope writes.
 * Which versions of the pool a minor serves and stores: `poolCrdFor`. 1.15, or a machine without
 * ../shared, gets the lab's open-schema manifest.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import type { KubeObject } from '../apiserver/kube-object.ts';
import { chartVersionParts } from './chart-rules.ts';

export const upstreamCrdDir = () =>
  join(process.env.KINDSCOPE_UPSTREAM ?? resolve(import.meta.dirname, '../../../../shared/upstream'), 'cilium-crds');

export const upstreamCrdFiles = [
  'v2/ciliumloadbalancerippools.yaml',
  'v2alpha1/ciliuml2announcementpolicies.yaml',
  // BGP control plane v2: `cilium.io/v2` from 1.18 (cilium/cilium#37765), the v1
  // CiliumBGPPeeringPolicy removed in 1.19 (cilium/cilium#42278).
  'v2/ciliumbgpclusterconfigs.yaml',
  'v2/ciliumbgppeerconfigs.yaml',
  'v2/ciliumbgpadvertisements.yaml',
  'v2/ciliumbgpnodeconfigs.yaml',
];

/**
 * The pool's CRD as a minor's operator registers it, from the one upstream file (whose v2alpha1
 * schema is v2's "copied without changes", cilium/cilium#39090):
 * - 1.16–1.17: `v2alpha1` only, served and the storage version (`cidrs` removed in 1.16, so the
 *   file's v2alpha1 schema, `blocks` only, is that of these minors);
 * - 1.18: `v2` the storage version, `v2alpha1` still served and not yet deprecated (the deprecation
 *   is in the 1.19 upgrade notes, cilium/cilium#39134);
 * - 1.19+: as the file, `v2alpha1` served with `deprecated: true`.
 * An object written before 1.18 was stored at v2alpha1, so a lab upgraded from 1.17 keeps
 * `status.storedVersions: [v2alpha1, v2]` (the API server appends the new storage version).
 */
function poolCrdFor(minor: number, crd: KubeObject): KubeObject {
  const versions = crd.spec.versions as KubeObject[];
  if (minor >= 19) return crd;
  if (minor === 18)
    return {
      ...crd,
      spec: {
        ...crd.spec,
        versions: versions.map(({ deprecated: _d, deprecationWarning: _w, ...v }) => v),
      },
    };
  const alpha = versions.find((v) => v.name === 'v2alpha1')!;
  const { deprecated: _d, deprecationWarning: _w, ...rest } = alpha;
  return { ...crd, spec: { ...crd.spec, versions: [{ ...rest, served: true, storage: true }] } };
}

/** The upstream files a minor's operator registers: BGP v2's CRDs only from 1.18 (cilium/cilium#37765). */
const filesFor = (minor: number) => (minor >= 18 ? upstreamCrdFiles : upstreamCrdFiles.slice(0, 2));

export function ciliumCrds(chartVersion: string): KubeObject[] {
  const [major, minor] = chartVersionParts(chartVersion);
  const dir = upstreamCrdDir();
  if (major === 1 && minor >= 16 && upstreamCrdFiles.every((f) => existsSync(join(dir, f))))
    return filesFor(minor).map((f) => {
      const crd = parse(readFileSync(join(dir, f), 'utf8')) as KubeObject;
      return f === 'v2/ciliumloadbalancerippools.yaml' ? poolCrdFor(minor, crd) : crd;
    });
  // 1.15 (whose pool still has `cidrs`, which no upstream file here pairs with `blocks`), or no ../shared.
  const manifest = readFileSync(join(import.meta.dirname, '../manifests/cilium-crds.yaml'), 'utf8');
  return parseAllDocuments(manifest).map((d) => d.toJSON() as KubeObject);
}
