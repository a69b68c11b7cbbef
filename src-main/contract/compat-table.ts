/**
 * kind release ↔ node image (pinned by digest) ↔ the Cilium releases whose compatibility
 * document lists that Kubernetes minor as e2e tested.
 *
 * Digests: kind's `pkg/apis/config/defaults/image.go` at each tag (default images) and the
 * v0.33.0 release note (its other prebuilt images), as collected in
 * ../shared/upstream/README.md and ../shared/FACTS.md; none is made up. kind's release notes
 * say to pin node images by `@sha256` digest: an image is only guaranteed for the kind
 * release it was built with.
 *
 * Cilium's own wording for a Kubernetes version it does not list: "Older and newer Kubernetes
 * versions, while not listed, will depend on the forward / backward compatibility offered by
 * Kubernetes" — so such a pairing is *untested*, not unsupported: the plan allows it with an
 * explicit acknowledgement (`--allow-untested`), marked in the plan file and the run.
 */
export interface CiliumRelease {
  /** Newest patch of the minor (the chart installed). */
  version: string;
  /** Kubernetes minors the release's compatibility document lists as e2e tested. */
  tested: readonly string[];
  source: string;
  /** The source is a copy of Cilium's document (or a third party quoting it), not Cilium's own file. */
  copy: boolean;
}

// Newest patches: 1.18.14, 1.19.8, 1.20.2, released 2026-09-16 (../shared/upstream/README.md).
export const ciliumReleases: readonly CiliumRelease[] = [
  {
    version: '1.20.2',
    tested: ['1.33', '1.34', '1.35', '1.36'],
    // No Cilium document for 1.20 was found by search (docs, pages, code corpora; the stable
    // docs page indexed is an older render). Third parties report 1.33–1.36, quoting Cilium's
    // docs (../shared/FACTS.md): a copy, unconfirmed.
    source:
      'third-party reports of Cilium 1.20 Documentation/network/kubernetes/compatibility.rst (1.33–1.36), collected in ../shared/FACTS.md; ' +
      'Cilium’s own file not found — copy, unconfirmed',
    copy: true,
  },
  {
    version: '1.19.8',
    tested: ['1.32', '1.33', '1.34', '1.35'],
    source:
      'copy of cilium/cilium v1.19.3 Documentation/network/kubernetes/compatibility.rst at ' +
      'https://contextqmd.com/libraries/cilium/versions/1.19.3/pages/Documentation/network/kubernetes/compatibility (1.32–1.35 e2e tested) — copy',
    copy: true,
  },
  {
    version: '1.18.14',
    tested: ['1.30', '1.31', '1.32', '1.33'],
    source:
      'https://raw.githubusercontent.com/cilium/cilium/v1.18.14/Documentation/network/kubernetes/compatibility.rst (1.30–1.33 e2e tested)',
    copy: false,
  },
];

export interface CompatRow {
  kind: string;
  kubernetes: string;
  image: string;
  /** Whether this is the release's default node image. */
  defaultImage: boolean;
  /** Cilium releases whose docs list this Kubernetes minor as e2e tested, newest first. */
  cilium: string[];
  source: string;
  /** The sources of `cilium`. */
  ciliumSource?: string;
}

const minorOf = (version: string) => version.replace(/^v/, '').split('.').slice(0, 2).join('.');

function row(kind: string, image: string, defaultImage: boolean, source: string): CompatRow {
  const kubernetes = /:v([\d.]+)@/.exec(image)![1]!;
  const tested = ciliumReleases.filter((r) => r.tested.includes(minorOf(kubernetes)));
  return {
    kind,
    kubernetes,
    image,
    defaultImage,
    cilium: tested.map((r) => r.version),
    source,
    ...(tested.length ? { ciliumSource: tested.map((r) => `${r.version}: ${r.source}`).join('; ') } : {}),
  };
}

const imageGo = (tag: string) =>
  `https://github.com/kubernetes-sigs/kind/blob/${tag}/pkg/apis/config/defaults/image.go (../shared/upstream/README.md)`;
const v033Note =
  'https://github.com/kubernetes-sigs/kind/releases/tag/v0.33.0 (prebuilt images; ' +
  '../shared/FACTS.md; the note’s "1.36.1" is a typo, kubernetes-sigs/kind#4248)';

/** Newest kind release first; within a release, the default image first. */
export const compatTable: readonly CompatRow[] = [
  row(
    'v0.33.0',
    'kindest/node:v1.37.0@sha256:a1ed56cfb0e7b93589bdf97c8cd566405a265939e3620fc4f5de89adff580ae5',
    true,
    imageGo('v0.33.0'),
  ),
  row(
    'v0.33.0',
    'kindest/node:v1.36.4@sha256:099e049362a1526b2db71494e1947aae99bd16290d7c895f2b7ea312e3cbfaed',
    false,
    v033Note,
  ),
  row(
    'v0.33.0',
    'kindest/node:v1.35.8@sha256:07b2536e30b803ed61d1677a79df6115f798ce64c80f9e22f6ed45afd09323c0',
    false,
    v033Note,
  ),
  row(
    'v0.33.0',
    'kindest/node:v1.34.11@sha256:44e222ee2132dab25ff87301682f89eb82c7880ea3a1bf543bfe9708fd08d67d',
    false,
    v033Note,
  ),
  row(
    'v0.32.0',
    'kindest/node:v1.36.1@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5',
    true,
    imageGo('v0.32.0'),
  ),
  row(
    'v0.31.0',
    'kindest/node:v1.35.0@sha256:452d707d4862f52530247495d180205e029056831160e22870e37e3f6c1ac31f',
    true,
    `${imageGo('v0.31.0')}; 1.35+ images drop cgroup v1`,
  ),
  row(
    'v0.30.0',
    'kindest/node:v1.34.0@sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a',
    true,
    imageGo('v0.30.0'),
  ),
  row(
    'v0.29.0',
    'kindest/node:v1.33.1@sha256:050072256b9a903bd914c0b2866828150cb229cea0efe5892e2b644d5dd3b34f',
    true,
    imageGo('v0.29.0'),
  ),
];

/** `1.18.14` → [1, 18, 14]; anything unparsable compares as 0. */
export function versionParts(version: string): number[] {
  return version
    .replace(/^v/, '')
    .split(/[.-]/)
    .slice(0, 3)
    .map((part) => Number.parseInt(part, 10) || 0);
}

export function versionAtLeast(version: string, minimum: string): boolean {
  const a = versionParts(version);
  const b = versionParts(minimum);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

/** The newest Cilium release the table knows (the newest minor's newest patch). */
export const newestCilium: CiliumRelease = [...ciliumReleases].sort((a, b) =>
  versionAtLeast(a.version, b.version) ? -1 : 1,
)[0]!;

/**
 * The newest kind release with a node image whose Kubernetes minor Cilium `version` lists as
 * tested: that release's default image when it is tested, else its newest tested image.
 */
export function newestTestedRow(version: string): CompatRow | undefined {
  const releases = [...new Set(compatTable.map((r) => r.kind))].sort((a, b) => (versionAtLeast(a, b) ? -1 : 1));
  for (const kind of releases) {
    const tested = compatTable
      .filter((r) => r.kind === kind && isTestedPairing(version, r.kubernetes))
      .sort(
        (a, b) =>
          Number(b.defaultImage) - Number(a.defaultImage) || (versionAtLeast(a.kubernetes, b.kubernetes) ? -1 : 1),
      );
    if (tested[0]) return tested[0];
  }
  return undefined;
}

/** The default pairing: `newestTestedRow` of the newest Cilium, with that Cilium first. */
export const defaultCompatRow: CompatRow = (() => {
  const row = newestTestedRow(newestCilium.version);
  if (!row) throw new Error('the compatibility table has no row the newest Cilium lists as tested');
  return { ...row, cilium: [newestCilium.version, ...row.cilium.filter((c) => c !== newestCilium.version)] };
})();

export function findCompatRow(kindVersion: string, image: string): CompatRow | undefined {
  return compatTable.find((row) => row.kind === kindVersion && row.image === image);
}

/** The Cilium release for a chart version's minor (`1.19.3` → 1.19.8's entry). */
export function ciliumReleaseFor(version: string): CiliumRelease | undefined {
  return ciliumReleases.find((r) => minorOf(r.version) === minorOf(version));
}

/** Whether Cilium `version`'s minor lists Kubernetes `kubernetes`'s minor as e2e tested. */
export function isTestedPairing(ciliumVersion: string, kubernetes: string): boolean {
  return ciliumReleaseFor(ciliumVersion)?.tested.includes(minorOf(kubernetes)) ?? false;
}

/** The pool's API version: `cilium.io/v2` is served from 1.18 (cilium/cilium#39090), v2alpha1 before. */
export function poolApiVersion(ciliumVersion: string): string {
  return versionAtLeast(ciliumVersion, '1.18.0') ? 'cilium.io/v2' : 'cilium.io/v2alpha1';
}

/** The pairing a plan makes, whether Cilium lists it as tested, and the sources of both facts. */
export function pairingOf(plan: {
  cluster: { kindVersion: string; nodeImage: string };
  cilium: { version: string; allowUntested: boolean };
}) {
  const row = findCompatRow(plan.cluster.kindVersion, plan.cluster.nodeImage);
  const release = ciliumReleaseFor(plan.cilium.version);
  const kubernetes = row?.kubernetes ?? /:v([\d.]+)/.exec(plan.cluster.nodeImage)?.[1] ?? 'unknown';
  return {
    kind: plan.cluster.kindVersion,
    image: plan.cluster.nodeImage,
    kubernetes,
    cilium: plan.cilium.version,
    tested: isTestedPairing(plan.cilium.version, kubernetes),
    acknowledged: plan.cilium.allowUntested,
    sources: [
      ...(row ? [`kind ${row.kind} node image: ${row.source}`] : []),
      ...(release
        ? [`Cilium ${release.version} tested Kubernetes ${release.tested.join(', ')}: ${release.source}`]
        : []),
    ],
  };
}
