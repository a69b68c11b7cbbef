import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { KindscopeError, type DockerEndpoint } from '../../contract';

/** The endpoint plus what it takes to open it (TLS material stays in the main process). */
export interface ResolvedEndpoint extends DockerEndpoint {
  tlsFiles?: { ca?: string; cert?: string; key?: string; verify: boolean };
}

export interface EndpointEnvironment {
  env: Record<string, string | undefined>;
  home: string;
  platform: NodeJS.Platform;
  /** Returns the file's text, or undefined when it does not exist. */
  readFile(path: string): string | undefined;
}

export function defaultEndpointEnvironment(env: Record<string, string | undefined> = process.env): EndpointEnvironment {
  return {
    env,
    home: homedir(),
    platform: process.platform,
    readFile: (path) => {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}

const DockerConfigFile = z.looseObject({ currentContext: z.string().optional() });
const ContextMeta = z.looseObject({
  Name: z.string(),
  Endpoints: z.looseObject({
    docker: z.looseObject({ Host: z.string(), SkipTLSVerify: z.boolean().optional() }).optional(),
  }),
});

const defaultHost = 'unix:///var/run/docker.sock';

/**
 * Finds the engine exactly as the docker CLI does, because kind shells out to the CLI and
 * Kindscope must see the same engine: `DOCKER_HOST`, else `DOCKER_CONTEXT`, else
 * `currentContext` in `$DOCKER_CONFIG/config.json` (default `~/.docker`), else the platform
 * default. A context other than `default` is read from the CLI's context store, whose
 * folder name is the SHA-256 of the context name.
 */
export function resolveDockerEndpoint(
  environment: EndpointEnvironment = defaultEndpointEnvironment(),
): ResolvedEndpoint {
  const { env } = environment;
  const configDir = env.DOCKER_CONFIG || join(environment.home, '.docker');

  const dockerHost = env.DOCKER_HOST?.trim();
  if (dockerHost) {
    validateHost(dockerHost, 'DOCKER_HOST');
    const tlsVerify = isTruthy(env.DOCKER_TLS_VERIFY);
    const certPath = env.DOCKER_CERT_PATH || configDir;
    const tls = dockerHost.startsWith('tcp://') && (tlsVerify || Boolean(env.DOCKER_CERT_PATH));
    return {
      host: dockerHost,
      source: 'DOCKER_HOST',
      tls,
      ...(tls ? { tlsFiles: tlsFilesIn(environment, certPath, tlsVerify) } : {}),
    };
  }

  let contextName = env.DOCKER_CONTEXT?.trim();
  let source: DockerEndpoint['source'] = 'DOCKER_CONTEXT';
  if (!contextName) {
    const configText = environment.readFile(join(configDir, 'config.json'));
    if (configText !== undefined) {
      const config = DockerConfigFile.safeParse(safeJson(configText));
      if (!config.success) {
        throw new KindscopeError(
          'DOCKER_ERROR',
          `${join(configDir, 'config.json')} is not valid Docker CLI configuration`,
          'Fix or remove that file (docker itself fails on it too), or set DOCKER_HOST.',
        );
      }
      contextName = config.data.currentContext?.trim();
      source = 'docker config';
    }
  }

  if (!contextName || contextName === 'default') {
    return { host: defaultHost, source: 'default', tls: false, ...(contextName ? { context: 'default' } : {}) };
  }

  const hash = createHash('sha256').update(contextName).digest('hex');
  const metaPath = join(configDir, 'contexts', 'meta', hash, 'meta.json');
  const metaText = environment.readFile(metaPath);
  if (metaText === undefined) {
    throw new KindscopeError(
      'DOCKER_ERROR',
      `Docker context "${contextName}" (from ${source}) does not exist`,
      `List contexts with \`docker context ls\` and select one with \`docker context use ` +
        `NAME\`${source === 'DOCKER_CONTEXT' ? ', or unset DOCKER_CONTEXT' : ''}.`,
    );
  }
  const meta = ContextMeta.safeParse(safeJson(metaText));
  const endpoint = meta.success ? meta.data.Endpoints.docker : undefined;
  if (!endpoint) {
    throw new KindscopeError(
      'DOCKER_ERROR',
      `Docker context "${contextName}" has no docker endpoint (${metaPath})`,
      `Inspect it with \`docker context inspect ${contextName}\`, or select another with \`docker context use NAME\`.`,
    );
  }
  validateHost(endpoint.Host, `context ${contextName}`);
  const tlsDir = join(configDir, 'contexts', 'tls', hash, 'docker');
  const hasTls =
    environment.readFile(join(tlsDir, 'ca.pem')) !== undefined ||
    environment.readFile(join(tlsDir, 'cert.pem')) !== undefined;
  return {
    host: endpoint.Host,
    source,
    context: contextName,
    tls: hasTls,
    ...(hasTls ? { tlsFiles: tlsFilesIn(environment, tlsDir, !endpoint.SkipTLSVerify) } : {}),
  };
}

function validateHost(host: string, origin: string): void {
  if (!/^(unix|tcp|ssh|npipe|fd):\/\//.test(host)) {
    throw new KindscopeError(
      'DOCKER_ERROR',
      `${origin} is "${host}", which is not a Docker endpoint`,
      'Use unix:///path/to/docker.sock, tcp://host:port or ssh://user@host.',
    );
  }
}

function tlsFilesIn(environment: EndpointEnvironment, dir: string, verify: boolean) {
  const read = (name: string) => environment.readFile(join(dir, name));
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem'), verify };
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Sockets of the engines users run, to name in a hint when the selected one fails. */
export function knownEngineSockets(home: string, env: Record<string, string | undefined> = process.env) {
  const runtimeDir = env.XDG_RUNTIME_DIR;
  const tmp = env.TMPDIR;
  return [
    { flavour: 'Docker Desktop', path: join(home, '.docker/run/docker.sock'), context: 'desktop-linux' },
    { flavour: 'Docker Desktop', path: join(home, '.docker/desktop/docker.sock'), context: 'desktop-linux' },
    { flavour: 'OrbStack', path: join(home, '.orbstack/run/docker.sock'), context: 'orbstack' },
    { flavour: 'Colima', path: join(home, '.colima/default/docker.sock'), context: 'colima' },
    { flavour: 'Colima', path: join(home, '.colima/docker.sock'), context: 'colima' },
    { flavour: 'Rancher Desktop', path: join(home, '.rd/docker.sock'), context: 'rancher-desktop' },
    ...(runtimeDir ? [{ flavour: 'Podman', path: join(runtimeDir, 'podman/podman.sock'), context: undefined }] : []),
    ...(tmp
      ? [{ flavour: 'Podman', path: join(tmp, 'podman/podman-machine-default-api.sock'), context: undefined }]
      : []),
    { flavour: 'Podman', path: '/run/podman/podman.sock', context: undefined },
    // `dockerd-rootless-setuptool.sh install` creates the context `rootless` for this socket.
    ...(runtimeDir ? [{ flavour: 'rootless Docker', path: join(runtimeDir, 'docker.sock'), context: 'rootless' }] : []),
    { flavour: 'Docker', path: '/var/run/docker.sock', context: 'default' },
  ] as const;
}

/** The known sockets that exist on this machine (a socket file, not just any path). */
export function existingEngineSockets(home: string = homedir(), env: Record<string, string | undefined> = process.env) {
  return knownEngineSockets(home, env).filter((candidate) => {
    try {
      return existsSync(candidate.path) && statSync(candidate.path).isSocket();
    } catch {
      return false;
    }
  });
}
