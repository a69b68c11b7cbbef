import { KindscopeError, HostPlatform, HostRuntime, type EngineFlavour, type HostContext } from '../../contract';

/** What the engine says about itself (`docker info` / `docker version`). */
export interface EngineClues {
  flavour: EngineFlavour;
  /** `docker version` Server.Platform.Name, e.g. "Docker Desktop 4.52.0 (210994)". */
  platformName?: string;
}

const runtimeOfFlavour: Record<EngineFlavour, HostRuntime> = {
  'Docker Desktop': 'docker-desktop',
  OrbStack: 'orbstack',
  Colima: 'colima',
  'Rancher Desktop': 'rancher-desktop',
  Podman: 'podman',
  native: 'native',
};

function platformOf(value: string): HostPlatform {
  return (HostPlatform.options as readonly string[]).includes(value) ? (value as HostPlatform) : 'other';
}

/**
 * The one place the platform and the runtime are decided. Tests set KINDSCOPE_PLATFORM and
 * KINDSCOPE_RUNTIME (and KINDSCOPE_RUNTIME_VERSION for Docker Desktop's version) so the
 * macOS logic runs on Linux against the real engine; otherwise the engine's own info says
 * which product runs it, and `process.platform` which OS this machine is.
 */
export function resolveHostContext(
  env: NodeJS.ProcessEnv,
  engine: EngineClues | undefined,
  processPlatform: NodeJS.Platform = process.platform,
): HostContext {
  const platformVar = env.KINDSCOPE_PLATFORM;
  const runtimeVar = env.KINDSCOPE_RUNTIME;
  if (platformVar !== undefined && !HostPlatform.safeParse(platformVar).success) {
    throw new KindscopeError(
      'INVALID_INPUT',
      `KINDSCOPE_PLATFORM "${platformVar}" is not a platform`,
      `Set KINDSCOPE_PLATFORM to one of ${HostPlatform.options.join(', ')}, or unset it.`,
    );
  }
  if (runtimeVar !== undefined && !HostRuntime.safeParse(runtimeVar).success) {
    throw new KindscopeError(
      'INVALID_INPUT',
      `KINDSCOPE_RUNTIME "${runtimeVar}" is not a runtime`,
      `Set KINDSCOPE_RUNTIME to one of ${HostRuntime.options.join(', ')}, or unset it.`,
    );
  }
  const versionVar = env.KINDSCOPE_RUNTIME_VERSION;
  if (versionVar !== undefined && !/^\d+\.\d+(\.\d+)?$/.test(versionVar)) {
    throw new KindscopeError(
      'INVALID_INPUT',
      `KINDSCOPE_RUNTIME_VERSION "${versionVar}" is not a version`,
      'Set it to a version such as 4.52.0, or unset it.',
    );
  }
  const platform = platformVar ? (platformVar as HostPlatform) : platformOf(processPlatform);
  const runtime = runtimeVar ? (runtimeVar as HostRuntime) : engine ? runtimeOfFlavour[engine.flavour] : 'native';
  const engineVersion = /Docker Desktop (\d+\.\d+\.\d+)/.exec(engine?.platformName ?? '')?.[1];
  const runtimeVersion = versionVar ?? (runtime === 'docker-desktop' ? engineVersion : undefined);
  return {
    platform,
    runtime,
    ...(runtimeVersion ? { runtimeVersion } : {}),
    source: platformVar || runtimeVar ? 'environment' : 'engine',
  };
}
