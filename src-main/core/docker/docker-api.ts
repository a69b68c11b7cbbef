import type Docker from 'dockerode';

/**
 * The few dockerode calls whose options @types/dockerode 4 leaves out although dockerode 5
 * takes them (an AbortSignal on every call; `since` with a nanosecond fraction, which the
 * engine accepts as a string). One place for these signatures instead of casts at call sites.
 */
interface SignalOptions {
  abortSignal?: AbortSignal;
}

export function engineVersion(docker: Docker, signal?: AbortSignal): Promise<Docker.DockerVersion> {
  const version = docker.version as (this: Docker, options: SignalOptions) => Promise<Docker.DockerVersion>;
  return version.call(docker, { abortSignal: signal });
}

export function engineInfo(docker: Docker, signal?: AbortSignal): Promise<Record<string, unknown>> {
  const info = docker.info as (this: Docker, options: SignalOptions) => Promise<Record<string, unknown>>;
  return info.call(docker, { abortSignal: signal });
}

export function engineEvents(
  docker: Docker,
  options: { since?: string; filters?: string; abortSignal?: AbortSignal },
): Promise<NodeJS.ReadableStream> {
  const getEvents = docker.getEvents as (this: Docker, options: object) => Promise<NodeJS.ReadableStream>;
  return getEvents.call(docker, options);
}
