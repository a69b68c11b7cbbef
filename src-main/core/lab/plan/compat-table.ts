/**
 * kind release ↔ node image (pinned by digest) ↔ Cilium releases known to work on that
 * Kubernetes. Every digest is copied from the kind release note named in `source` (as
 * quoted in the thread cited beside it); none is made up. kind's release notes say to
 * pin node images by `@sha256` digest because an image is only guaranteed for the kind
 * release it was built with.
 *
 * Left out, because no release note with its digest was found: kind v0.30.0
 * (`kindest/node:v1.34.0`). Rows whose Kubernetes no Cilium release lists as tested have
 * an empty `cilium`: the plan refuses them rather than guess.
 */
export interface CompatRow {
  kind: string;
  kubernetes: string;
  image: string;
  /** Whether this is the release's default node image. */
  defaultImage: boolean;
  /** Chart versions whose docs list this Kubernetes minor as e2e tested. */
  cilium: string[];
  source: string;
  ciliumSource?: string;
}

// Cilium 1.18: "1.30, 1.31, 1.32, 1.33" e2e tested
// (Documentation/network/kubernetes/compatibility.rst at v1.18.14).
const cilium118 = ['1.18.14'];
const cilium118Source =
  'cilium/cilium v1.18.14 Documentation/network/kubernetes/compatibility.rst (1.30–1.33 e2e tested)';

export const compatTable: readonly CompatRow[] = [
  {
    kind: 'v0.29.0',
    kubernetes: '1.33.1',
    image: 'kindest/node:v1.33.1@sha256:050072256b9a903bd914c0b2866828150cb229cea0efe5892e2b644d5dd3b34f',
    defaultImage: true,
    cilium: cilium118,
    source:
      'https://github.com/kubernetes-sigs/kind/releases/tag/v0.29.0 ("The default node image is now", quoted in karmada-io/karmada#6741)',
    ciliumSource: cilium118Source,
  },
  {
    kind: 'v0.31.0',
    kubernetes: '1.35.0',
    image: 'kindest/node:v1.35.0@sha256:452d707d4862f52530247495d180205e029056831160e22870e37e3f6c1ac31f',
    defaultImage: true,
    cilium: [],
    source:
      'https://github.com/kubernetes-sigs/kind/releases/tag/v0.31.0 (quoted in cloudfoundry/kind-deployment#247); 1.35+ images drop cgroup v1',
  },
  {
    kind: 'v0.32.0',
    kubernetes: '1.36.1',
    image: 'kindest/node:v1.36.1@sha256:3489c7674813ba5d8b1a9977baea8a6e553784dab7b84759d1014dbd78f7ebd5',
    defaultImage: true,
    cilium: [],
    source: 'https://github.com/kubernetes-sigs/kind/releases/tag/v0.32.0 (quoted in cloudfoundry/kind-deployment#417)',
  },
  {
    kind: 'v0.33.0',
    kubernetes: '1.37.0',
    image: 'kindest/node:v1.37.0@sha256:a1ed56cfb0e7b93589bdf97c8cd566405a265939e3620fc4f5de89adff580ae5',
    defaultImage: true,
    cilium: [],
    source: 'https://github.com/kubernetes-sigs/kind/releases/tag/v0.33.0 (quoted in polarsquad/krops#112)',
  },
  {
    kind: 'v0.33.0',
    kubernetes: '1.36.4',
    image: 'kindest/node:v1.36.4@sha256:099e049362a1526b2db71494e1947aae99bd16290d7c895f2b7ea312e3cbfaed',
    defaultImage: false,
    cilium: [],
    source: 'https://github.com/kubernetes-sigs/kind/releases/tag/v0.33.0 (quoted in polarsquad/krops#112)',
  },
  {
    kind: 'v0.33.0',
    kubernetes: '1.35.8',
    image: 'kindest/node:v1.35.8@sha256:07b2536e30b803ed61d1677a79df6115f798ce64c80f9e22f6ed45afd09323c0',
    defaultImage: false,
    cilium: [],
    source: 'https://github.com/kubernetes-sigs/kind/releases/tag/v0.33.0 (quoted in polarsquad/krops#112)',
  },
  {
    kind: 'v0.33.0',
    kubernetes: '1.34.11',
    image: 'kindest/node:v1.34.11@sha256:44e222ee2132dab25ff87301682f89eb82c7880ea3a1bf543bfe9708fd08d67d',
    defaultImage: false,
    cilium: [],
    source: 'https://github.com/kubernetes-sigs/kind/releases/tag/v0.33.0 (quoted in polarsquad/krops#112)',
  },
];

/** The row the default plan uses: the newest whose Kubernetes a Cilium release has tested. */
export const defaultCompatRow: CompatRow = compatTable[0]!;

export function findCompatRow(kindVersion: string, image: string): CompatRow | undefined {
  return compatTable.find((row) => row.kind === kindVersion && row.image === image);
}

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

/** The pool's API version: `cilium.io/v2` is served from 1.18 (cilium/cilium#39090), v2alpha1 before. */
export function poolApiVersion(ciliumVersion: string): string {
  return versionAtLeast(ciliumVersion, '1.18.0') ? 'cilium.io/v2' : 'cilium.io/v2alpha1';
}
