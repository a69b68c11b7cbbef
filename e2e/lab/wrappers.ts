import { accessSync, chmodSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { labHome, repoRoot } from './lab-paths.ts';

/** Stand-ins the lab puts first on PATH, each a TypeScript entry run by this Node. */
const standIns: Record<string, string> = {
  kind: 'e2e/lab/kind/kind-standin.ts',
  helm: 'e2e/lab/helm/helm-standin.ts',
  cilium: 'e2e/lab/cilium/cilium-standin.ts',
};

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * Writes `<lab home>/bin/<tool>` wrappers with absolute paths (this Node, the stand-in
 * file), so the product finds them on PATH from any working directory, as it finds the
 * real tools. Returns the bin folder.
 */
export function writeStandInWrappers(env: NodeJS.ProcessEnv = process.env): string {
  const bin = join(labHome(env), 'bin');
  mkdirSync(bin, { recursive: true });
  for (const [tool, entry] of Object.entries(standIns)) {
    const file = join(bin, tool);
    writeFileSync(
      file,
      `#!/bin/sh\n# Kindscope test lab stand-in for ${tool} (see ../shared/LAB.md)\nexec ${quote(process.execPath)} ${quote(join(repoRoot, entry))} "$@"\n`,
    );
    chmodSync(file, 0o755);
  }
  writeDockerStandIn(bin, env);
  return bin;
}

/** The engine's real docker CLI: the first `docker` on PATH that is not a lab stand-in. */
function realDocker(bin: string, env: NodeJS.ProcessEnv): string {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir || resolve(dir) === resolve(bin)) continue;
    try {
      accessSync(join(dir, 'docker'), constants.X_OK);
      return join(dir, 'docker');
    } catch {
      // Not here.
    }
  }
  return '/usr/bin/docker';
}

/**
 * `docker` passes everything to the real CLI, but maps the router image Kindscope pins
 * (`quay.io/frrouting/frr…`, by digest: no registry here, and a digest cannot be a local tag)
 * to the lab's router image built from Debian's frr package — as the kind stand-in maps any
 * `kindest/node` image to the lab's node image. A POSIX sh wrapper, so the lab's own many
 * `docker exec` calls pay no Node start-up.
 */
function writeDockerStandIn(bin: string, env: NodeJS.ProcessEnv): void {
  const file = join(bin, 'docker');
  const routerImage = `${quote(process.execPath)} ${quote(join(repoRoot, 'e2e/lab/router-image.ts'))}`;
  writeFileSync(
    file,
    [
      '#!/bin/sh',
      '# Kindscope test lab stand-in for docker (see ../shared/LAB.md): the router image is mapped to the lab image',
      'for arg do',
      '  shift',
      '  case "$arg" in',
      `    quay.io/frrouting/frr:*|quay.io/frrouting/frr@*) arg="$(${routerImage})" || exit 1 ;;`,
      '  esac',
      '  set -- "$@" "$arg"',
      'done',
      `exec ${quote(realDocker(bin, env))} "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(file, 0o755);
}
