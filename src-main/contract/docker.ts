import { z } from 'zod';

/** Where the engine endpoint came from, in the order the docker CLI looks. */
export const EndpointSource = z.enum(['DOCKER_HOST', 'DOCKER_CONTEXT', 'docker config', 'default']);
export type EndpointSource = z.infer<typeof EndpointSource>;

export const DockerEndpoint = z.object({
  /** `unix:///var/run/docker.sock`, `tcp://host:2376`, `ssh://user@host`, … */
  host: z.string(),
  source: EndpointSource,
  /** The docker context the endpoint belongs to, when it came from one. */
  context: z.string().optional(),
  tls: z.boolean(),
});
export type DockerEndpoint = z.infer<typeof DockerEndpoint>;

export const EngineFlavour = z.enum(['Docker Desktop', 'OrbStack', 'Colima', 'Rancher Desktop', 'Podman', 'native']);
export type EngineFlavour = z.infer<typeof EngineFlavour>;

export const DockerEngineFacts = z.object({
  version: z.string(),
  apiVersion: z.string(),
  minApiVersion: z.string().optional(),
  os: z.string(),
  arch: z.string(),
  kernelVersion: z.string(),
  operatingSystem: z.string(),
  name: z.string(),
  flavour: EngineFlavour,
  containers: z.object({
    total: z.number().int().nonnegative(),
    running: z.number().int().nonnegative(),
    paused: z.number().int().nonnegative(),
    stopped: z.number().int().nonnegative(),
  }),
});
export type DockerEngineFacts = z.infer<typeof DockerEngineFacts>;

/** Stream state as every live source reports it (STYLE rule 7). */
export const StreamState = z.enum(['connecting', 'live', 'offline']);
export type StreamState = z.infer<typeof StreamState>;

export const DockerEngineStatus = z.object({
  state: StreamState,
  endpoint: DockerEndpoint,
  /** Present when reachable. */
  engine: DockerEngineFacts.optional(),
  /** Present when offline: why, and what to do. */
  problem: z.object({ message: z.string(), hint: z.string() }).optional(),
  /** ISO time of the last change. */
  updatedAt: z.string(),
});
export type DockerEngineStatus = z.infer<typeof DockerEngineStatus>;
