import { KindscopeError, type LabRendering } from '../../../contract';
import { resolvePool } from '../plan/validate-plan';
import type { LabPipelineDeps } from './create-pipeline';
import type { StepContext } from './pipeline-runner';

/**
 * Resolves the pool once kind has made the network, and keeps it in the journal
 * (`facts.poolCidr`): the pool step applies it, the run view shows it, a resume keeps it
 * (this step is done by then, so it is not carved again whatever the network holds since).
 * An auto pool keeps the block the plan showed while it is still free, else is carved
 * afresh; a given pool is checked as the plan would have been, had the network existed, and
 * the run stops here when it does not fit (outside the network, ARP could never reach it).
 */
export async function carvePoolStep(
  rendering: LabRendering,
  deps: LabPipelineDeps,
  context: StepContext,
): Promise<void> {
  const plan = rendering.plan;
  const env = await deps.environment?.();
  if (!env)
    throw new KindscopeError(
      'DOCKER_ERROR',
      'The Docker engine could not be read, so the pool could not be carved from the kind network',
      'Check that Docker answers (kindscope docker), then resume this run.',
    );
  if (!env.network)
    throw new KindscopeError(
      'DOCKER_ERROR',
      `kind created the cluster but the ${env.networkName} network has no IPv4 subnet to carve the pool from`,
      env.networkName === 'kind'
        ? 'Check `docker network inspect kind`; then clean up this run and create again.'
        : `KIND_EXPERIMENTAL_DOCKER_NETWORK names ${env.networkName}: give it an IPv4 subnet or unset it, then clean up this run and create again.`,
    );
  context.log(`network ${env.networkName}: ${env.network.subnet}`);
  // BGP mode's router listens for the nodes on the kind subnet (its `bgp listen range`).
  context.facts.kindSubnet = env.network.subnet;
  const planned = plan.pool.cidr === 'auto' ? rendering.poolCidr : undefined;
  if (planned) {
    const kept = resolvePool({ ...plan, pool: { ...plan.pool, cidr: planned } }, env);
    if (!kept.findings.some((f) => f.severity === 'error')) {
      context.facts.poolCidr = planned;
      context.log(`pool ${planned} (auto, as the plan showed; still free)`);
      return;
    }
    context.log(`${planned}, shown by the plan, is no longer free: ${kept.findings.map((f) => f.message).join('; ')}`);
  }
  const resolved = resolvePool(plan, env);
  const errors = resolved.findings.filter((f) => f.severity === 'error');
  if (errors.length || !resolved.cidr)
    throw new KindscopeError(
      'INVALID_INPUT',
      `pool.cidr: ${errors.map((f) => f.message).join('; ') || 'the pool could not be resolved'}`,
      `${errors.map((f) => f.fix).join(' ')} Clean up this run and create again with that pool; on a cluster already built, \`kindscope fix\` carves one.`,
    );
  context.facts.poolCidr = resolved.cidr;
  context.log(
    `pool ${resolved.cidr} (${plan.pool.cidr === 'auto' ? `carved from ${env.network.subnet}` : `inside ${env.network.subnet} and free`})`,
  );
}
