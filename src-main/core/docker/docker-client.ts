import Docker from 'dockerode';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { KindscopeError } from '../../contract';
import { homedir } from 'node:os';
import { existingEngineSockets, type ResolvedEndpoint } from './docker-endpoint';
import { permissionHint, socketAccess } from './socket-access';

/**
 * Opens dockerode on an endpoint resolved like the docker CLI. Every option is given
 * explicitly because docker-modem otherwise merges its own idea of the environment
 * (it prefers `~/.docker/run/docker.sock`, which the docker CLI does not).
 * The API version is never pinned: unversioned paths get the engine's own version, so
 * engines speaking API 1.52+ work as well as 1.41.
 */
export function createDockerClient(endpoint: ResolvedEndpoint, options: { timeoutMs?: number } = {}): Docker {
  const url = new URL(endpoint.host);
  const common = { version: undefined, timeout: options.timeoutMs };
  switch (url.protocol) {
    case 'unix:':
      return withOwnAgent(new HttpAgent({ keepAlive: true }), (agent) =>
        modemWith(agent, {
          ...common,
          socketPath: decodeURIComponent(url.pathname),
          host: undefined,
          port: undefined,
          protocol: undefined,
        }),
      );
    case 'tcp:': {
      const tls = endpoint.tlsFiles;
      return withOwnAgent(
        endpoint.tls ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true }),
        (agent) =>
          modemWith(agent, {
            ...common,
            host: url.hostname,
            port: url.port || (endpoint.tls ? '2376' : '2375'),
            protocol: endpoint.tls ? 'https' : 'http',
            ...(tls ? { ca: tls.ca, cert: tls.cert, key: tls.key } : {}),
          }),
      );
    }
    case 'ssh:':
      return new Docker({
        ...common,
        protocol: 'ssh',
        host: url.hostname,
        port: url.port || '22',
        username: decodeURIComponent(url.username) || undefined,
        sshOptions: { agent: process.env.SSH_AUTH_SOCK },
      });
    default:
      throw new KindscopeError(
        'DOCKER_ERROR',
        `Kindscope cannot open ${endpoint.host} (from ${endpoint.source})`,
        'Use a unix://, tcp:// or ssh:// endpoint.',
      );
  }
}

/**
 * Each client keeps its connections in its own agent (Node's global agent keeps idle
 * connections alive for anyone), so closing a client closes exactly its sockets.
 */
const agents = new WeakMap<Docker, HttpAgent>();

/** docker-modem takes an `agent` (its ConstructorOptions); dockerode's DockerOptions type leaves it out. */
function modemWith(agent: HttpAgent, options: Docker.DockerOptions): Docker {
  const withAgent: Docker.DockerOptions & { agent: HttpAgent } = { ...options, agent };
  return new Docker(withAgent);
}

function withOwnAgent(agent: HttpAgent, make: (agent: HttpAgent) => Docker): Docker {
  const docker = make(agent);
  agents.set(docker, agent);
  return docker;
}

/** Closes a client's connections (idle and in flight): the app is done with this engine. */
export function closeDockerClient(docker: Docker): void {
  agents.get(docker)?.destroy();
}

/** Socket path of a unix endpoint, for messages. */
export function socketPathOf(host: string): string | undefined {
  return host.startsWith('unix://') ? decodeURIComponent(new URL(host).pathname) : undefined;
}

/**
 * Turns a failure to reach the engine into a message and a hint a person can act on:
 * what was tried (and why that endpoint), and which engines this machine does have.
 */
export function explainUnreachable(
  endpoint: ResolvedEndpoint,
  error: unknown,
  env: Record<string, string | undefined> = process.env,
): { message: string; hint: string } {
  const code = (error as { code?: string } | undefined)?.code;
  const socket = socketPathOf(endpoint.host);
  const where = `${endpoint.host} (from ${describeSource(endpoint)})`;
  let message: string;
  switch (code) {
    case 'ENOENT':
      message = `No Docker engine socket at ${socket ?? endpoint.host}, selected by ${describeSource(endpoint)}`;
      break;
    case 'ECONNREFUSED':
      message = `Nothing answers at ${where}: the engine is not running`;
      break;
    case 'EACCES':
    case 'EPERM': {
      const access = socket ? socketAccess(socket) : undefined;
      message =
        `Permission denied on ${socket ?? endpoint.host}` +
        `${
          access?.group
            ? ` (owned by group ${access.group}` +
              `${access.user ? `, which ${access.processHasGroup ? 'this process has' : `${access.user} does not have in this session`}` : ''})`
            : ''
        }`;
      break;
    }
    case 'ECONNRESET':
    case 'EPIPE':
      message = `Lost the connection to the engine at ${where}`;
      break;
    case 'ETIMEDOUT':
    case 'ESOCKETTIMEDOUT':
      message = `The engine at ${where} did not answer in time`;
      break;
    default:
      message = `Cannot reach the Docker engine at ${where}: ${error instanceof Error ? error.message : String(error)}`;
  }

  const others = existingEngineSockets(homedir(), env).filter((candidate) => candidate.path !== socket);
  const hints: string[] = [];
  if ((code === 'EACCES' || code === 'EPERM') && socket) hints.push(permissionHint(socket, socketAccess(socket)));
  else hints.push('Start your Docker engine (Docker Desktop, OrbStack, Colima, Rancher Desktop, Podman or dockerd).');
  if (endpoint.source === 'DOCKER_HOST') {
    hints.push('DOCKER_HOST overrides every docker context: correct it, or unset it to use the current context.');
  }
  if (others.length > 0) {
    const list = others
      .map(
        (c) =>
          `${c.flavour} at ${c.path}${c.context && endpoint.source !== 'DOCKER_HOST' ? ` (\`docker context use ${c.context}\`)` : ''}`,
      )
      .join('; ');
    const howToSelect =
      endpoint.source === 'DOCKER_HOST'
        ? 'DOCKER_HOST=unix://PATH'
        : '`docker context use NAME` or DOCKER_HOST=unix://PATH';
    hints.push(`Engines found on this machine: ${list}. Select one with ${howToSelect}.`);
  } else {
    hints.push('No other engine socket was found on this machine.');
  }
  return { message, hint: hints.join(' ') };
}

function describeSource(endpoint: ResolvedEndpoint): string {
  switch (endpoint.source) {
    case 'DOCKER_HOST':
      return 'DOCKER_HOST';
    case 'DOCKER_CONTEXT':
      return `DOCKER_CONTEXT=${endpoint.context}`;
    case 'docker config':
      return `the current docker context "${endpoint.context}"`;
    case 'default':
      return 'the default endpoint';
  }
}
