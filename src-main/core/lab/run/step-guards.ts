/**
 * What a create step checks or undoes around its tool: a release a killed helm left behind (so a
 * retry can install again), and node containers without an address (so the run stops where it
 * broke, not later in a wait).
 */
import { KindscopeError } from '../../../contract';
import type { LabPipelineDeps } from './create-pipeline';
import type { StepContext } from './pipeline-runner';

/**
 * A killed `helm install` leaves the release `pending-install`, and installing again fails
 * with "cannot re-use a name that is still in use" (helm/helm#8380): remove it first.
 */
export async function removeStaleRelease(deps: LabPipelineDeps, cluster: string, context: StepContext): Promise<void> {
  const where = ['--namespace', 'kube-system', '--kube-context', `kind-${cluster}`];
  const status = await deps.runTool('helm', ['status', 'cilium', ...where], {
    signal: context.signal,
    allowFailure: true,
  });
  if (status.exitCode !== 0) return;
  context.log(
    `removing the release left by the previous attempt (${/STATUS: (\S+)/.exec(status.stdout)?.[1] ?? 'unknown state'})`,
  );
  await deps.runTool('helm', ['uninstall', 'cilium', ...where], {
    signal: context.signal,
    onLine: (line) => context.log(line),
  });
}

/** Node containers must have addresses on the kind network (docker/desktop-feedback#430: some releases gave none). */
export async function checkNodeAddresses(deps: LabPipelineDeps, expected: number, context: StepContext): Promise<void> {
  const nodes = await deps.nodeAddresses();
  for (const node of nodes) context.log(`${node.name}: ${node.ipv4 ?? 'no IPv4 address'}`);
  const missing = nodes.filter((n) => !n.ipv4);
  if (nodes.length < expected || missing.length) {
    throw new KindscopeError(
      'DOCKER_ERROR',
      `Node containers without an IPv4 address on the kind network: ${missing.map((n) => n.name).join(', ') || `${nodes.length} of ${expected} nodes found`}`,
      'Docker Desktop: update it or switch its network stack (docker/desktop-feedback#430); then clean up this run and create again.',
    );
  }
}
