import type Docker from 'dockerode';
import { KindscopeError, type ClusterStatus, type FixKind } from '../../../contract';
import { defaultPlan } from '../plan/plan';
import { carvePool } from '../plan/pool-carve';
import { renderL2Policy, renderPool } from '../plan/render';
import type { LabEnvironment } from '../environment/lab-environment';
import { clusterLabel, roleLabel } from '../../topology/topology-service';
import { allAnnounced, ciliumReady, waitStep, type ClusterStatusSource } from './cluster-watch';
import type { LabPipelineDeps } from './create-pipeline';
import type { StepContext, StepDefinition } from './pipeline-runner';
import type { Verification } from './verify-service';
import { verifyStep, type VerifyStepDeps } from './verify-step';

export interface LifecycleDeps {
  docker: Docker;
  runTool: LabPipelineDeps['runTool'];
  statusSource(): ClusterStatusSource;
  verify(namespace: string, name: string): Promise<Verification | undefined>;
  hostCheck?: VerifyStepDeps['hostCheck'];
  environment(): Promise<LabEnvironment | undefined>;
  timeouts?: { cilium?: number; externalIP?: number };
}

/** The node containers of a kind cluster, control planes first (Docker labels, as kind sets them). */
export async function nodeContainers(
  docker: Docker,
  cluster: string,
): Promise<{ id: string; name: string; role: string; state: string }[]> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${clusterLabel}=${cluster}`] } });
  return containers
    .map((c) => ({
      id: c.Id,
      name: c.Names[0]?.replace(/^\//, '') ?? c.Id,
      role: c.Labels[roleLabel] ?? 'worker',
      state: c.State,
    }))
    .sort((a, b) => (a.role === b.role ? a.name.localeCompare(b.name) : a.role === 'control-plane' ? -1 : 1));
}

export function stopSteps(cluster: string, deps: LifecycleDeps): StepDefinition[] {
  return [
    {
      name: 'stop-nodes',
      title: `Stop the node containers of ${cluster}`,
      command: `docker stop <workers> then <control planes> (labelled ${clusterLabel}=${cluster})`,
      run: async (context) => {
        const nodes = (await nodeContainers(deps.docker, cluster)).reverse();
        if (nodes.length === 0) throw notFound(cluster);
        for (const [index, node] of nodes.entries()) {
          context.progress(index / nodes.length, `stopping ${node.name}`);
          if (node.state === 'running') await deps.docker.getContainer(node.id).stop();
          context.log(`stopped ${node.name}`);
        }
      },
    },
  ];
}

/** Start, then prove the lab works again: nodes Ready, Cilium up, leases re-elected, every IP answering. */
export function startSteps(cluster: string, deps: LifecycleDeps): StepDefinition[] {
  return [
    {
      name: 'start-nodes',
      title: `Start the node containers of ${cluster}`,
      command: `docker start <control planes> then <workers> (labelled ${clusterLabel}=${cluster})`,
      run: async (context) => {
        const nodes = await nodeContainers(deps.docker, cluster);
        if (nodes.length === 0) throw notFound(cluster);
        for (const [index, node] of nodes.entries()) {
          context.progress(index / nodes.length, `starting ${node.name}`);
          if (node.state !== 'running') await deps.docker.getContainer(node.id).start();
          context.log(`started ${node.name}`);
        }
        context.facts.nodes = nodes.length;
        context.facts.startedAt = Date.now();
      },
    },
    {
      name: 'cilium-ready',
      title: 'Wait for Cilium and the nodes',
      command: `watch kube-system pods and nodes of kind-${cluster} until every agent and the operator are ready and every node is Ready`,
      run: (context) =>
        waitStep(
          deps.statusSource(),
          context,
          ciliumReady(Number(context.facts.nodes ?? 1)),
          'Cilium and the nodes',
          deps.timeouts?.cilium ?? 600_000,
        ),
    },
    ...reannounceAndVerify(cluster, deps, true),
  ];
}

export function deleteSteps(cluster: string, deps: LifecycleDeps): StepDefinition[] {
  return [
    {
      name: 'kind-delete',
      title: `Delete the kind cluster ${cluster}`,
      command: `kind delete cluster --name ${cluster}`,
      run: async (context) => {
        if ((await nodeContainers(deps.docker, cluster)).length === 0) throw notFound(cluster);
        await deps.runTool('kind', ['delete', 'cluster', '--name', cluster], {
          signal: context.signal,
          onLine: context.log,
        });
      },
    },
  ];
}

/** What `fix` would do for a cluster's status: the repairs the diagnosis points at, in order. */
export function fixesFor(status: ClusterStatus): FixKind[] {
  // Nothing is concluded from data not read yet (the cluster wing's `complete`).
  if (!status.complete || status.cilium.state === 'unknown')
    throw new KindscopeError(
      'DATA_INCOMPLETE',
      `The state of ${status.cluster} is not fully read yet (${status.connection.reason ?? status.connection.state})`,
      `Check that its API server answers (kubectl --context ${status.context} get nodes), then try again.`,
    );
  if (!status.cilium.installed)
    throw new KindscopeError(
      'INVALID_INPUT',
      `Cilium is not installed on ${status.cluster}`,
      'Build a lab with `kindscope create`; fix repairs a Cilium lab.',
    );
  return repairOrder.filter((fix) => stillNeeded(fix, status));
}

/** The order repairs run in: Cilium's values first (the agents restart), then the pool, then the policy. */
const repairOrder: readonly FixKind[] = ['cilium-values', 'pool', 'l2-policy'];

/** Whether a repair is still to be made on this status (the same rules as `fixesFor`, one repair at a time). */
function stillNeeded(fix: FixKind, status: ClusterStatus): boolean {
  // A pool outside every Docker network of the cluster hands out IPs ARP can never reach: as good as none.
  if (fix === 'pool') return !status.pools.some((pool) => !outsideNetwork(pool));
  if (fix === 'l2-policy') return status.policies.length === 0;
  return status.cilium.kubeProxyReplacement !== 'true' || !status.cilium.l2Announcements;
}

const outsideNetwork = (pool: ClusterStatus['pools'][number]) =>
  pool.findings.some((f) => f.code === 'pool-outside-docker-network');

/** Runs a repair unless the live status says it is made already (by hand, or since the plan was shown): said in the log, never silent. */
function unlessMade(
  fix: FixKind,
  deps: LifecycleDeps,
  make: (c: StepContext) => Promise<void>,
): (c: StepContext) => Promise<void> {
  return async (c) => {
    const now = await deps.statusSource().status();
    if (now.complete && !stillNeeded(fix, now)) {
      c.log(
        fix === 'pool'
          ? `the cluster has a pool now (${now.pools.map((p) => p.name).join(', ')}): nothing to make`
          : fix === 'l2-policy'
            ? `the cluster has an L2 policy now (${now.policies.map((p) => p.name).join(', ')}): nothing to make`
            : 'kube-proxy replacement and L2 announcements are on now: nothing to change',
      );
      return;
    }
    await make(c);
  };
}

/**
 * The same steps the pipeline runs, applied to a cluster made by hand and stuck at
 * `<pending>`: a carved pool, the L2 policy, `helm upgrade` with the missing values — the
 * `planned` ones, those the user confirmed (kept in the run, so a resume builds the same
 * steps whatever the cluster looks like by then). Then the waits and the verification; a
 * repair still needed that was not planned fails the wait at once, naming it.
 */
export function fixSteps(
  cluster: string,
  status: ClusterStatus,
  deps: LifecycleDeps,
  planned: readonly FixKind[],
  ciliumVersion = status.cilium.version,
): (StepDefinition & { fix?: FixKind })[] {
  const context = `kind-${cluster}`;
  const plan = defaultPlan(cluster);
  if (ciliumVersion) plan.cilium.version = ciliumVersion.replace(/^v/, '');
  const steps: (StepDefinition & { fix: FixKind })[] = [];
  for (const fix of repairOrder.filter((f) => planned.includes(f))) {
    if (fix === 'cilium-values') {
      // helm skips an identical repository ("already exists with the same configuration").
      const repo = ['repo', 'add', 'cilium', 'https://helm.cilium.io/'];
      // The agents and the operator read their ConfigMap at start: roll them out so the new values apply.
      const args = [
        'upgrade',
        'cilium',
        'cilium/cilium',
        '--version',
        plan.cilium.version,
        '--namespace',
        'kube-system',
        '--kube-context',
        context,
        '--reuse-values',
        '--set',
        'kubeProxyReplacement=true',
        '--set',
        'l2announcements.enabled=true',
        '--set',
        'externalIPs.enabled=true',
        '--set',
        'rollOutCiliumPods=true',
        '--set',
        'operator.rollOutPods=true',
        '--timeout',
        '10m0s',
      ];
      steps.push({
        fix,
        name: 'cilium-upgrade',
        title: 'Turn on kube-proxy replacement and L2 announcements',
        command: `helm ${repo.join(' ')}; helm ${args.join(' ')}`,
        run: unlessMade(fix, deps, async (c) => {
          await deps.runTool('helm', repo, { signal: c.signal, onLine: c.log });
          await deps.runTool('helm', args, { signal: c.signal, onLine: c.log });
        }),
      });
    }
    if (fix === 'pool') {
      steps.push({
        fix,
        name: 'apply-pool',
        title: 'Create a LoadBalancer IP pool from the kind network',
        command: `kubectl --context ${context} apply -f - < pool.yaml (a free block carved from the kind network)`,
        run: unlessMade(fix, deps, async (c) => {
          const env = await deps.environment();
          if (!env?.network)
            throw new KindscopeError(
              'DOCKER_ERROR',
              'The kind network has no IPv4 subnet to carve a pool from',
              'Check `docker network inspect kind`.',
            );
          const carved = carvePool(env.network.subnet, env.used);
          if (!carved.ok)
            throw new KindscopeError(
              'INVALID_INPUT',
              carved.reason,
              'Free addresses in the kind network, or give a pool by hand.',
            );
          // A pool of ours outside the network is replaced in place (its services get new IPs from
          // the carved block); one the user named otherwise is left as it is, and said.
          const now = await deps.statusSource().status();
          for (const pool of now.pools.filter(outsideNetwork))
            c.log(
              pool.name === plan.pool.name
                ? `replacing the blocks of ${pool.name} (${pool.ranges.join(', ')}), outside the kind network ${env.network.subnet}, with ${carved.cidr}`
                : `leaving ${pool.name} (${pool.ranges.join(', ')}, outside the kind network) as it is: delete it yourself so its services move to ${plan.pool.name}`,
            );
          const manifest = renderPool(plan, carved.cidr);
          c.log(manifest);
          await deps.runTool('kubectl', ['--context', context, 'apply', '-f', '-'], {
            signal: c.signal,
            onLine: c.log,
            input: manifest,
          });
        }),
      });
    }
    if (fix === 'l2-policy') {
      const manifest = renderL2Policy(plan);
      steps.push({
        fix,
        name: 'apply-l2-policy',
        title: 'Create the L2 announcement policy',
        command: `kubectl --context ${context} apply -f - < l2-policy.yaml`,
        run: unlessMade(
          fix,
          deps,
          async (c) =>
            void (
              c.log(manifest),
              await deps.runTool('kubectl', ['--context', context, 'apply', '-f', '-'], {
                signal: c.signal,
                onLine: c.log,
                input: manifest,
              })
            ),
        ),
      });
    }
  }
  return [...steps, ...reannounceAndVerify(cluster, deps, false, planned)];
}

/**
 * Every LoadBalancer service gets its IP and a lease holder; then each IP is measured from
 * this machine. `planned` (fix): a repair still needed but not planned means the wait cannot
 * end well — say so at once instead of after the timeout.
 */
function reannounceAndVerify(
  cluster: string,
  deps: LifecycleDeps,
  reelected = false,
  planned?: readonly FixKind[],
): StepDefinition[] {
  return [
    {
      name: 'leases',
      title: 'Wait for every LoadBalancer IP and its lease holder',
      command: `watch the LoadBalancer services of kind-${cluster} until each has an external IP, ready endpoints and a lease holder`,
      run: async (context) => {
        if (planned) {
          const status = await deps.statusSource().status();
          const left = status.complete ? repairOrder.filter((f) => !planned.includes(f) && stillNeeded(f, status)) : [];
          if (left.length > 0)
            throw new KindscopeError(
              'INVALID_INPUT',
              `${cluster} still needs ${left.map(repairText).join(' and ')}, which this run was not confirmed to make: without it no LoadBalancer IP gets ${left.includes('pool') ? 'an address' : 'announced'}`,
              `Run \`kindscope fix --cluster ${cluster} --only ${left.join(',')}\` (or tick it in the Fix dialog) — or make it by hand, then resume this run.`,
            );
        }
        // After a start, a lease counts only once renewed since: the holder was re-elected and renews it.
        // Renewals are not pushed (statusChangeKey), so only this check re-reads the model each second.
        await waitStep(
          deps.statusSource(),
          context,
          allAnnounced(reelected ? Number(context.facts.startedAt) : undefined),
          'the LoadBalancer IPs',
          deps.timeouts?.externalIP ?? 180_000,
          reelected ? 1_000 : undefined,
        );
      },
    },
    verifyStep(deps, 'every-ip'),
  ];
}

const repairText = (fix: FixKind) =>
  fix === 'pool'
    ? 'a LoadBalancer IP pool [pool]'
    : fix === 'l2-policy'
      ? 'an L2 announcement policy [l2-policy]'
      : 'kube-proxy replacement and L2 announcements [cilium-values]';

function notFound(cluster: string): KindscopeError {
  return new KindscopeError(
    'CLUSTER_NOT_FOUND',
    `No kind cluster named "${cluster}" on this engine`,
    'See `kindscope topology` for the clusters.',
  );
}
