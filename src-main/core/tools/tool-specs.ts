import { defaultKindVersion } from '../../contract/lab';

/** What Kindscope knows about each tool: how to ask its version, what is too old, where to get it. */
export interface ToolArtifact {
  url: string;
  /** The published SHA-256 (a file whose first word is the hex digest). */
  checksumUrl: string;
  /** For archives: the binary's path inside the .tar.gz. */
  archiveMember?: string;
}

export interface ToolSpec {
  name: 'kind' | 'helm' | 'kubectl' | 'cilium' | 'docker' | 'brew';
  versionArgs: string[];
  parseVersion(stdout: string): string | undefined;
  minimum: string;
  /** Why older versions do not do (shown with the fix). */
  minimumReason: string;
  platforms?: NodeJS.Platform[];
  /**
   * Pinned managed download, if Kindscope can install it. `version` is the default; a tool
   * whose release must match the lab plan (kind: the plan's `cluster.kindVersion`) is
   * `versioned`, and its artifact is built for the version asked.
   */
  download?: {
    version: string;
    versioned?: boolean;
    artifact(platform: 'linux' | 'darwin', arch: 'amd64' | 'arm64', version: string): ToolArtifact;
  };
  installHint: string;
}

const firstMatch = (pattern: RegExp) => (stdout: string) => pattern.exec(stdout)?.[1];

export const toolSpecs: ToolSpec[] = [
  {
    name: 'kind',
    versionArgs: ['version'],
    parseVersion: firstMatch(/kind v(\d+\.\d+\.\d+)/),
    minimum: '0.20.0',
    minimumReason:
      'the lab config uses kubeProxyMode: none and disableDefaultCNI, which kind handles reliably from v0.20.0',
    // The default plan's kind release, and any release a plan names: a node image is built for
    // its kind release (kind's release notes pin each image to it). No checksum is kept here:
    // every kind release publishes `kind-<os>-<arch>.sha256sum` beside the binary, and the
    // download is verified against that file before anything is installed (tool-download.ts).
    download: {
      version: defaultKindVersion.replace(/^v/, ''),
      versioned: true,
      artifact: (os, arch, version) => ({
        url: `https://kind.sigs.k8s.io/dl/v${version}/kind-${os}-${arch}`,
        checksumUrl: `https://kind.sigs.k8s.io/dl/v${version}/kind-${os}-${arch}.sha256sum`,
      }),
    },
    installHint:
      'Install the pinned version with Kindscope (Settings → Download, or `kindscope tools download kind`), or `brew install kind`',
  },
  {
    name: 'helm',
    versionArgs: ['version', '--short'],
    parseVersion: firstMatch(/v(\d+\.\d+\.\d+)/),
    minimum: '3.12.0',
    minimumReason: 'Cilium charts from 1.15 on need Helm 3.12 or later',
    download: {
      version: '3.18.3',
      artifact: (os, arch) => ({
        url: `https://get.helm.sh/helm-v3.18.3-${os}-${arch}.tar.gz`,
        checksumUrl: `https://get.helm.sh/helm-v3.18.3-${os}-${arch}.tar.gz.sha256sum`,
        archiveMember: `${os}-${arch}/helm`,
      }),
    },
    installHint:
      'Install the pinned version with Kindscope (Settings → Download, or `kindscope tools download helm`), or `brew install helm`',
  },
  {
    name: 'kubectl',
    versionArgs: ['version', '--client', '-o', 'json'],
    parseVersion: firstMatch(/"gitVersion":\s*"v(\d+\.\d+\.\d+)/),
    minimum: '1.27.0',
    minimumReason: 'server-side field validation and `kubectl wait --for=jsonpath` need 1.27 or later',
    download: {
      version: '1.33.1',
      artifact: (os, arch) => ({
        url: `https://dl.k8s.io/release/v1.33.1/bin/${os}/${arch}/kubectl`,
        checksumUrl: `https://dl.k8s.io/release/v1.33.1/bin/${os}/${arch}/kubectl.sha256`,
      }),
    },
    installHint:
      'Install the pinned version with Kindscope (Settings → Download, or `kindscope tools download kubectl`), or `brew install kubectl`',
  },
  {
    name: 'cilium',
    versionArgs: ['version', '--client'],
    parseVersion: firstMatch(/cilium-cli:\s*v(\d+\.\d+\.\d+)/),
    minimum: '0.15.0',
    minimumReason: '`cilium status --wait` with JSON output needs cilium-cli 0.15 or later',
    download: {
      version: '0.18.5',
      artifact: (os, arch) => ({
        url: `https://github.com/cilium/cilium-cli/releases/download/v0.18.5/cilium-${os}-${arch}.tar.gz`,
        checksumUrl: `https://github.com/cilium/cilium-cli/releases/download/v0.18.5/cilium-${os}-${arch}.tar.gz.sha256sum`,
        archiveMember: 'cilium',
      }),
    },
    installHint:
      'Install the pinned version with Kindscope (Settings → Download, or `kindscope tools download cilium`), or `brew install cilium-cli`',
  },
  {
    name: 'docker',
    versionArgs: ['version', '--format', '{{.Client.Version}}'],
    parseVersion: firstMatch(/(\d+\.\d+\.\d+)/),
    minimum: '20.10.0',
    minimumReason: 'kind shells out to the docker CLI and needs 20.10 or later',
    installHint: 'Install Docker Desktop, OrbStack, Colima or Docker Engine: kind runs the `docker` command',
  },
  {
    name: 'brew',
    versionArgs: ['--version'],
    parseVersion: firstMatch(/Homebrew (\d+\.\d+\.\d+)/),
    minimum: '4.0.0',
    minimumReason: 'docker-mac-net-connect is installed from a tap with Homebrew 4',
    platforms: ['darwin'],
    installHint: 'Install Homebrew from https://brew.sh to install docker-mac-net-connect',
  },
];

/** Compares dotted versions numerically: -1, 0 or 1. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}
