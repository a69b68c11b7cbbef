import type { GuiEnvironment } from '../tools/gui-environment';
import {
  defaultEndpointEnvironment,
  resolveDockerEndpoint,
  type EndpointEnvironment,
  type ResolvedEndpoint,
} from './docker-endpoint';

/**
 * The engine the docker CLI would use in the user's terminal: the app's own environment
 * plus the DOCKER_HOST / DOCKER_CONTEXT that only the login shell sets (an app started from
 * the Finder or a menu does not get them). Undefined when the shell adds nothing, so the
 * endpoint found at start-up stands. Throws (a KindscopeError) for a value the CLI would refuse.
 */
export function loginShellEndpoint(
  environment: GuiEnvironment,
  base: EndpointEnvironment = defaultEndpointEnvironment(),
): ResolvedEndpoint | undefined {
  const host = environment.value('DOCKER_HOST');
  const context = environment.value('DOCKER_CONTEXT');
  if (host.source !== 'login shell' && context.source !== 'login shell') return undefined;
  const env = {
    ...base.env,
    ...(host.value ? { DOCKER_HOST: host.value } : {}),
    ...(context.value ? { DOCKER_CONTEXT: context.value } : {}),
  };
  return resolveDockerEndpoint({ ...base, env });
}
